"""What every source spider shares: its YAML config, mirror-aware URLs and failure accounting."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.httpobj import urlparse_cached
from twisted.python.failure import Failure

from core.errors import CckbError
from crawlers.blocks import Blocked
from crawlers.report import SourceReport
from crawlers.source_config import SourceConfig, fetch_url, load_source, public_url

PageObject = Callable[..., dict]


class SeedError(ValueError):
    """A seed URL this source cannot fetch or read (wrong host, path outside its patterns)."""


@dataclass(frozen=True)
class Seed:
    """One real-site URL to fetch as given, with what the URL alone cannot say."""

    url: str
    source: str | None = None
    country: str | None = None  # ISO2, for URLs that name no country (State custom reports)
    edition_note: str | None = None


@dataclass(frozen=True)
class SeedMatch:
    """A seed accepted by a source: the path template it matched and the values it carried."""

    seed: Seed
    path_name: str
    values: dict[str, str] = field(default_factory=dict)
    iso2: str | None = None


def _template_regex(template: str, slugs: dict[str, str], below: bool = False
                    ) -> re.Pattern[str]:
    """`reports/{year}-x/{slug}/` -> a regex over the URL path; `{slug}` only matches the
    source's own country slugs (some contain `/`), `{year}` four digits, others one segment."""
    out, pos = [], 0
    for m in re.finditer(r"\{(\w+)\}", template):
        out.append(re.escape(template[pos:m.start()]))
        name = m.group(1)
        if name == "slug":
            alts = "|".join(re.escape(s) for s in sorted(slugs.values(), key=len, reverse=True))
            out.append(f"(?P<slug>{alts})")
        elif name == "year":
            out.append(r"(?P<year>\d{4})")
        else:
            out.append(f"(?P<{name}>[^/]+)")
        pos = m.end()
    out.append(re.escape(template[pos:].rstrip("/")))
    return re.compile("/" + "".join(out).lstrip("/") + ("(?:/.*)?" if below else "/?"))


class SourceSpider(scrapy.Spider):
    """Base class; a subclass names its `source_id` and implements `start()`."""

    source_id: ClassVar[str]
    # Seed URLs (`cckb crawl --seeds FILE`): the names of the source's path templates a seed
    # may match. Empty = this source takes no seeds (its pages need listing/API context).
    seed_paths: ClassVar[tuple[str, ...]] = ()
    seed_below: ClassVar[bool] = False  # True: also pages anywhere below a matched template

    def __init__(self, countries: str | list[str] | None = None,
                 seeds: list[SeedMatch] | None = None, seeds_only: bool = True,
                 base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.real: SourceConfig = load_source(self.source_id)
        self.source: SourceConfig = self.real
        self.report = SourceReport(self.source_id)
        if isinstance(countries, str):
            countries = countries.split(",")
        self.requested = [c.strip().upper() for c in countries or [] if c.strip()]
        self.seeds = list(seeds or [])
        self.seeds_only = bool(seeds_only) and bool(self.seeds)
        self.base_url = base_url

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        from crawlers.contact import check_contact  # `scrapy crawl` does not go through run.crawl

        check_contact([spider.source_id], crawler.settings,
                      {spider.source_id: spider.base_url or ""})
        spider.source = spider.real.rebased(
            spider.base_url or crawler.settings.get("CCKB_SOURCE_BASE_URL") or "")
        spider.allowed_domains = spider.source.allowed_domains
        if not spider.requested:
            spider.requested = list(crawler.settings.getlist("CCKB_COUNTRIES"))
        crawler.signals.connect(spider._scheduled, signal=signals.request_scheduled)
        if spider.seeds:
            # Scrapy calls `spider.start()`; seeds come first, then (unless seeds_only) the
            # subclass's own generated requests.
            spider.start = spider._start_with_seeds  # type: ignore[method-assign]
        return spider

    # --- seed URLs ---------------------------------------------------------------------------

    @classmethod
    def seed_path_names(cls, source: SourceConfig) -> tuple[str, ...]:
        return cls.seed_paths

    @classmethod
    def match_seed(cls, seed: Seed) -> SeedMatch:
        """Accept a real-site seed URL or raise SeedError saying why not."""
        source = load_source(cls.source_id)
        names = cls.seed_path_names(source)
        if not names:
            raise SeedError(f"seed {seed.url}: source {cls.source_id} does not take seed URLs "
                            "(its pages are only reachable through its listing or API)")
        parts = urlsplit(seed.url)
        host = source.allowed_domains[0]
        if parts.scheme not in ("http", "https") or parts.hostname != host:
            raise SeedError(f"seed {seed.url}: not on {cls.source_id}'s host {host}")
        for name in names:
            template = source.paths.get(name)
            if template is None:
                continue
            m = _template_regex(template, source.countries, cls.seed_below).fullmatch(parts.path)
            if m:
                values = {k: v for k, v in m.groupdict().items() if v is not None}
                by_slug = {slug: c for c, slug in source.countries.items()}
                iso2 = by_slug.get(values.get("slug", "")) or (seed.country or "").upper() or None
                if seed.country and iso2 != seed.country.upper():
                    raise SeedError(f"seed {seed.url}: the URL names {iso2}, the seed says "
                                    f"{seed.country}")
                if iso2 is None:
                    raise SeedError(f"seed {seed.url}: the URL names no country; give the seed "
                                    "a \"country\" (ISO2)")
                if iso2 not in source.countries:
                    raise SeedError(f"seed {seed.url}: country {iso2} is not covered by "
                                    f"{cls.source_id}")
                return SeedMatch(seed, name, values, iso2)
        wanted = ", ".join(f"/{source.paths[n]}" for n in names if n in source.paths)
        raise SeedError(f"seed {seed.url}: path {parts.path} matches none of "
                        f"{cls.source_id}'s URL patterns ({wanted})")

    def seed_context(self, match: SeedMatch) -> dict[str, Any]:
        """Keyword arguments for `parse_seed` (the page object's context)."""
        return {"iso2": match.iso2}

    def parse_seed(self, response: Response, **context: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} names seed_paths but no parse_seed")

    async def _start_with_seeds(self) -> AsyncIterator[Any]:
        for match in self.seeds:
            if match.iso2 not in self.requested:
                continue  # outside this crawl's --country selection
            yield self.get(self.fetch_url(match.seed.url), self.parse_seed,
                           **self.seed_context(match))
        if not self.seeds_only:
            async for request in type(self).start(self):
                yield request

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
        if isinstance(exc, Blocked):
            block = exc.block
            self.logger.warning("request blocked: %s (%s)", request.url, block.detail)
            self.report.block(self.public_url(request.url), block.host, block.kind,
                              block.detail, block.advice)
            return
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
