"""IRB Responses to Information Requests: golden pages, strictness, and crawls through the real
engine against the mirror (recordings saved as `index.aspx?<query>`, served per exact query).

What was verified against archived copies and what is assumed is written at the top of each
recording and in crawlers/README.md.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from crawl_helpers import FIXTURES, Graph, assert_nothing_changed, by_source, run_crawl
from scrapy.http import HtmlResponse
from test_crawl_golden import check, response

from crawlers.mirror import MirrorServer
from crawlers.pages import irb_rir
from crawlers.pages.base import PageError
from crawlers.source_config import load_source

SITE = FIXTURES / "irb_rir" / "site"
PAGES = "en/country-information/rir/Pages/"
REAL = "https://irb-cisr.gc.ca/" + PAGES + "index.aspx?"
COVERED = list(load_source("irb_rir").countries)
GOOD = (SITE / PAGES / "index.aspx?doc=900001").read_text(encoding="utf-8")


def html(body: str, query: str = "doc=900001") -> HtmlResponse:
    return HtmlResponse(url=REAL + query, body=body.encode(), headers={"Content-Type": "text/html"})


# golden --------------------------------------------------------------------------------------

@pytest.mark.parametrize("query,docs,next_query", [
    ("country=Honduras", ["900001"], "country=Honduras&page=2"),
    ("country=Honduras&page=2", ["900002"], None),
    ("country=Guatemala", ["900003"], None),
])
def test_listing(query: str, docs: list[str], next_query: str | None) -> None:
    urls, nxt = irb_rir.listing(response("irb_rir", f"{PAGES}index.aspx?{query}"))
    assert urls == [REAL + f"doc={d}" for d in docs]
    assert nxt == (REAL + next_query if next_query else None)


@pytest.mark.parametrize("doc,iso2,reference", [("900001", "HN", "HND201234.E"),
                                                ("900002", "HN", "HND201250.E"),
                                                ("900003", "GT", "GTM201260.E")])
def test_rir(doc: str, iso2: str, reference: str) -> None:
    rel = f"{PAGES}index.aspx?doc={doc}"
    item = irb_rir.parse(response("irb_rir", rel), iso2=iso2, covered=COVERED)
    assert item["title"].endswith(f" [{reference}]") and item["url"] == REAL + f"doc={doc}"
    assert item["raw"] == (SITE / rel).read_bytes()
    check("irb_rir", rel, item)


def test_reference_names_a_second_covered_country() -> None:
    # an RIR listed under Guatemala whose reference is Honduran is about both
    item = irb_rir.parse(html(GOOD), iso2="GT", covered=COVERED)
    assert item["countries"] == ["GT", "HN"]
    assert irb_rir.parse(html(GOOD), iso2="GT", covered=["GT"])["countries"] == ["GT"]


# strictness ----------------------------------------------------------------------------------

NO_RESULTS = "<h1>Responses to Information Requests</h1><h2>Search results</h2><p>No results.</p>"
MAINTENANCE = "<h1>Service unavailable</h1><p>The site is under maintenance.</p>"


def test_empty_listing_is_empty_not_an_error() -> None:
    assert irb_rir.listing(html(NO_RESULTS, "country=Paraguay")) == ([], None)
    table = ("<table><thead><tr><th>Date</th><th>Reference</th><th>Title</th></tr></thead>"
             "<tbody></tbody></table>")
    assert irb_rir.listing(html(table, "country=Paraguay")) == ([], None)


def test_an_error_page_is_not_an_empty_listing() -> None:
    with pytest.raises(PageError, match="not an RIR results listing"):
        irb_rir.listing(html(MAINTENANCE, "country=Paraguay"))
    rows = ("<table><tr><th>Reference</th><th>Title</th></tr>"
            "<tbody><tr><td>HND1.E</td><td>Honduras: x</td></tr></tbody></table>")
    with pytest.raises(PageError, match="no link to an RIR"):
        irb_rir.listing(html(rows, "country=Honduras"))


@pytest.mark.parametrize("body,what", [
    (MAINTENANCE, "no RIR header"),
    (GOOD.replace("<p>14 March 2025</p>", ""), "no date"),
    (GOOD.replace("<p><strong>HND201234.E</strong></p>", ""), "no reference"),
    (GOOD.replace("<p><strong>Honduras: Synthetic question on state protection for witnesses "
                  "(2023-March 2025)</strong></p>", ""), "no title"),
    (re.sub(r"(Ottawa</p>).*?(</div>)", r"\1\2", GOOD, flags=re.S), "no text after"),
    (GOOD.replace("14 March 2025</p>", "32 March 2025</p>"), "unreadable RIR date"),
])
def test_incomplete_rir_raises(body: str, what: str) -> None:
    with pytest.raises(PageError, match=what):
        irb_rir.parse(html(body), iso2="HN", covered=COVERED)


def test_mirror_serves_recordings_by_exact_query() -> None:
    with MirrorServer([SITE]) as mirror:
        base = mirror.base_url + PAGES + "index.aspx"
        with urllib.request.urlopen(base + "?doc=900002") as resp:
            assert b"HND201250.E" in resp.read()
        for query in ("?doc=999", "?q=" + "x" * 300, ""):  # unknown, too long for a file name
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(base + query)
            assert err.value.code == 404, query


# end to end ----------------------------------------------------------------------------------

ARGS = ["--source", "irb_rir", "--country", "HN", "--country", "GT"]
RIR = REAL + "doc={}"


@pytest.fixture(scope="module")
def happy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict, dict, Path]]:
    data_dir = tmp_path_factory.mktemp("kb")
    with MirrorServer([SITE]) as mirror:
        rc1, first, log1 = run_crawl(mirror.base_url, data_dir, ARGS)
        assert rc1 == 0, log1[-4000:]
        rc2, second, log2 = run_crawl(mirror.base_url, data_dir, ARGS)
        assert rc2 == 0, log2[-4000:]
    yield by_source(first)["irb_rir"], by_source(second)["irb_rir"], data_dir


@pytest.mark.slow
def test_crawl_follows_listing_pages_and_a_second_crawl_adds_nothing(happy: tuple) -> None:
    first, second, _ = happy
    assert first["failures"] == [] and first["items"] == first["ingested"] == 3
    assert first["requests"] >= 6  # 3 listing pages (one is page 2) + 3 RIRs
    assert second["failures"] == [] and second["ingested"] == 3
    assert_nothing_changed(second)
    assert second["counts"]["Document"]["noop"] == 3


@pytest.mark.slow
def test_rirs_are_in_the_graph_with_their_reference(happy: tuple) -> None:
    _, _, data_dir = happy
    graph = Graph(data_dir)
    try:
        assert graph.counts()["Document"] == 3
        doc = graph.document(RIR.format(900002))  # reached through the listing's page 2
        assert doc is not None and doc["source"] == "irb_rir" and doc["countries"] == ["HN"]
        assert doc["doc"]["title"].endswith("[HND201250.E]")
        assert doc["doc"]["publisher"] == ("Immigration and Refugee Board of Canada, Research "
                                           "Directorate")
        assert doc["doc"]["published"] == "2025-05-02"
        for n in (900001, 900002, 900003):
            assert graph.passages(RIR.format(n)), n
    finally:
        graph.close()


def _hostile(h: BaseHTTPRequestHandler) -> None:
    """One path, told apart by query: the IRB's own URL scheme."""
    query = urlsplit(h.path).query
    bodies = {
        "country=Honduras": NO_RESULTS,
        "country=Guatemala": (SITE / PAGES / "index.aspx?country=Guatemala").read_text().replace(
            "</tbody>", '<tr><td>1 July 2025</td><td>GTM201299.E</td><td><a href="index.aspx?'
                        'doc=900004">Guatemala: x</a></td></tr></tbody>'),
        "country=El%20Salvador": MAINTENANCE,
        "doc=900003": (SITE / PAGES / "index.aspx?doc=900003").read_text(),
        "doc=900004": GOOD.replace("<p><strong>HND201234.E</strong></p>", ""),
    }
    if query not in bodies:
        return h.send_bytes(b"<h1>Not found</h1>", "text/html", status=404)
    h.send_bytes(bodies[query].encode(), "text/html; charset=utf-8")


