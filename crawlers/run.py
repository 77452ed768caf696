"""Run source spiders through the real Scrapy engine and return what happened, per source.

`crawl()` is what `cckb crawl [--source ID]... [--country ISO2]...` calls. Sources run one after
another in one process, so the embedding model is loaded once and sites are not hit in parallel
by the same crawl. Twisted's reactor cannot restart: call `crawl()` once per process (tests run
it in a subprocess via `python -m crawlers.cli`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from core.errors import ConfigError
from crawlers.contact import check_contact
from crawlers.middlewares.blocks import DISALLOW_ALL, ROBOTS
from crawlers.report import CrawlSummary, SourceReport
from crawlers.source_config import load_source, source_ids
from crawlers.spiders.base import Seed, SeedError, SeedMatch, SourceSpider

SEED_KEYS = {"url", "source", "country", "edition_note"}
def crawl_settings(overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def read_seeds(path: Path) -> list[Seed]:
    """A seeds file: one real-site URL per line, or one JSON object per line with `url` and
    optionally `source`, `country` (ISO2) and `edition_note`; blank lines and `#` comments are
    skipped. A line that cannot be read is a ConfigError naming the file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"seeds file {path}: {exc}") from None
    seeds: list[Seed] = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        where = f"seeds file {path}, line {number}"
        if not line.startswith("{"):
            seeds.append(Seed(url=line))
            continue
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise ConfigError(f"{where}: invalid JSON ({exc})") from None
        unknown = sorted(set(data) - SEED_KEYS) if isinstance(data, dict) else []
        if not isinstance(data, dict) or not isinstance(data.get("url"), str) or unknown:
            raise ConfigError(f"{where}: expected an object with a \"url\" and only "
                              f"{sorted(SEED_KEYS)}" + (f"; unknown {unknown}" if unknown else ""))
        seeds.append(Seed(**data))
    return seeds


