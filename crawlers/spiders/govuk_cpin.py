"""Walk the CPIN collection to each covered country's notes via the GOV.UK Content API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response

from crawlers.pages import govuk_cpin as page
from crawlers.pages.base import PageError
from crawlers.spiders.base import SourceSpider


class GovukCpinSpider(SourceSpider):
    name = source_id = "govuk_cpin"

    async def start(self) -> AsyncIterator[Any]:
        yield self.get(self.url("collection"), self.parse_collection)

    def parse_collection(self, response: Response) -> Any:
        try:
            found = page.collection(response, self.countries)
        except PageError as exc:
            self.fail(response.url, f"extraction: {exc}")
            return
        for iso2, base_path in found:
            yield self.get(self.url("content", base_path=base_path), self.parse_publication,
                           iso2=iso2)

    def parse_publication(self, response: Response, iso2: str) -> Any:
        try:
            urls = page.attachments(response)
        except PageError as exc:
            self.fail(response.url, f"extraction: {exc}")
            return
        for url in urls:
            yield self.get(self.url("content", base_path=urlsplit(url).path),
                           self.parse_note, iso2=iso2)

    def parse_note(self, response: Response, iso2: str) -> Any:
        yield from self.extract(page.note, response, iso2=iso2, web_base=self.real.base_url)
