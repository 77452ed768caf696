"""Run source spiders through the real Scrapy engine and return what happened, per source.

`crawl()` is what `cckb crawl [--source ID]... [--country ISO2]...` calls. Sources run one after
another in one process, so the embedding model is loaded once and sites are not hit in parallel
by the same crawl. Twisted's reactor cannot restart: call `crawl()` once per process (tests run
it in a subprocess via `python -m crawlers.run`).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from core.errors import ConfigError
from crawlers.report import CrawlSummary, SourceReport
from crawlers.source_config import load_source, source_ids


def crawl_settings(overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def _finish(crawler: Crawler, report: SourceReport, countries: list[str] | None) -> None:
    stats = crawler.stats.get_stats() if crawler.stats else {}
    report.requests = int(stats.get("downloader/request_count", 0))
    report.responses = int(stats.get("downloader/response_count", 0))
    report.dropped_offsite = int(stats.get("offsite/filtered", 0))
    report.dropped_robots = int(stats.get("robotstxt/forbidden", 0))
    report.seconds = float(stats.get("elapsed_time_seconds", 0.0))
    source = load_source(report.source_id)
    if report.items == 0:
        report.fail(source.base_url, "spider yielded no items (empty listing or all requests "
                                     "failed)")
    elif countries is None and report.items < source.min_items:
        report.fail(source.base_url, f"only {report.items} items; the source file expects at "
                                     f"least {source.min_items}")


def crawl(source_ids_: list[str] | None = None, countries: list[str] | None = None,
          settings_overrides: dict[str, Any] | None = None) -> CrawlSummary:
    """Crawl the given sources (all when None) for the given countries (the setting when None)."""
    from twisted.internet import defer

    ids = source_ids_ or source_ids()
    for sid in ids:
        load_source(sid)  # unknown id or bad YAML: fail before starting anything
    process = CrawlerProcess(crawl_settings(settings_overrides))
    summary = CrawlSummary()
    kwargs = {"countries": countries} if countries else {}

    @defer.inlineCallbacks
    def run_all():  # type: ignore[no-untyped-def]
        for sid in ids:
            crawler = process.create_crawler(sid)
            try:
                yield process.crawl(crawler, **kwargs)
            except Exception as exc:  # noqa: BLE001 - one broken source must not stop the rest
                report = SourceReport(sid)
                report.fail(load_source(sid).base_url, f"crawl aborted: {exc}")
            else:
                report = crawler.spider.report
            _finish(crawler, report, countries)
            summary.sources[sid] = report

    done = run_all()  # creates the first crawler, which installs Scrapy's reactor
    from twisted.internet import reactor

    done.addBoth(lambda _: reactor.callLater(0, reactor.stop))  # type: ignore[attr-defined]
    process.start(stop_after_crawl=False)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", action="append", help="source id (repeatable; default all)")
    parser.add_argument("--country", action="append", help="ISO2 (repeatable)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="Scrapy setting override (value parsed as JSON when it can be)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {}
    for pair in args.set:
        name, _, value = pair.partition("=")
        try:
            overrides[name] = json.loads(value)
        except ValueError:
            overrides[name] = value
    try:
        summary = crawl(args.source, args.country, overrides)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(summary.as_dict(), indent=1))
    else:
        print("\n".join(summary.lines()))
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())
