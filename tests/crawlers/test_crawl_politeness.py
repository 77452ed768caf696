"""Politeness against a real HTTP server on 127.0.0.1: robots.txt Crawl-delay spaces requests
(measured at the server), Retry-After is honoured, error answers are never cached, and the
placeholder contact refuses a crawl of the real sites."""

from __future__ import annotations

import email.utils
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from crawl_helpers import FIXTURES, ROOT, by_source, run_crawl
from scrapy.utils.test import get_crawler

from core.errors import ConfigError
from crawlers.contact import PLACEHOLDER_CONTACT, check_contact
from crawlers.middlewares.politeness import CrawlDelayMiddleware
from crawlers.mirror import MirrorServer
from crawlers.run import crawl_settings
from crawlers.source_config import SourceConfig, load_source

PATH = "/reports/{}-country-reports-on-human-rights-practices/{}/"
URL = "https://www.state.gov" + PATH
GOOD = (FIXTURES / "usdos_crhrp/site" / PATH.format(2024, "honduras").lstrip("/")
        / "index.html").read_text()
EXPIRES = {"Cache-Control": "public, max-age=3600",
           "Expires": email.utils.formatdate(time.time() + 3600, usegmt=True)}


def page(country: str, year: int) -> bytes:
    return GOOD.replace("Honduras", country).replace("2024", str(year)).encode()


def send(body: bytes, headers: dict[str, str] | None = None
         ) -> Callable[[BaseHTTPRequestHandler], None]:
    return lambda h: h.send_bytes(body, "text/html; charset=utf-8", headers=headers)


def busy(status: int, retry_after: str, then: bytes | None = None
         ) -> Callable[[BaseHTTPRequestHandler], None]:
    """`status` with expiry headers and Retry-After; with `then`, only the first time."""
    calls = {"n": 0}

    def route(h: BaseHTTPRequestHandler) -> None:
        calls["n"] += 1
        if then is not None and calls["n"] > 1:
            return h.send_bytes(then, "text/html; charset=utf-8")
        h.send_bytes(b"<h1>Service Unavailable</h1>", "text/html", status=status,
                     headers={**EXPIRES, "Retry-After": retry_after})
    return route


def test_crawl_delay_spaces_requests_to_the_host(tmp_path: Path) -> None:
    routes = {PATH.format(y, "honduras"): send(page("Honduras", y)) for y in (2023, 2024)}
    robots = "User-agent: *\nCrawl-delay: 2\nDisallow:\n"
    with MirrorServer([], robots=robots, routes=routes) as server:
        rc, summary, log = run_crawl(server.base_url, tmp_path,
                                     ["--source", "usdos_crhrp", "--country", "HN"])
        times = list(server.times)
    assert rc == 0, summary
    assert [p for _, p in times] [0] == "/robots.txt" and len(times) == 3
    gaps = [b - a for (a, _), (b, _) in zip(times, times[1:], strict=False)]
    assert all(gap >= 2.0 for gap in gaps), gaps  # measured at the server
    assert "Crawl-delay: 2" in log


def _cached_statuses(data_dir: Path) -> list[int]:
    return [pickle.loads(p.read_bytes())["status"]
            for p in (data_dir / "httpcache").rglob("pickled_meta")]


def test_retry_after_is_honoured_and_errors_are_never_cached(tmp_path: Path) -> None:
    routes = {
        PATH.format(2024, "honduras"): busy(503, "1", then=page("Honduras", 2024)),
        PATH.format(2023, "honduras"): send(page("Honduras", 2023), EXPIRES),  # cached
        PATH.format(2023, "guatemala"): busy(429, "1"),  # every time: retried, then failed
        PATH.format(2024, "guatemala"): busy(503, "3600"),  # longer than RETRY_AFTER_MAX
    }
    args = ["--source", "usdos_crhrp", "--country", "HN", "--country", "GT"]
    with MirrorServer([], routes=routes) as server:
        rc, summary, log = run_crawl(server.base_url, tmp_path, args)
        first = dict(server.hits)
        times = [t for t, p in server.times if p == PATH.format(2024, "honduras")]
        rc2, summary2, _ = run_crawl(server.base_url, tmp_path, args)
        second = dict(server.hits)
    assert "Traceback" not in log, log[-4000:]
    report = by_source(summary)["usdos_crhrp"]
    reasons = {f["url"]: f["reason"] for f in report["failures"]}
    assert rc == 1 and report["ingested"] == 2
    # the 503 was retried, not served from the cache, and no sooner than its Retry-After
    assert first[PATH.format(2024, "honduras")] == 2
    assert times[1] - times[0] >= 1.0  # a floor the middleware guarantees (backoff is 0.05 s)
    assert first[PATH.format(2023, "guatemala")] == 4  # RETRY_TIMES = 3
    assert reasons[URL.format(2023, "guatemala")] == "HTTP 429"
    assert first[PATH.format(2024, "guatemala")] == 1  # asked for an hour: not retried
    assert reasons[URL.format(2024, "guatemala")] == "HTTP 503"
    assert "RETRY_AFTER_MAX" in log
    assert _cached_statuses(tmp_path) == [200]  # the page with expiry headers, no error
    # second crawl: the errors were not cached, so they are asked for again
    assert second[PATH.format(2023, "guatemala")] == 8
    assert second[PATH.format(2024, "guatemala")] == 2
    assert second[PATH.format(2023, "honduras")] == 1  # a fresh 200 is still served from cache
    assert rc2 == 1 and by_source(summary2)["usdos_crhrp"]["ingested"] == 2


def test_source_floors_apply_to_their_real_hosts() -> None:
    assert load_source("usdos_crhrp").min_delay == {"www.state.gov": 5}
    assert load_source("usdos_irf").min_delay == {"www.state.gov": 5}
    assert load_source("federal_register").min_delay["www.federalregister.gov"] == 1
    crawler = get_crawler(settings_dict={"USER_AGENT": "cckb-test"})
    middleware = CrawlDelayMiddleware(crawler)

    class Spider:
        real = load_source("usdos_crhrp")

    middleware._opened(Spider())  # type: ignore[arg-type]
    assert middleware.delay("www.state.gov") == 5
    assert middleware.delay("127.0.0.1") == 0  # a mirror is not the real host
    data = load_source("usdos_crhrp").model_dump()
    with pytest.raises(ValueError, match="min_delay"):
        SourceConfig.model_validate({**data, "min_delay": {"www.state.gov": 0}})


def test_placeholder_contact_refuses_the_real_sites() -> None:
    settings = crawl_settings({"CCKB_CONTACT": PLACEHOLDER_CONTACT, "CCKB_SOURCE_BASE_URL": ""})
    with pytest.raises(ConfigError, match="refusing to crawl the real sites"):
        check_contact(["usdos_crhrp"], settings, None)
    check_contact(["usdos_crhrp"], settings, {"usdos_crhrp": "http://127.0.0.1:1/"})  # mirror
    check_contact(["usdos_crhrp"], crawl_settings({"CCKB_CONTACT": "ops@example.org",
                                                   "CCKB_SOURCE_BASE_URL": ""}), None)
    env = {k: v for k, v in os.environ.items() if k not in ("CCKB_CONTACT",)}
    env["CCKB_SOURCE_BASE_URL"] = ""
    proc = subprocess.run([sys.executable, "-m", "crawlers.cli", "--source", "usdos_crhrp"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "refusing to crawl the real sites (usdos_crhrp)" in proc.stderr
    assert "set CCKB_CONTACT" in proc.stderr
