"""UNHCR Help: each country site's home page, then every asylum page it links to."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Response

from core.countries import COUNTRIES
from core.errors import CckbError
from crawlers.pages import unhcr_help
from crawlers.spiders.base import SeedMatch, SourceSpider


class UnhcrHelpSpider(SourceSpider):
    name = source_id = "unhcr_help"
    seed_paths = ("home",)
    seed_below = True  # seeds: asylum pages anywhere under a country site (paths differ per site)

    async def start(self) -> AsyncIterator[Any]:
        for iso2, slug in self.countries.items():
            yield self.get(self.url("home", slug=slug), self.parse_home, iso2=iso2, slug=slug)

    def parse_home(self, response: Response, iso2: str, slug: str) -> Any:
        keywords = self.source.params.get("link_keywords", [])
        try:
            links = unhcr_help.asylum_links(response, slug, list(keywords))
        except CckbError as exc:
            self.logger.error("extraction failed: %s", exc)
            self.fail(response.url, f"extraction: {exc}")
            return
        country = COUNTRIES[iso2]["name"]
        for url in links:
            url = self.fetch_url(url)
            if url.startswith(self.source.base_url):
                yield self.get(url, self.parse_page, iso2=iso2, country=country)

    def parse_page(self, response: Response, iso2: str, country: str) -> Any:
        yield from self.extract(unhcr_help.parse, response, iso2=iso2, country=country)

    def seed_context(self, match: SeedMatch) -> dict[str, Any]:
        return {"iso2": match.iso2, "country": COUNTRIES[match.iso2 or ""]["name"]}

    def parse_seed(self, response: Response, **context: Any) -> Any:
        yield from self.parse_page(response, **context)
