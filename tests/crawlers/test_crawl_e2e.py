"""Every spider through the real Scrapy engine against recorded pages on 127.0.0.1.

One crawl process per run (the embedding model loads once): the first run ingests, the second
must add nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from crawl_helpers import FIXTURES, Graph, assert_nothing_changed, by_source, run_crawl

from crawlers.mirror import MirrorServer

pytestmark = pytest.mark.slow
ARGS = ["--country", "HN", "--country", "GT"]
CRHRP = "https://www.state.gov/reports/{}-country-reports-on-human-rights-practices/{}/"
EXPECTED = {"usdos_crhrp": 4, "federal_register": 2, "govuk_cpin": 1, "reliefweb": 2,
            "hrw_world_report": 4, "freedomhouse_fiw": 4,
            "amnesty_report": 2, "usdos_irf": 4,
            "unhcr_help": 2, "ecoinet": 3, "irb_rir": 3}
# Document sources; unhcr_rdf (statistics answered by query string) has its own end-to-end test,
# tests/crawlers/test_crawl_unhcr_rdf.py.
ARGS += [arg for source_id in EXPECTED for arg in ("--source", source_id)]
ARGS += ["--enable", "reliefweb"]  # off by default (robots.txt of its API host disallows all)


@pytest.fixture(scope="module")
def mirror() -> Iterator[MirrorServer]:
    with MirrorServer(sorted(FIXTURES.glob("*/site"))) as server:
        yield server


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kb")


@pytest.fixture(scope="module")
def runs(mirror: MirrorServer, data_dir: Path) -> tuple[dict, dict]:
    env = {"CCKB_RELIEFWEB_APPNAME": "cckb-test"}
    rc1, first, log1 = run_crawl(mirror.base_url, data_dir, ARGS, env)
    assert rc1 == 0, log1[-4000:]
    assert mirror.not_modified == 0
    rc2, second, log2 = run_crawl(mirror.base_url, data_dir, ARGS, env)
    assert rc2 == 0, log2[-4000:]
    return by_source(first), by_source(second)


@pytest.fixture(scope="module")
def graph(runs: tuple[dict, dict], data_dir: Path) -> Iterator[Graph]:
    g = Graph(data_dir)
    yield g
    g.close()


def test_every_source_ingests_its_items(runs: tuple[dict, dict]) -> None:
    first, _ = runs
    assert sorted(first) == sorted(EXPECTED)
    for source_id, n in EXPECTED.items():
        report = first[source_id]
        assert report["failures"] == [], source_id
        assert report["items"] == report["ingested"] == n, source_id
        assert report["requests"] >= n


def test_second_crawl_adds_nothing(runs: tuple[dict, dict]) -> None:
    _, second = runs
    for source_id, report in second.items():
        assert report["ingested"] == EXPECTED[source_id]
        assert_nothing_changed(report)
        assert report["counts"]["Document"]["noop"] == EXPECTED[source_id]


def test_second_crawl_sends_conditional_requests(runs: tuple[dict, dict],
                                                mirror: MirrorServer) -> None:
    # the HTTP cache revalidates with If-None-Match / If-Modified-Since: 304s, no bodies
    assert mirror.not_modified >= sum(EXPECTED.values()) - 1


def test_documents_are_in_the_graph(graph: Graph) -> None:
    # reliefweb answered the same report for HN and GT: one document, not two
    assert graph.counts()["Document"] == sum(EXPECTED.values()) - 1
    doc = graph.document(CRHRP.format(2024, "honduras"))
    assert doc is not None and doc["source"] == "usdos_crhrp" and doc["countries"] == ["HN"]
    assert doc["doc"]["edition_note"].startswith("2024 edition (sections removed")
    assert doc["doc"]["published"] == "2025-08-12"
    assert graph.passages(CRHRP.format(2023, "guatemala"))


def test_api_sources_keep_their_citations(graph: Graph) -> None:
    fr = graph.document("https://www.federalregister.gov/documents/2019/11/19/2019-25137/"
                        "implementing-bilateral-and-multilateral-asylum-cooperative-agreements-"
                        "under-the-immigration-and")
    assert fr is not None and fr["doc"]["citation"] == "84 FR 63994"
    assert fr["doc"]["document_number"] == "2019-25137"
    assert fr["doc"]["title"].startswith("Implementing Bilateral and Multilateral Asylum")
    rw = graph.document("https://reliefweb.int/report/honduras/"
                        "synthetic-honduras-protection-monitoring-update-january-2026")
    assert rw is not None and rw["doc"]["intermediary"] == "ReliefWeb"
    assert rw["doc"]["publisher"].startswith("Office of the United Nations High Commissioner")
    assert rw["doc"]["original_url"] == "https://data.unhcr.org/en/documents/details/000001"
    cpin = graph.document("https://www.gov.uk/government/publications/honduras-country-policy-"
                          "and-information-notes/country-policy-and-information-note-gangs-"
                          "honduras-synthetic")
    assert cpin is not None and cpin["source"] == "govuk_cpin"


def test_no_mirror_address_leaks_into_citations(graph: Graph) -> None:
    rows = graph.store.execute(("MATCH (d:Document) RETURN d.url AS url", {}))
    assert rows and not [r["url"] for r in rows if "127.0.0.1" in r["url"]]
