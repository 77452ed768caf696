"""UNHCR Refugee Data Finder (asylum decisions): recorded answers -> statistics in the graph.

Golden tests of the page object and the computed rates, strictness on bad answers, the loader's
all-or-nothing page write on a real embedded graph, and two crawls through the real Scrapy engine
against a mirror that answers by query string (the plain mirror ignores it).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from crawl_helpers import FIXTURES, Graph, assert_nothing_changed, by_source, run_crawl
from scrapy.http import TextResponse

from core.errors import ValidationError
from core.models import StatisticsItem
from crawlers.mirror import MirrorServer
from crawlers.pages import unhcr_rdf as page
from crawlers.pages.base import PageError
from crawlers.source_config import load_source
from graph import queries as Q
from graph.loader import load_statistics
from graph.stats import node_counts
from ingest.archive import Archive
from ingest.statistics import ingest_statistics, statistic_records
from retrieval.statistics import COMPUTED_NOTE, asylum_decisions, describe

SOURCE = load_source("unhcr_rdf")
PATH = "/" + SOURCE.paths["decisions"]
SITE = FIXTURES / "unhcr_rdf" / "site" / PATH.strip("/")
ANSWERS = {("HND", 1): "HND.page1.json", ("HND", 2): "HND.page2.json",
           ("GTM", 1): "GTM.page1.json"}
ROWS = 7  # 3 + 2 (HND) + 2 (GTM)
ARGS = ["--source", "unhcr_rdf", "--country", "HN", "--country", "GT"]


def query_url(coa: str, number: int) -> str:
    params = {"coa": coa, **SOURCE.params, "page": str(number)}
    return f"{SOURCE.base_url}{PATH.lstrip('/')}?{urlencode(params)}"


def answer(coa: str, number: int, body: bytes | None = None) -> TextResponse:
    body = body if body is not None else (SITE / ANSWERS[coa, number]).read_bytes()
    return TextResponse(url=query_url(coa, number), body=body,
                        headers={"Content-Type": "application/json"})


def item(coa: str, number: int, iso2: str) -> StatisticsItem:
    resp = answer(coa, number)
    rows, _, _ = page.decisions(resp, coa)
    return StatisticsItem(url=resp.url, title="t", publisher=SOURCE.publisher, countries=[iso2],
                          rows=rows, raw=resp.body, source_id="unhcr_rdf",
                          retrieved_at=datetime(2026, 1, 2, tzinfo=UTC))


# --- golden -------------------------------------------------------------------------------

@pytest.mark.parametrize("key", sorted(ANSWERS), ids=lambda k: f"{k[0]}-p{k[1]}")
def test_golden_answer_pages(key: tuple[str, int]) -> None:
    coa, number = key
    rows, current, last = page.decisions(answer(coa, number), coa)
    records = statistic_records(item(coa, number, "HN" if coa == "HND" else "GT"), "blobs/x")
    got = {"page": current, "maxPages": last, "rows": rows,
           "computed": [{"id": r.id, "coa": r.coa, "coo": r.coo,
                         "total_recognition_rate": r.total_recognition_rate,
                         "refugee_recognition_rate": r.refugee_recognition_rate}
                        for r in records]}
    expected = SITE / f"{ANSWERS[key]}.expected.json"
    if os.environ.get("CCKB_REGEN_GOLDEN"):
        expected.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n")
    assert got == json.loads(expected.read_text())


def test_rates_follow_unhcr_definitions() -> None:
    by_origin = {r.coo_iso3: r for r in statistic_records(item("HND", 1, "HN"), "")}
    nic = by_origin["NIC"]  # 41 recognized, 3 other, 17 rejected, 9 closed
    assert nic.total_recognition_rate == round(44 / 61, 4)
    assert nic.refugee_recognition_rate == round(41 / 61, 4)
    assert by_origin["VEN"].dec_other == 0  # the API wrote "0" as a string
    later = {r.coo_iso3: r for r in statistic_records(item("HND", 2, "HN"), "")}
    unknown = later["UKN"]  # dec_other null: unknown, not zero, so no rate
    assert unknown.dec_other is None and unknown.total_recognition_rate is None
    assert unknown.coo is None and unknown.coo_iso3 == "UKN"
    assert later["CUB"].total_recognition_rate is None  # only otherwise-closed cases
    assert nic.coo == "NI" and nic.url.startswith("https://api.unhcr.org/population/v1/")


# --- strictness ---------------------------------------------------------------------------

def _mutated(change: Callable[[dict], None]) -> bytes:
    data = json.loads((SITE / ANSWERS["HND", 2]).read_text())
    change(data)
    return json.dumps(data).encode()


@pytest.mark.parametrize("body,message", [
    (b"{not json", "not JSON"),
    (_mutated(lambda d: d.pop("items")), "'items' missing"),
    (_mutated(lambda d: d.pop("maxPages")), "'maxPages'"),
    (_mutated(lambda d: d["items"][1].pop("dec_total")), "item 1: JSON field 'dec_total'"),
    (_mutated(lambda d: d["items"][0].update(dec_rejected=-4)), "item 0: field 'dec_rejected'"),
    (_mutated(lambda d: d["items"][0].update(dec_closed="many")), "'dec_closed' is not a count"),
    (_mutated(lambda d: d["items"][0].update(year=None)), "item 0: JSON field 'year'"),
    (_mutated(lambda d: d["items"][0].update(coa_iso="GTM")), "asked for HND"),
], ids=["bad-json", "no-items", "no-maxpages", "no-total", "negative", "text-count", "no-year",
        "other-coa"])
def test_bad_answers_name_what_is_wrong(body: bytes, message: str) -> None:
    resp = answer("HND", 2, body)
    with pytest.raises(PageError, match="asylum-decisions") as err:
        page.decisions(resp, "HND")
    assert message in str(err.value)
    assert resp.url in str(err.value)


def test_a_bad_record_fails_the_whole_load(store, tmp_path: Path) -> None:
    good = statistic_records(item("HND", 1, "HN"), "")
    bad = [good[0], good[1].model_copy(update={"coo": "XX"}), good[2]]
    with pytest.raises(ValidationError, match="statistic record 1: unknown country code 'XX'"):
        load_statistics(store, bad)
    twice = [good[0], good[1], good[0]]
    with pytest.raises(ValidationError, match="statistic record 2: the same figure"):
        load_statistics(store, twice)
    assert node_counts(store)["Statistic"] == 0  # nothing half-written
    first = ingest_statistics(store, Archive(tmp_path / "archive"), item("HND", 1, "HN"))
    assert first.as_dict()["Statistic"]["insert"] == 3
    again = ingest_statistics(store, Archive(tmp_path / "archive"), item("HND", 1, "HN"))
    assert again.only_noops() and again.as_dict()["Statistic"]["noop"] == 3
    assert node_counts(store)["Statistic"] == 3


# --- through the real Scrapy engine -------------------------------------------------------

def by_query(overrides: dict[tuple[str, int], bytes] | None = None):
    """Answer the decisions path by `coa` and `page`, as the real API does."""
    def route(h: BaseHTTPRequestHandler) -> None:
        q = parse_qs(urlsplit(h.path).query)
        key = (q.get("coa", [""])[0], int(q.get("page", ["1"])[0]))
        if key in (overrides or {}):
            return h.send_bytes(overrides[key], "application/json")
        if key not in ANSWERS:
            return h.send_bytes(b'{"detail": "not found"}', "application/json", status=404)
        h.send_file(SITE / ANSWERS[key])
    return route


@pytest.fixture(scope="module")
def mirror() -> Iterator[MirrorServer]:
    with MirrorServer([FIXTURES / "unhcr_rdf" / "site"], routes={PATH: by_query()}) as server:
        yield server


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kb")


@pytest.fixture(scope="module")
def runs(mirror: MirrorServer, data_dir: Path) -> tuple[dict, dict]:
    rc1, first, log1 = run_crawl(mirror.base_url, data_dir, ARGS)
    assert rc1 == 0, log1[-4000:]
    rc2, second, log2 = run_crawl(mirror.base_url, data_dir, ARGS)
    assert rc2 == 0, log2[-4000:]
    return by_source(first)["unhcr_rdf"], by_source(second)["unhcr_rdf"]


@pytest.mark.slow
def test_crawl_loads_every_page_then_adds_nothing(runs: tuple[dict, dict]) -> None:
    first, second = runs
    assert first["failures"] == [] and first["items"] == first["ingested"] == 3
    assert first["counts"]["Statistic"] == {"insert": ROWS, "update": 0, "noop": 0, "delete": 0}
    assert second["failures"] == [] and second["ingested"] == 3
    assert second["counts"]["Statistic"]["noop"] == ROWS
    assert_nothing_changed(second)


@pytest.mark.slow
def test_statistics_reach_the_graph_with_their_citation(runs: tuple[dict, dict],
                                                        data_dir: Path) -> None:
    graph = Graph(data_dir)
    try:
        assert graph.counts()["Statistic"] == ROWS
        assert graph.counts()["Document"] == graph.counts()["Passage"] == 0
        honduras = asylum_decisions(graph.store, "HN")
        assert len(honduras) == 5 and [s.year for s in honduras] == [2024, 2024, 2023, 2023, 2022]
        page2 = (SITE / ANSWERS["HND", 2]).read_bytes()
        unknown = next(s for s in honduras if s.coo_iso3 == "UKN")
        assert unknown.url == query_url("HND", 2)
        assert unknown.sha256 == hashlib.sha256(page2).hexdigest()
        assert (data_dir / "archive" / unknown.archive_path).read_bytes() == page2
        assert unknown.publisher == "UNHCR Refugee Data Finder"
        assert unknown.retrieved_at[:4] >= "2026"
        salvadorans = asylum_decisions(graph.store, "GT", origin="SV")
        assert [(s.dec_total, s.total_recognition_rate) for s in salvadorans] == [
            (225, round(134 / 194, 4))]
        text = describe(salvadorans[0])
        assert text.startswith(f"[{COMPUTED_NOTE}]") and "69.1%" in text
        assert query_url("GTM", 1) in text and salvadorans[0].sha256 in text
        rels = graph.store.execute(Q.count_relationships())
        got = {r["type"]: r["n"] for r in rels}
        assert got["COUNTRY_OF_ASYLUM"] == got["PUBLISHED_BY"] == ROWS
        assert got["COUNTRY_OF_ORIGIN"] == ROWS - 1  # "UKN" is no country
    finally:
        graph.close()


@pytest.mark.slow
def test_bad_pages_are_reported_by_url_and_leave_nothing(tmp_path: Path) -> None:
    missing = json.loads((SITE / ANSWERS["HND", 2]).read_text())
    del missing["items"][1]["dec_total"]
    routes = {PATH: by_query({("HND", 2): json.dumps(missing).encode(),
                              ("GTM", 1): b'{"page": 1, "maxPages": 1, "items": [{"year": '})}
    with MirrorServer([FIXTURES / "unhcr_rdf" / "site"], routes=routes) as server:
        rc, summary, log = run_crawl(server.base_url, tmp_path, ARGS)
    report = by_source(summary)["unhcr_rdf"]
    assert rc == 1, log[-4000:]
    failures = {f["url"]: f["reason"] for f in report["failures"]}
    assert set(failures) == {query_url("HND", 2), query_url("GTM", 1)}
    assert "item 1: JSON field 'dec_total' missing" in failures[query_url("HND", 2)]
    assert "not JSON" in failures[query_url("GTM", 1)]
    assert report["items"] == report["ingested"] == 1
    graph = Graph(tmp_path)
    try:
        assert graph.counts()["Statistic"] == 3  # page 1 of HND only: no row of a bad page
        assert {s.coo_iso3 for s in asylum_decisions(graph.store, "HN")} == {"NIC", "VEN", "SLV"}
        assert asylum_decisions(graph.store, "GT") == []
    finally:
        graph.close()
