"""ecoi.net: golden pages, strictness, and crawls through the real engine against the mirror.

Recordings: tests/fixtures/crawlers/ecoinet/site/ (what was verified against archived copies and
what is assumed is written at the top of each file and in crawlers/README.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from crawl_helpers import FIXTURES, Graph, assert_nothing_changed, by_source, run_crawl
from scrapy.http import HtmlResponse
from test_crawl_golden import check, response

from crawlers.mirror import MirrorServer
from crawlers.pages import ecoinet
from crawlers.pages.base import PageError
from crawlers.source_config import load_source

SITE = FIXTURES / "ecoinet" / "site"
DOC = "https://www.ecoi.net/en/document/{}.html"
COVERED = list(load_source("ecoinet").countries)
GOOD = (SITE / "en/document/9900001.html").read_text(encoding="utf-8")


def without(field: str, html: str = GOOD) -> str:
    """The good recording minus one <dt>/<dd> field of the metadata block."""
    out = re.sub(rf"<dt>{re.escape(field)}:</dt><dd>.*?</dd>\n", "", html, flags=re.S)
    assert out != html, field
    return out


def html(body: str, url: str = DOC.format(9900001)) -> HtmlResponse:
    return HtmlResponse(url=url, body=body.encode(), headers={"Content-Type": "text/html"})


# golden --------------------------------------------------------------------------------------

@pytest.mark.parametrize("slug,ids", [("honduras", ["9900001", "9900002", "9900003"]),
                                      ("guatemala", ["9900004", "9900002"])])
def test_country_page_links(slug: str, ids: list[str]) -> None:
    links = ecoinet.document_links(response("ecoinet", f"en/countries/{slug}/index.html"), 40)
    assert links == [DOC.format(i) for i in ids]
    assert ecoinet.document_links(response("ecoinet", f"en/countries/{slug}/index.html"),
                                  1) == [DOC.format(ids[0])]


@pytest.mark.parametrize("doc_id,iso2", [("9900001", "HN"), ("9900002", "HN"),
                                         ("9900004", "GT")])
def test_document_is_cited_at_its_original_source(doc_id: str, iso2: str) -> None:
    rel = f"en/document/{doc_id}.html"
    item = ecoinet.document(response("ecoinet", rel), iso2=iso2, covered=COVERED)
    assert item is not None and item["url"] == DOC.format(doc_id)
    assert item["raw"] == (SITE / rel).read_bytes()
    check("ecoinet", rel, item)


def test_multi_country_document_keeps_the_linking_country_first() -> None:
    item = ecoinet.document(response("ecoinet", "en/document/9900002.html"), iso2="GT",
                            covered=COVERED)
    assert item is not None and item["countries"] == ["GT", "HN"]
    assert ecoinet.document(response("ecoinet", "en/document/9900002.html"), iso2="GT",
                            covered=["GT"])["countries"] == ["GT"]  # type: ignore[index]


def test_pdf_only_document_is_skipped() -> None:
    assert ecoinet.document(response("ecoinet", "en/document/9900003.html"), iso2="HN",
                            covered=COVERED) is None


# strictness ----------------------------------------------------------------------------------

@pytest.mark.parametrize("body,what", [
    (without("Original link"), "no 'Original link' field"),
    (without("Published"), "no 'Published' field"),
    (without("Source"), "no 'Source' field"),
    (GOOD.replace("12 August 2025", "sometime in 2025"), "unreadable 'Published' date"),
    (GOOD.replace('href="https://www.state.gov', 'href="/en/redirect?to=state.gov').replace(
        ">https://www.state.gov", ">state.gov"), "'Original link' is not a URL"),
    (GOOD.replace(">Honduras</a></dd>", ">Mexico</a></dd>"), "not Honduras"),
    (re.sub(r"<dl.*?</dl>", "", GOOD, flags=re.S), "no document-metadata block"),
    (GOOD.replace("<h1>", "<h2>").replace("</h1>", "</h2>"), "document title"),
    (re.sub(r'<div class="document-text">.*?</div>', "", GOOD, flags=re.S),
     "no text and no file link"),
])
def test_incomplete_document_page_raises(body: str, what: str) -> None:
    with pytest.raises(PageError, match=re.escape(what)):
        ecoinet.document(html(body), iso2="HN", covered=COVERED)


def test_country_page_without_document_links_raises() -> None:
    body = "<h1>Honduras</h1><a href='/en/source/11558.html'>USDOS</a><a href='/de/'>DE</a>"
    with pytest.raises(PageError, match="no link to an ecoi.net document"):
        ecoinet.document_links(html(body, "https://www.ecoi.net/en/countries/honduras/"), 40)


# end to end ----------------------------------------------------------------------------------

ARGS = ["--source", "ecoinet", "--country", "HN", "--country", "GT"]


@pytest.fixture(scope="module")
def happy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict, dict, Path, str]]:
    data_dir = tmp_path_factory.mktemp("kb")
    with MirrorServer([SITE]) as mirror:
        rc1, first, log1 = run_crawl(mirror.base_url, data_dir, ARGS)
        assert rc1 == 0, log1[-4000:]
        rc2, second, log2 = run_crawl(mirror.base_url, data_dir, ARGS)
        assert rc2 == 0, log2[-4000:]
    yield by_source(first)["ecoinet"], by_source(second)["ecoinet"], data_dir, log1


@pytest.mark.slow
def test_crawl_ingests_documents_and_a_second_crawl_adds_nothing(happy: tuple) -> None:
    first, second, _, log = happy
    assert first["failures"] == [] and first["items"] == first["ingested"] == 3
    assert "skipping ecoi.net document" in log and "9900003" in log  # PDF-only: logged
    assert second["failures"] == [] and second["ingested"] == 3
    assert_nothing_changed(second)
    assert second["counts"]["Document"]["noop"] == 3


@pytest.mark.slow
def test_graph_cites_the_original_publisher(happy: tuple) -> None:
    _, _, data_dir, _ = happy
    graph = Graph(data_dir)
    try:
        assert graph.counts()["Document"] == 3
        doc = graph.document(DOC.format(9900001))
        assert doc is not None and doc["source"] == "ecoinet" and doc["countries"] == ["HN"]
        assert doc["doc"]["publisher"] == "USDOS \u2013 US Department of State"
        assert doc["doc"]["intermediary"] == "ecoi.net"
        assert doc["doc"]["original_url"] == ("https://www.state.gov/reports/2024-country-"
                                              "reports-on-human-rights-practices/honduras/")
        assert doc["doc"]["published"] == "2025-08-12"
        assert graph.passages(DOC.format(9900001))
        both = graph.document(DOC.format(9900002))
        assert both is not None and sorted(both["countries"]) == ["GT", "HN"]
        assert graph.document(DOC.format(9900004))["doc"]["language"] == "es"  # type: ignore
        assert graph.document(DOC.format(9900003)) is None
    finally:
        graph.close()


def _ok(body: str):
    return lambda h: h.send_bytes(body.encode(), "text/html; charset=utf-8")


HOSTILE_HN = """<h1>Honduras</h1><ul>
<li><a href="/en/document/9900001.html">good</a></li>
<li><a href="/en/document/9900005.html">no original link</a></li>
<li><a href="/en/document/9900006.html">no publication date</a></li>
<li><a href="/en/document/9900007.html">another country</a></li></ul>"""
HOSTILE = {
    "/en/countries/honduras/": _ok(HOSTILE_HN),
    "/en/countries/guatemala/": _ok("<h1>Guatemala</h1><p>Maintenance: back soon.</p>"),
    "/en/document/9900005.html": _ok(without("Original link")),
    "/en/document/9900006.html": _ok(without("Published")),
    "/en/document/9900007.html": _ok(GOOD.replace(">Honduras</a></dd>", ">Mexico</a></dd>")),
}


@pytest.mark.slow
def test_incomplete_pages_are_reported_not_half_stored(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    data_dir = tmp_path_factory.mktemp("kb")
    with MirrorServer([SITE], routes=HOSTILE) as mirror:
        rc, summary, log = run_crawl(mirror.base_url, data_dir, ARGS)
    assert rc == 1 and "Traceback" not in log, log[-4000:]
    report = by_source(summary)["ecoinet"]
    reasons = {f["url"]: f["reason"] for f in report["failures"]}
    assert "'Original link'" in reasons[DOC.format(9900005)]
    assert "'Published'" in reasons[DOC.format(9900006)]
    assert "not Honduras" in reasons[DOC.format(9900007)]
    assert "no link to an ecoi.net document" in reasons["https://www.ecoi.net/en/countries/"
                                                        "guatemala/"]
    assert len(reasons) == 4 and report["items"] == report["ingested"] == 1
    graph = Graph(data_dir)
    try:
        assert graph.counts()["Document"] == 1 and graph.passages(DOC.format(9900001))
        for doc_id in (9900005, 9900006, 9900007):
            assert graph.document(DOC.format(doc_id)) is None
    finally:
        graph.close()
