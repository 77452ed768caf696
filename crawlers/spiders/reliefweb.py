"""One ReliefWeb API query per covered country, following `links.next` pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

from scrapy.http import Response

from crawlers.pages import reliefweb as page
from crawlers.pages.base import PageError
from crawlers.spiders.base import SourceSpider


class ReliefwebSpider(SourceSpider):
    name = source_id = "reliefweb"

    async def start(self) -> AsyncIterator[Any]:
        appname = self.settings.get("CCKB_RELIEFWEB_APPNAME") or ""
        if not appname:
            self.logger.error("reliefweb needs a pre-approved appname: set "
                              "CCKB_RELIEFWEB_APPNAME (request one at apidoc.reliefweb.int)")
            self.fail(self.url("reports"), "CCKB_RELIEFWEB_APPNAME is empty; the "
                             "ReliefWeb API refuses unapproved appnames, so nothing was crawled")
            return
        for iso3 in self.countries.values():
            params = {"appname": appname, **self.source.params, "filter[value]": iso3}
            yield self.get(f"{self.url('reports')}?{urlencode(params, doseq=True)}",
                           self.parse_reports)

    def parse_reports(self, response: Response) -> Any:
        try:
            items, next_url = page.reports(response, list(self.source.countries))
        except PageError as exc:
            self.fail(response.url, f"extraction: {exc}")
            return
        yield from items
        if next_url:
            yield self.get(self.fetch_url(next_url), self.parse_reports)