@pytest.mark.slow
def test_empty_listing_is_counted_and_bad_pages_are_reported(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    data_dir = tmp_path_factory.mktemp("kb")
    with MirrorServer([], routes={"/" + PAGES + "index.aspx": _hostile}) as mirror:
        rc, summary, log = run_crawl(mirror.base_url, data_dir, ARGS + ["--country", "SV"])
    assert rc == 1 and "Traceback" not in log, log[-4000:]
    report = by_source(summary)["irb_rir"]
    reasons = {f["url"]: f["reason"] for f in report["failures"]}
    assert "RIR listing for HN is empty" in log
    assert REAL + "country=Honduras" not in reasons  # empty is counted, not a failure
    assert "not an RIR results listing" in reasons[REAL + "country=El%20Salvador"]
    assert "no reference" in reasons[RIR.format(900004)]
    assert len(reasons) == 2 and report["items"] == report["ingested"] == 1
    graph = Graph(data_dir)
    try:
        assert graph.counts()["Document"] == 1 and graph.passages(RIR.format(900003))
        assert graph.document(RIR.format(900004)) is None
    finally:
        graph.close()


def test_irb_is_crawled_on_irb_cisr_gc_ca() -> None:
    """Every real copy and citation of an RIR is on irb-cisr.gc.ca (with or without www.)."""
    from scrapy.utils.url import url_is_from_any_domain  # what Scrapy's offsite filter uses

    source = load_source("irb_rir")
    assert source.allowed_domains == ["irb-cisr.gc.ca"]
    assert source.url("document", doc=456245) == REAL + "doc=456245"
    www = "https://www.irb-cisr.gc.ca/" + PAGES + "index.aspx?doc=456245"
    for url in (source.url("listing", slug="Honduras"), REAL + "doc=456245", www):
        assert url_is_from_any_domain(url, source.allowed_domains), url
    assert not url_is_from_any_domain("https://irb.gc.ca/" + PAGES, source.allowed_domains)
