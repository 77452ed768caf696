"""One asylum-decisions query per covered country of asylum, following `page` to `maxPages`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

from scrapy.http import Response

from core.countries import country_name
from crawlers.pages import unhcr_rdf as page
from crawlers.pages.base import PageError, content_type
from crawlers.spiders.base import SourceSpider


class UnhcrRdfSpider(SourceSpider):
    name = source_id = "unhcr_rdf"

    def query(self, iso3: str, number: int) -> str:
        params = {"coa": iso3, **self.source.params, "page": str(number)}
        return f"{self.url('decisions')}?{urlencode(params, doseq=True)}"

    async def start(self) -> AsyncIterator[Any]:
        for iso2, iso3 in self.countries.items():
            yield self.get(self.query(iso3, 1), self.parse_decisions, iso2=iso2, iso3=iso3,
                           number=1)

    def parse_decisions(self, response: Response, iso2: str, iso3: str, number: int) -> Any:
        try:
            rows, current, last = page.decisions(response, iso3)
        except PageError as exc:
            self.logger.error("extraction failed: %s", exc)
            self.fail(response.url, f"extraction: {exc}")
            return
        if current != number:
            self.fail(response.url, f"extraction: asked for page {number}, got page {current}")
            return
        if rows:
            yield {"kind": "statistics", "dataset": "asylum_decisions", "url": response.url,
                   "title": f"UNHCR Refugee Data Finder: asylum decisions in "
                            f"{country_name(iso2)} (page {current} of {last})",
                   "countries": [iso2], "rows": rows, "raw": response.body,
                   "content_type": content_type(response)}
        else:
            self.logger.info("no asylum-decisions rows at %s", response.url)
        if current < last:
            yield self.get(self.query(iso3, current + 1), self.parse_decisions, iso2=iso2,
                           iso3=iso3, number=current + 1)
