"""A hostile or broken server: every failure is named and counted, nothing crashes, and no
partial document reaches the graph. One crawl process covers all the cases."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from crawl_helpers import FIXTURES, Graph, by_source, run_crawl

from crawlers.mirror import MirrorServer

pytestmark = pytest.mark.slow
PATH = "/reports/{}-country-reports-on-human-rights-practices/{}/"
URL = "https://www.state.gov" + PATH
GOOD = (FIXTURES / "usdos_crhrp/site" / PATH.format(2024, "honduras").lstrip("/")
        / "index.html").read_text()
COUNTRIES = ["BZ", "EC", "GT", "HN", "PY"]


def page(country: str, year: int) -> bytes:
    return GOOD.replace("Honduras", country).replace("2024", str(year)).encode()


def ok(body: bytes, ctype: str = "text/html; charset=utf-8"):
    return lambda h: h.send_bytes(body, ctype)


def flaky(body: bytes):
    """500 on the first request, then the page (retry must recover)."""
    calls = {"n": 0}

    def route(h: BaseHTTPRequestHandler) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            h.send_bytes(b"<h1>Internal Server Error</h1>", "text/html", status=500)
        else:
            h.send_bytes(body, "text/html; charset=utf-8")
    return route


def stall(h: BaseHTTPRequestHandler) -> None:
    time.sleep(2.5)  # DOWNLOAD_TIMEOUT is 1 s in this run
    h.send_bytes(page("Ecuador", 2023), "text/html")


def redirect_offsite(h: BaseHTTPRequestHandler) -> None:
    port = h.server.server_address[1]
    h.send_response(302)
    h.send_header("Location", f"http://localhost:{port}{PATH.format(2023, 'honduras')}")
    h.send_header("Content-Length", "0")
    h.end_headers()


WRONG_CHARSET = page("Guatemala", 2023).decode().replace(
    "extrajudicial", "Pet\u00e9n extrajudicial").encode("latin-1", errors="replace")
HUGE = b"<html><body>" + b"x" * (30 * 1024 * 1024) + b"</body></html>"
ROUTES = {
    PATH.format(2024, "belize"): flaky(page("Belize", 2024)),
    PATH.format(2023, "ecuador"): stall,
    PATH.format(2024, "ecuador"): ok(b"<html><body><div>Service temporarily unavailable<p>"),
    PATH.format(2023, "guatemala"): ok(WRONG_CHARSET, "text/html; charset=utf-8"),
    PATH.format(2024, "guatemala"): ok(HUGE),
    PATH.format(2023, "honduras"): redirect_offsite,
    PATH.format(2023, "paraguay"): ok(page("Paraguay", 2023)),
    "/api/v1/documents.json": ok(json.dumps({"count": 0, "description": "none",
                                             "total_pages": 0, "results": []}).encode(),
                                 "application/json"),
}
ROBOTS = f"User-agent: *\nDisallow: {PATH.format(2024, 'honduras')}\n"


@pytest.fixture(scope="module")
def mirror() -> Iterator[MirrorServer]:
    with MirrorServer([], robots=ROBOTS, routes=ROUTES) as server:
        yield server


@pytest.fixture(scope="module")
def crawled(mirror: MirrorServer, tmp_path_factory: pytest.TempPathFactory
            ) -> tuple[int, dict, Path]:
    data_dir = tmp_path_factory.mktemp("kb")
    args = ["--source", "usdos_crhrp", "--source", "federal_register", "--source", "reliefweb",
            "--enable", "reliefweb"]
    for c in COUNTRIES:
        args += ["--country", c]
    rc, summary, log = run_crawl(mirror.base_url, data_dir, args,
                                 overrides={"DOWNLOAD_TIMEOUT": 1})
    assert "Traceback" not in log, log[-4000:]
    return rc, by_source(summary), data_dir


def reasons(report: dict) -> dict[str, str]:
    return {f["url"]: f["reason"] for f in report["failures"]}


def test_failures_are_named_and_the_exit_code_says_so(crawled: tuple[int, dict, Path]) -> None:
    rc, reports, _ = crawled
    assert rc == 1
    got = reasons(reports["usdos_crhrp"])
    assert got[URL.format(2023, "belize")] == "HTTP 404"
    assert got[URL.format(2024, "paraguay")] == "HTTP 404"
    assert "TimeoutError" in got[URL.format(2023, "ecuador")]
    assert "extraction" in got[URL.format(2024, "ecuador")]
    assert got[URL.format(2024, "honduras")] == "forbidden by robots.txt"
    assert "another domain (localhost)" in got[URL.format(2023, "honduras")]
    assert "larger than download max size" in got[URL.format(2024, "guatemala")]


def test_counts(crawled: tuple[int, dict, Path], mirror: MirrorServer) -> None:
    _, reports, _ = crawled
    crhrp = reports["usdos_crhrp"]
    assert crhrp["dropped_robots"] == 1 and crhrp["dropped_offsite"] == 1
    assert crhrp["items"] == crhrp["ingested"] == 3  # Belize (after retry), Guatemala, Paraguay
    assert mirror.hits[PATH.format(2024, "belize")] == 2
    assert mirror.hits[PATH.format(2023, "ecuador")] == 4  # RETRY_TIMES = 3


def test_empty_listing_and_missing_appname_are_errors(crawled: tuple[int, dict, Path]) -> None:
    _, reports, _ = crawled
    fr = reasons(reports["federal_register"])
    assert any("yielded no items" in r for r in fr.values())
    rw = reasons(reports["reliefweb"])
    assert any("CCKB_RELIEFWEB_APPNAME is empty" in r for r in rw.values())
    assert reports["reliefweb"]["requests"] == 0


def test_no_partial_documents(crawled: tuple[int, dict, Path]) -> None:
    _, _, data_dir = crawled
    graph = Graph(data_dir)
    try:
        assert graph.counts()["Document"] == 3
        for country, year in [("belize", 2024), ("guatemala", 2023), ("paraguay", 2023)]:
            assert graph.passages(URL.format(year, country)), country
        for country, year in [("ecuador", 2024), ("guatemala", 2024), ("honduras", 2023)]:
            assert graph.document(URL.format(year, country)) is None
    finally:
        graph.close()
