"""`cckb crawl --check`: one path through each source instead of a crawl.

With the setting `CCKB_CHECK`, this spider middleware lets through only the spider's first start
request, and from each answer only one request, preferring one that goes a level deeper (a
listing's document link over its next page), until the first item: robots.txt (fetched by the
robots middleware as always), a listing where the source has one, one document. Every answer the
spider reads is recorded as a step on the source's report (`SourceReport.steps`); failures are
recorded by the spider as in any crawl. All other middlewares and settings (robots.txt, delays,
block detection, retries) are those of a crawl.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response


class CheckMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.enabled = crawler.settings.getbool("CCKB_CHECK", False)
        self.done = False  # one item seen: nothing more is forwarded

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CheckMiddleware:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for request in start:
            yield request
            if self.enabled:
                return

    def _choose(self, response: Response, output: list[Any], spider: Spider) -> list[Any]:
        items = [o for o in output if not isinstance(o, Request)]
        requests = [o for o in output if isinstance(o, Request)]
        report = getattr(spider, "report", None)
        public = getattr(spider, "public_url", lambda u: u)
        if report is not None:
            role = "document" if items else "listing" if requests else "page"
            step: dict[str, Any] = {"role": role, "url": public(response.url),
                                    "status": response.status}
            if items and isinstance(items[0], dict) and items[0].get("title"):
                step["extracted"] = str(items[0]["title"])
            report.steps.append(step)
        if self.done:
            return []
        if items:
            self.done = True
            return items[:1]
        if not requests:
            return []
        current = response.request.callback if response.request is not None else None
        deeper = [r for r in requests if r.callback != current]
        return [(deeper or requests)[0]]

    def process_spider_output(self, response: Response, result: Iterable[Any],
                              spider: Spider | None = None) -> Iterable[Any]:
        if not self.enabled:
            yield from result
            return
        yield from self._choose(response, list(result), spider or self.crawler.spider)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any],
                                          spider: Spider | None = None) -> AsyncIterator[Any]:
        if not self.enabled:
            async for item in result:
                yield item
            return
        output = [item async for item in result]
        for item in self._choose(response, output, spider or self.crawler.spider):
            yield item
