"""Per-host spacing: robots.txt `Crawl-delay` and the source YAML's `min_delay` floors.

Scrapy reads robots.txt rules but never applies `Crawl-delay`, and AutoThrottle only adapts to
latency. Here each host with a delay (the larger of its robots.txt Crawl-delay for our
User-Agent and the floor in the source's YAML) gets one request at a time: a request waits until
the previous one to that host has been answered and then `delay` seconds more, so two requests
reach the server at least `delay` seconds apart whatever the downloader's own queueing. The
middleware sits after the HTTP cache, so cache hits wait for nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

log = logging.getLogger(__name__)
META = "cckb_polite_host"


class CrawlDelayMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.useragent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get(
            "USER_AGENT") or "*"
        self.crawl_delay: dict[str, float] = {}  # host -> robots.txt Crawl-delay
        self.floors: dict[str, float] = {}  # host -> source YAML floor
        self.last_answer: dict[str, float] = {}  # host -> monotonic time of the last answer
        self.locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        crawler.signals.connect(self._robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(self._opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelayMiddleware:
        return cls(crawler)

    def _opened(self, spider: Spider) -> None:
        source = getattr(spider, "real", None)
        self.floors.update(getattr(source, "min_delay", None) or {})

    def _robots_parsed(self, robotparser: object, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        parsed = getattr(robotparser, "rp", None)  # Scrapy's ProtegoRobotParser wraps Protego
        reader = getattr(parsed, "crawl_delay", None)
        delay = reader(self.useragent) if callable(reader) else None
        if delay:
            self.crawl_delay[host] = float(delay)
            log.info("robots.txt of %s asks Crawl-delay: %s s; honoured", host, delay)

    def delay(self, host: str) -> float:
        return max(self.crawl_delay.get(host, 0.0), self.floors.get(host, 0.0))

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        host = urlparse_cached(request).hostname or ""
        delay = self.delay(host)
        if not delay:
            return
        await self.locks[host].acquire()  # released when this request is answered
        request.meta[META] = host
        while (wait := self.last_answer.get(host, float("-inf")) + delay
               - time.monotonic()) > 0:
            await asyncio.sleep(wait)

    def _done(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        self.last_answer[host] = time.monotonic()
        if request.meta.pop(META, None) is not None and self.locks[host].locked():
            self.locks[host].release()

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        self._done(request)
        return response

    def process_exception(self, request: Request, exception: Exception,
                          spider: Spider | None = None) -> None:
        self._done(request)
