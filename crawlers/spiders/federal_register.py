"""Search the Federal Register API, then fetch each hit's full text from GovInfo (the same
official text; federalregister.gov gates its document pages for programs); follows result pages.

The API answers at most 10,000 results per search (its `count` is capped there too), so an answer
whose count reaches the cap is not trusted: its date range (`conditions[publication_date][gte]`
/ `[lte]`, the whole archive at first) is halved and each half searched again, until every range
is below the cap. A single day still at the cap is reported as a failure, never silently cut.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from scrapy.http import Response
from twisted.python.failure import Failure

from core.errors import CckbError
from crawlers.pages import federal_register as page
from crawlers.pages.base import PageError
from crawlers.spiders.base import SourceSpider

RESULT_CAP = 10_000
FIRST_DAY = date(1994, 1, 1)  # the API's documents start with the 1994 volume
GTE, LTE = "conditions[publication_date][gte]", "conditions[publication_date][lte]"
Span = tuple[date, date]


class FederalRegisterSpider(SourceSpider):
    name = source_id = "federal_register"

    async def start(self) -> AsyncIterator[Any]:
        yield self.search(None)

    def search(self, span: Span | None) -> Any:
        params = dict(self.source.params)
        if span is not None:
            params[GTE], params[LTE] = span[0].isoformat(), span[1].isoformat()
        return self.get(f"{self.url('search')}?{urlencode(params, doseq=True)}",
                        self.parse_search, span=span)

    def parse_search(self, response: Response, span: Span | None = None) -> Any:
        try:
            results, next_url, count = page.search(response)
        except PageError as exc:
            self.fail(response.url, f"extraction: {exc}")
            return
        if count >= RESULT_CAP:
            yield from self.split(response.url, span, count)
            return
        covered = list(self.source.countries)
        for record in results:
            named = page.countries_named(record, covered)
            if named and not set(named) & set(self.countries):
                continue  # about countries outside this crawl's --country selection
            try:
                values = page.text_path_values(record)
            except PageError as exc:
                self.fail(record["html_url"], f"extraction: {exc}")
                continue
            # the text from GovInfo: federalregister.gov gates its document pages for programs
            yield self.get(self.source.host_url("govinfo", "text", **values),
                           self.parse_document, record=record,
                           text_url=self.real.host_url("govinfo", "text", **values))
        if next_url:
            yield self.get(self.fetch_url(next_url), self.parse_search, span=span)

    def split(self, url: str, span: Span | None, count: int) -> Any:
        """Search both halves of a date range whose answer reached the result cap."""
        low, high = span or (FIRST_DAY, datetime.now(UTC).date())
        if low >= high:
            self.fail(url, f"{count:,} results published on {low} alone reach the API's "
                           f"{RESULT_CAP:,}-result cap; the range cannot be split further")
            return
        middle = low + (high - low) // 2
        self.logger.info("%s: %s results reach the %s cap; searching %s..%s and %s..%s", url,
                         count, RESULT_CAP, low, middle, middle + timedelta(days=1), high)
        yield self.search((low, middle))
        yield self.search((middle + timedelta(days=1), high))

    def parse_document(self, response: Response, record: dict, text_url: str) -> Any:
        try:
            yield page.document(response, record=record, covered=list(self.source.countries),
                                selected=list(self.countries))
        except CckbError as exc:
            self.logger.error("extraction failed: %s", exc)
            self.report.fail(text_url, f"extraction: {exc}".replace(response.url, text_url))

    def failed(self, failure: Failure) -> None:
        """A GovInfo text request fails under its real GovInfo URL, not the mirror's."""
        text_url = failure.request.cb_kwargs.get("text_url")
        if text_url and self.source.base_url != self.real.base_url:
            failure.request = failure.request.replace(url=text_url)
        super().failed(failure)
