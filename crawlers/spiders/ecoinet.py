"""ecoi.net: each covered country's page, then the document pages it links to."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Response

from core.errors import CckbError
from crawlers.pages import ecoinet
from crawlers.spiders.base import SourceSpider


class EcoinetSpider(SourceSpider):
    name = source_id = "ecoinet"

    async def start(self) -> AsyncIterator[Any]:
        for iso2, slug in self.countries.items():
            yield self.get(self.url("country", slug=slug), self.parse_country, iso2=iso2)

    def parse_country(self, response: Response, iso2: str) -> Any:
        limit = int(str(self.source.params.get("max_documents", "40")))
        try:
            links = ecoinet.document_links(response, limit)
        except CckbError as exc:
            self.logger.error("extraction failed: %s", exc)
            self.fail(response.url, f"extraction: {exc}")
            return
        for url in links:
            url = self.fetch_url(url)
            if url.startswith(self.source.base_url):
                yield self.get(url, self.parse_document, iso2=iso2)

    def parse_document(self, response: Response, iso2: str) -> Any:
        for item in self.extract(ecoinet.document, response, iso2=iso2,
                                 covered=list(self.source.countries)):
            if item is None:  # PDF-only on ecoi.net: skipped and logged by the page object
                self.crawler.stats.inc_value("cckb/skipped_pdf_only")
                continue
            yield item
