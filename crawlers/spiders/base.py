"""What every source spider shares: its YAML config, mirror-aware URLs and failure accounting."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.httpobj import urlparse_cached
from twisted.python.failure import Failure

from core.errors import CckbError
from crawlers.report import SourceReport
from crawlers.source_config import SourceConfig, fetch_url, load_source, public_url

PageObject = Callable[..., dict]


class SourceSpider(scrapy.Spider):
    """Base class; a subclass names its `source_id` and implements `start()`."""

    source_id: ClassVar[str]

    def __init__(self, countries: str | list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.real: SourceConfig = load_source(self.source_id)
        self.source: SourceConfig = self.real
        self.report = SourceReport(self.source_id)
        if isinstance(countries, str):
            countries = countries.split(",")
        self.requested = [c.strip().upper() for c in countries or [] if c.strip()]

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.source = spider.real.rebased(crawler.settings.get("CCKB_SOURCE_BASE_URL") or "")
        spider.allowed_domains = spider.source.allowed_domains
        if not spider.requested:
            spider.requested = list(crawler.settings.getlist("CCKB_COUNTRIES"))
        crawler.signals.connect(spider._scheduled, signal=signals.request_scheduled)
        return spider

    @property
    def countries(self) -> dict[str, str]:
        """ISO2 -> site slug for the countries this crawl covers."""
        return {c: slug for c, slug in self.source.countries.items() if c in self.requested}

    def url(self, name: str, **values: object) -> str:
        return self.source.url(name, **values)

    def fetch_url(self, url: str) -> str:
        return fetch_url(url, self.real, self.source)

    def public_url(self, url: str) -> str:
        return public_url(url, self.real, self.source)

    def fail(self, url: str, reason: str) -> None:
        """Record a failure under the real-site URL (the one an operator can look up)."""
        self.report.fail(self.public_url(url), reason)

    def get(self, url: str, callback: Callable[..., Any], **cb_kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.failed, cb_kwargs=cb_kwargs)

    def extract(self, page: PageObject, response: Response, **context: Any) -> Iterable[dict]:
        """Run a page object; a page it cannot read is a counted failure, not a crash."""
        try:
            yield page(response, **context)
        except CckbError as exc:
            self.logger.error("extraction failed: %s", exc)
            self.fail(response.url, f"extraction: {exc}")

    def failed(self, failure: Failure) -> None:
        request = failure.request
        exc = failure.value
        if isinstance(exc, IgnoreRequest) and "robots.txt" in str(exc):
            self.report.dropped_robots += 1
            reason = "forbidden by robots.txt"
        elif isinstance(exc, HttpError):
            reason = f"HTTP {exc.response.status}"
        else:
            reason = f"{type(exc).__name__}: {exc}".strip()
        self.logger.warning("request failed: %s (%s)", request.url, reason)
        self.fail(request.url, reason)

    def _scheduled(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        """Offsite redirects are dropped silently by Scrapy; name them in the report."""
        host = urlparse_cached(request).hostname or ""
        if request.meta.get("redirect_urls") and host not in self.allowed_domains:
            self.report.dropped_offsite += 1
            self.fail(request.meta["redirect_urls"][0],
                             f"redirected to another domain ({host}); not followed")
