"""IRB Responses to Information Requests: each covered country's listing, then every RIR."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

from scrapy.http import Response

from core.errors import CckbError
from crawlers.pages import irb_rir
from crawlers.spiders.base import SourceSpider


class IrbRirSpider(SourceSpider):
    name = source_id = "irb_rir"

    async def start(self) -> AsyncIterator[Any]:
        for iso2, name in self.countries.items():
            yield self.get(self.url("listing", slug=quote(name)), self.parse_listing, iso2=iso2,
                           first=True)

    def parse_listing(self, response: Response, iso2: str, first: bool) -> Any:
        try:
            urls, next_url = irb_rir.listing(response)
        except CckbError as exc:
            self.logger.error("extraction failed: %s", exc)
            self.fail(response.url, f"extraction: {exc}")
            return
        if first and not urls:
            # counted, not failed: a country may have no RIR in the seven-year archive; a crawl
            # where every listing is empty still fails as "yielded no items"
            self.logger.warning("RIR listing for %s is empty: %s", iso2,
                                self.public_url(response.url))
            self.crawler.stats.inc_value("cckb/empty_listings")
        for url in urls:
            yield self.get(self.fetch_url(url), self.parse_rir, iso2=iso2)
        if next_url:
            yield self.get(self.fetch_url(next_url), self.parse_listing, iso2=iso2, first=False)

    def parse_rir(self, response: Response, iso2: str) -> Any:
        yield from self.extract(irb_rir.parse, response, iso2=iso2,
                                covered=list(self.source.countries))
