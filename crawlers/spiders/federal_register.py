"""Search the Federal Register API, then fetch each hit's full text; follows result pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

from scrapy.http import Response

from crawlers.pages import federal_register as page
from crawlers.pages.base import PageError
from crawlers.spiders.base import SourceSpider


class FederalRegisterSpider(SourceSpider):
    name = source_id = "federal_register"

    async def start(self) -> AsyncIterator[Any]:
        query = urlencode(self.source.params, doseq=True)
        yield self.get(f"{self.url('search')}?{query}", self.parse_search)

    def parse_search(self, response: Response) -> Any:
        try:
            results, next_url = page.listing(response)
        except PageError as exc:
            self.fail(response.url, f"extraction: {exc}")
            return
        covered = list(self.source.countries)
        for record in results:
            named = page.countries_named(record, covered)
            if named and not set(named) & set(self.countries):
                continue  # about countries outside this crawl's --country selection
            yield self.get(self.fetch_url(record["body_html_url"]), self.parse_document,
                           record=record)
        if next_url:
            yield self.get(self.fetch_url(next_url), self.parse_search)

    def parse_document(self, response: Response, record: dict) -> Any:
        yield from self.extract(page.document, response, record=record,
                                covered=list(self.source.countries),
                                selected=list(self.countries))
