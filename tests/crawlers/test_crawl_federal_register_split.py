"""Federal Register searches over the API's 10,000-result cap are split by publication date.

A mirror route answers the search path by its query string: the undated search (and any range
wider than SPLIT_BELOW days that holds a document) answers the recording whose `count` is over
the cap; narrower ranges answer the documents published in them. Real Scrapy engine, real graph.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from crawl_helpers import FIXTURES, Graph, by_source, run_crawl

from crawlers.mirror import MirrorServer
from crawlers.spiders.federal_register import FIRST_DAY, GTE, LTE, RESULT_CAP

pytestmark = pytest.mark.slow
SEARCH = "/api/v1/documents.json"
CAPPED = (FIXTURES / "federal_register/split/documents.capped.json").read_bytes()
RECORDS = json.loads((FIXTURES / "federal_register/site/api/v1/documents.json").read_text())[
    "results"]
SPLIT_BELOW = 4000  # days: wider ranges holding a document still answer "over the cap"
ARGS = ["--source", "federal_register", "--country", "HN", "--country", "GT"]


def published(record: dict) -> date:
    return date.fromisoformat(record["publication_date"])


def search_route(capped: Callable[[date, date, list[dict]], bool], spans: list):
    def route(h: BaseHTTPRequestHandler) -> None:
        q = parse_qs(urlsplit(h.path).query)
        if GTE not in q:
            spans.append(None)
            return h.send_bytes(CAPPED, "application/json")
        low, high = date.fromisoformat(q[GTE][0]), date.fromisoformat(q[LTE][0])
        spans.append((low, high))
        inside = [r for r in RECORDS if low <= published(r) <= high]
        if inside and capped(low, high, inside):
            return h.send_bytes(CAPPED, "application/json")
        body = {"count": len(inside), "total_pages": 1, "results": inside}
        h.send_bytes(json.dumps(body).encode(), "application/json")
    return route


def test_capped_count_is_real() -> None:
    assert json.loads(CAPPED)["count"] > RESULT_CAP


def test_over_the_cap_splits_the_dates_until_every_range_fits(tmp_path: Path) -> None:
    spans: list = []
    route = search_route(lambda low, high, _: (high - low).days > SPLIT_BELOW, spans)
    roots = [FIXTURES / "federal_register/site"]
    with MirrorServer(roots, routes={SEARCH: route}) as server:
        rc, summary, log = run_crawl(server.base_url, tmp_path, ARGS)
        hits = dict(server.hits)
    report = by_source(summary)["federal_register"]
    assert rc == 0, log[-4000:]
    assert report["failures"] == []
    assert report["items"] == report["ingested"] == 2  # each document once, not once per answer
    assert spans[0] is None and spans.count(None) == 1  # the capped answer's page 2 not followed
    dated = [s for s in spans if s is not None]
    assert len(dated) >= 4  # the docs sit in the newer half: at least two rounds of splitting
    # the ranges that answered (not capped) tile the whole archive: no gap, no overlap
    answered = sorted(s for s in dated
                      if not ((s[1] - s[0]).days > SPLIT_BELOW
                              and any(s[0] <= published(r) <= s[1] for r in RECORDS)))
    assert answered[0][0] == FIRST_DAY and answered[-1][1] >= date(2026, 1, 1)
    for before, after in zip(answered, answered[1:], strict=False):
        assert after[0] == before[1] + timedelta(days=1)
    assert hits.get("/content/pkg/FR-2019-11-19/html/2019-25137.htm") == 1  # GovInfo text
    graph = Graph(tmp_path)
    try:
        doc = graph.document(RECORDS[0]["html_url"])
        assert doc is not None and doc["doc"]["citation"] == "84 FR 63994"
        assert doc["doc"]["document_number"] == "2019-25137"
        assert graph.counts()["Document"] == 2
    finally:
        graph.close()


def test_a_single_day_over_the_cap_is_a_named_failure(tmp_path: Path) -> None:
    spans: list = []
    route = search_route(lambda low, high, inside: True, spans)  # every day holding one is "full"
    with MirrorServer([FIXTURES / "federal_register/site"], routes={SEARCH: route}) as server:
        rc, summary, log = run_crawl(server.base_url, tmp_path, ARGS,
                                     overrides={"CCKB_INGEST": False})
    report = by_source(summary)["federal_register"]
    assert rc == 1, log[-4000:]
    reasons = [f["reason"] for f in report["failures"] if "cannot be split" in f["reason"]]
    assert sorted(r.split(" alone")[0].rsplit(" ", 1)[1] for r in reasons) == [
        "2019-11-19", "2025-07-08"]
    assert all("https://www.federalregister.gov/api/v1/documents.json?" in f["url"]
               for f in report["failures"] if "cannot be split" in f["reason"])
    assert report["items"] == 0
    assert (date(2019, 11, 19), date(2019, 11, 19)) in spans
