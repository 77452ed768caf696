"""Block and gate pages are counted failures, never documents: a 200 "Request Access" page, a
redirect to an `unblock.` host, a CDN 403 and a "not available for scraping" notice, served by
a real HTTP server to the real Scrapy engine; and a robots.txt answered with 403 blocks its host
instead of reading as allow-all."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from crawl_helpers import FIXTURES, Graph, by_source, run_crawl
from scrapy.http import HtmlResponse, Response

from crawlers.blocks import detect
from crawlers.mirror import MirrorServer
from crawlers.report import CrawlSummary, SourceReport

PATH = "/reports/{}-country-reports-on-human-rights-practices/{}/"
URL = "https://www.state.gov" + PATH
GOOD = (FIXTURES / "usdos_crhrp/site" / PATH.format(2024, "honduras").lstrip("/")
        / "index.html").read_text()
REQUEST_ACCESS = b"""<!DOCTYPE html><html><head><title>Federal Register :: Request Access
</title></head><body><h1>Request Access</h1><p>Due to aggressive automated scraping of
FederalRegister.gov and eCFR.gov, programmatic access to these sites is limited to access to our
extensive developer APIs.</p><form><div class="g-recaptcha" data-sitekey="x"></div></form>
</body></html>"""
CDN_403 = b"""<html><head><title>Technical Difficulties</title></head><body><h1>Technical
Difficulties</h1><p>We're sorry, this site is currently experiencing technical difficulties.
Please try again in a few moments. Exception: forbidden</p></body></html>"""
NOT_FOR_SCRAPING = b"""<html><head><title>Honduras</title></head><body><p>This content is not
available for scraping. Please use our official data services.</p></body></html>"""
GATES = ("Request Access", "Technical Difficulties", "not available for scraping")


def page(country: str, year: int) -> bytes:
    return GOOD.replace("Honduras", country).replace("2024", str(year)).encode()


def send(body: bytes, status: int = 200):
    return lambda h: h.send_bytes(body, "text/html; charset=utf-8", status=status)


def to_unblock(h: BaseHTTPRequestHandler) -> None:
    port = h.server.server_address[1]
    h.send_response(302)
    h.send_header("Location", f"http://unblock.localhost:{port}/?return={h.path}")
    h.send_header("Content-Length", "0")
    h.end_headers()


ROUTES = {
    PATH.format(2024, "belize"): send(REQUEST_ACCESS),
    PATH.format(2024, "ecuador"): to_unblock,
    PATH.format(2024, "guatemala"): send(CDN_403, 403),
    PATH.format(2023, "guatemala"): send(NOT_FOR_SCRAPING),
    PATH.format(2023, "belize"): send(page("Belize", 2023)),
    PATH.format(2023, "ecuador"): send(page("Ecuador", 2023)),
    PATH.format(2023, "honduras"): send(page("Honduras", 2023)),
    PATH.format(2024, "honduras"): send(page("Honduras", 2024)),
}
BLOCKED = {URL.format(2024, "belize"), URL.format(2024, "ecuador"),
           URL.format(2024, "guatemala"), URL.format(2023, "guatemala")}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, dict, Path]]:
    data_dir = tmp_path_factory.mktemp("kb")
    with MirrorServer([], routes=ROUTES) as server:
        rc, summary, log = run_crawl(server.base_url, data_dir,
                                     ["--source", "usdos_crhrp", "--country", "BZ", "--country",
                                      "EC", "--country", "GT", "--country", "HN"])
    assert "Traceback" not in log, log[-4000:]
    yield rc, by_source(summary)["usdos_crhrp"], data_dir


def test_each_block_is_counted_with_its_host_and_what_to_do(crawled) -> None:  # noqa: ANN001
    rc, report, _ = crawled
    assert rc == 1
    assert report["blocked"] == 4
    [host] = report["blocked_hosts"]
    assert host["host"] == "127.0.0.1" and host["requests"] == 4
    assert "do not spoof" in host["what_to_do"] or "official alternative" in host["what_to_do"]
    reasons = {f["url"]: f["reason"] for f in report["failures"]}
    assert set(reasons) == BLOCKED
    assert "Request Access" in reasons[URL.format(2024, "belize")]
    assert "redirect to http://unblock.localhost" in reasons[URL.format(2024, "ecuador")]
    assert reasons[URL.format(2024, "guatemala")].startswith("blocked by 127.0.0.1: HTTP 403")
    assert "not available for scraping" in reasons[URL.format(2023, "guatemala")]
    assert report["items"] == report["ingested"] == 4


def test_blocks_leave_nothing_in_the_graph_or_archive(crawled) -> None:  # noqa: ANN001
    _, _, data_dir = crawled
    graph = Graph(data_dir)
    try:
        assert graph.counts()["Document"] == 4
        for url in BLOCKED:
            assert graph.document(url) is None, url
    finally:
        graph.close()
    blobs = [p.read_bytes() for p in (data_dir / "archive").rglob("*") if p.is_file()]
    assert len(blobs) >= 4
    for gate in GATES:
        assert not any(gate.encode() in b for b in blobs), gate
    cached = b"".join(p.read_bytes() for p in (data_dir / "httpcache").rglob("response_body"))
    for gate in GATES:
        assert gate.encode() not in cached, gate


def test_a_403_robots_txt_blocks_the_host(tmp_path: Path) -> None:
    with MirrorServer([], routes={"/robots.txt": send(CDN_403, 403),
                                  **ROUTES}) as server:
        rc, summary, log = run_crawl(server.base_url, tmp_path,
                                     ["--source", "usdos_crhrp", "--country", "HN"])
        hits = dict(server.hits)
    assert "Traceback" not in log, log[-4000:]
    report = by_source(summary)["usdos_crhrp"]
    assert rc == 1 and report["items"] == 0 and report["dropped_robots"] == 0
    assert report["blocked"] == 2  # both editions, neither fetched
    [host] = report["blocked_hosts"]
    assert host["kind"] == "robots" and "robots.txt answered HTTP 403" in host["detail"]
    assert set(hits) == {"/robots.txt"}


def _html(body: bytes, status: int = 200, url: str = "https://www.state.gov/x/") -> Response:
    return HtmlResponse(url, status=status, body=body, encoding="utf-8")


def test_ordinary_answers_are_not_blocks() -> None:
    assert detect(_html(page("Honduras", 2024))) is None
    assert detect(_html(b"<h1>Not found</h1>", 404)) is None
    assert detect(_html(b"<h1>Internal Server Error</h1>", 500)) is None
    report = (b"<html><head><title>Honduras 2024</title></head><body><h1>Honduras</h1><p>"
              + b"Detainees were denied access to lawyers; NGOs could request access. " * 200
              + b'</p><div class="g-recaptcha"></div></body></html>')
    assert detect(_html(report)) is None  # long page: a comment-form widget is not a gate
    assert detect(_html(REQUEST_ACCESS)).kind == "gate"  # type: ignore[union-attr]
    assert detect(_html(b"", 403)).kind == "refused"  # type: ignore[union-attr]


def test_summary_lines_name_the_block() -> None:
    report = SourceReport("usdos_crhrp")
    report.block("https://www.state.gov/a/", "www.state.gov", "refused", "HTTP 403", "ask")
    report.block("https://www.state.gov/b/", "www.state.gov", "refused", "HTTP 403", "ask")
    lines = CrawlSummary({"usdos_crhrp": report}).lines()
    assert lines[0].endswith("2 blocked")
    assert "  BLOCKED www.state.gov: 2 request(s), HTTP 403; what to do: ask" in lines
    assert sum(line.startswith("  FAILED") for line in lines) == 2
