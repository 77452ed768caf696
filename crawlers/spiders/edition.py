"""Sources with one page per country and yearly edition (the common report shape)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar

from scrapy.http import Response

from crawlers.spiders.base import PageObject, SourceSpider


class EditionSpider(SourceSpider):
    """Requests `paths[path_name]` for every edition x country; `page` reads each answer."""

    path_name: ClassVar[str]
    page: ClassVar[PageObject]

    async def start(self) -> AsyncIterator[Any]:
        for edition in self.source.editions:
            for iso2, slug in self.countries.items():
                yield self.get(self.url(self.path_name, year=edition.year, slug=slug),
                               self.parse_page, iso2=iso2, year=edition.year,
                               edition_note=edition.note)

    def parse_page(self, response: Response, **context: Any) -> Any:
        yield from self.extract(type(self).page, response, source=self.real, **context)
