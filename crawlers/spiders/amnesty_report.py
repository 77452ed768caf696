"""Amnesty International Report: the latest country entry, one page per country."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Response

from crawlers.pages import amnesty_report
from crawlers.spiders.base import SourceSpider


class AmnestyReportSpider(SourceSpider):
    name = source_id = "amnesty_report"

    async def start(self) -> AsyncIterator[Any]:
        for iso2, slug in self.countries.items():
            yield self.get(self.url("report", slug=slug, country=slug.rsplit("/", 1)[-1]),
                           self.parse_page, iso2=iso2)

    def parse_page(self, response: Response, iso2: str) -> Any:
        yield from self.extract(amnesty_report.parse, response, source=self.real, iso2=iso2)