def match_seeds(seeds: list[Seed], allowed: list[str], settings: Settings
                ) -> tuple[dict[str, list[SeedMatch]], list[tuple[str | None, str, str]]]:
    """Each seed -> the source that accepts it. A seed without `source` goes to the one source
    (among `allowed`) whose host and URL patterns it matches. Returns the accepted seeds per
    source and the rejected ones as (source or None, url, reason)."""
    loader = SpiderLoader.from_settings(settings)
    accepted: dict[str, list[SeedMatch]] = {}
    rejected: list[tuple[str | None, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for seed in seeds:
        if seed.source is not None and seed.source not in source_ids():
            rejected.append((None, seed.url, f"unknown source {seed.source!r}"))
            continue
        if seed.source is not None and seed.source not in allowed:
            rejected.append((seed.source, seed.url, f"source {seed.source} is not in this "
                                                    "crawl's --source selection"))
            continue
        candidates = [seed.source] if seed.source else allowed
        matches, reasons = [], []
        for sid in candidates:
            try:
                matches.append((sid, loader.load(sid).match_seed(seed)))
            except SeedError as exc:
                reasons.append(str(exc))
        if len(matches) == 1:
            sid, match = matches[0]
            if (sid, seed.url) not in seen:
                seen.add((sid, seed.url))
                accepted.setdefault(sid, []).append(match)
        elif matches:
            rejected.append((None, seed.url, "matches several sources "
                             f"({', '.join(s for s, _ in matches)}); give its \"source\""))
        elif seed.source:
            rejected.append((seed.source, seed.url, reasons[0]))
        else:
            rejected.append((None, seed.url, "no source takes this URL (its host and path match "
                                             "no source's URL patterns)"))
    return accepted, rejected


# `--check`: one path per source (crawlers.middlewares.check), nothing ingested or cached
CHECK_SETTINGS = {"CCKB_CHECK": True, "CCKB_INGEST": False, "HTTPCACHE_ENABLED": False}
NO_DOCUMENT = "no document reached"


def _finish(crawler: Crawler, report: SourceReport, countries: list[str] | None,
            seeded: int = 0, check: bool = False) -> None:
    stats = crawler.stats.get_stats() if crawler.stats else {}
    report.requests = int(stats.get("downloader/request_count", 0))
    report.responses = int(stats.get("downloader/response_count", 0))
    report.dropped_offsite = int(stats.get("offsite/filtered", 0))
    report.dropped_robots = int(stats.get("robotstxt/forbidden", 0))
    report.seconds = float(stats.get("elapsed_time_seconds", 0.0))
    source = load_source(report.source_id)
    spider = crawler.spider
    for key in sorted(k for k in stats if k.startswith(ROBOTS)):
        robots = key[len(ROBOTS):] + "/robots.txt"
        report.robots[spider.public_url(robots) if isinstance(spider, SourceSpider)
                      else robots] = str(stats[key])
    for key in sorted(k for k in stats if k.startswith(DISALLOW_ALL)):
        robots = key[len(DISALLOW_ALL):] + "/robots.txt"
        if isinstance(spider, SourceSpider):
            robots = spider.public_url(robots)
        report.fail(robots, "robots.txt disallows every path for this crawler: nothing on this "
                            "host can be fetched while robots.txt is obeyed (the source is not "
                            "empty, it is closed to crawlers)")
    if check:
        if report.items == 0 and report.ok:
            report.fail(source.base_url, f"{NO_DOCUMENT}: the answers named no document to "
                                         "fetch (a listing whose layout may have changed)")
    elif report.items == 0:
        report.fail(source.base_url, "spider yielded no items (empty listing or all requests "
                                     "failed)")
    elif seeded and report.items < seeded and report.ok:
        report.fail(source.base_url, f"{seeded} seed URL(s) but only {report.items} items")
    elif not seeded and countries is None and report.items < source.min_items:
        report.fail(source.base_url, f"only {report.items} items; the source file expects at "
                                     f"least {source.min_items}")


def crawl(source_ids_: list[str] | None = None, countries: list[str] | None = None,
          settings_overrides: dict[str, Any] | None = None, seeds: list[Seed] | None = None,
          seeds_only: bool = True, base_urls: dict[str, str] | None = None,
          enable: list[str] | None = None, check: bool = False) -> CrawlSummary:
    """Crawl the given sources (all when None) for the given countries (the setting when None).

    `seeds`: real-site URLs each source fetches and parses with its own page object, instead
    of (`seeds_only`, the default) or before the URLs it generates; with seeds and no source
    list, only the sources that accept a seed run. A seed no source accepts is a failure in the
    summary, named with the reason; the other seeds are crawled. `base_urls`: per-source base
    URL (a mirror per host), over `CCKB_SOURCE_BASE_URL`. `enable`: sources whose YAML has
    `disabled` (off by default, e.g. ReliefWeb) to crawl anyway; the others are reported as
    disabled, with the reason, and not crawled, even when named in `source_ids_`. `check`: one
    request path per source instead of a crawl (see `crawlers.check`).
    """
    from twisted.internet import defer

    ids = source_ids_ or source_ids()
    for sid in [*ids, *(enable or [])]:
        load_source(sid)  # unknown id or bad YAML: fail before starting anything
    summary = CrawlSummary()
    off = [sid for sid in ids if load_source(sid).disabled and sid not in (enable or [])]
    if seeds is None or source_ids_:  # a seeds-only crawl names only the sources it runs
        for sid in off:
            summary.sources[sid] = SourceReport(
                sid, disabled=" ".join((load_source(sid).disabled or "").split()))
    ids = [sid for sid in ids if sid not in off]
    settings = crawl_settings({**(settings_overrides or {}), **(CHECK_SETTINGS if check else {})})
    check_contact(ids, settings, base_urls)
    per_source: dict[str, list[SeedMatch]] = {}
    if seeds is not None:
        per_source, rejected = match_seeds(seeds, ids, settings)
        for sid, url, reason in rejected:
            key = sid or "seeds"
            summary.sources.setdefault(key, SourceReport(key)).fail(url, reason)
        if not source_ids_ or seeds_only:
            ids = [sid for sid in ids if sid in per_source]
    process = CrawlerProcess(settings)

    @defer.inlineCallbacks
    def run_all():  # type: ignore[no-untyped-def]
        for sid in ids:
            crawler = process.create_crawler(sid)
            kwargs: dict[str, Any] = {"countries": countries} if countries else {}
            if (base_urls or {}).get(sid):
                kwargs["base_url"] = base_urls[sid]  # type: ignore[index]
            covered = countries or settings.getlist("CCKB_COUNTRIES")
            wanted = [m for m in per_source.get(sid, []) if m.iso2 in covered]
            if wanted:
                kwargs.update(seeds=wanted, seeds_only=seeds_only)
            try:
                yield process.crawl(crawler, **kwargs)
            except Exception as exc:  # noqa: BLE001 - one broken source must not stop the rest
                report = SourceReport(sid)
                report.fail(load_source(sid).base_url, f"crawl aborted: {exc}")
            else:
                report = crawler.spider.report
            earlier = summary.sources.get(sid)  # rejected seeds of this source
            if earlier is not None:
                report.failures[:0] = earlier.failures
            _finish(crawler, report, countries, len(wanted) if seeds_only else 0, check)
            summary.sources[sid] = report

    if not ids:
        return summary  # no source accepted a seed: nothing to start
    done = run_all()  # creates the first crawler, which installs Scrapy's reactor
    from twisted.internet import reactor

    done.addBoth(lambda _: reactor.callLater(0, reactor.stop))  # type: ignore[attr-defined]
    process.start(stop_after_crawl=False)
    return summary
