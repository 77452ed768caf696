"""Sources with one page per country and yearly edition (the common report shape)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar

from scrapy.http import Response

from crawlers.source_config import SourceConfig
from crawlers.spiders.base import PageObject, SeedMatch, SourceSpider


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

    @classmethod
    def seed_path_names(cls, source: SourceConfig) -> tuple[str, ...]:
        """Every path template of an edition source names one of its report pages."""
        return tuple(source.paths)

    def seed_context(self, match: SeedMatch) -> dict[str, Any]:
        year = int(match.values["year"]) if "year" in match.values else None
        note = match.seed.edition_note or next(
            (e.note for e in self.source.editions if e.year == year), None)
        return {"iso2": match.iso2, "year": year, "edition_note": note}

    def parse_seed(self, response: Response, **context: Any) -> Any:
        yield from self.parse_page(response, **context)
