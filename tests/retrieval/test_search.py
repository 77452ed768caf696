"""End to end on a small real knowledge base: ranking, JSON shape, `why`, gaps, CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cckb.main import app
from retrieval.profile import parse_profile
from retrieval.search import EvidenceSearch

TODAY = date(2026, 11, 1)
ITEM_KEYS = {"passage_id", "document_url", "title", "publisher", "published", "text", "score",
             "elements", "risk_factors", "why"}
ELEMENTS = {"harm", "nexus", "state_protection", "torture", "reach", "non_nationals",
            "asylum_access"}
GAY_VE = {"nationality": "VE", "third_countries": ["HN", "GT"], "sexual_orientation": "gay"}


@pytest.fixture(scope="module")
def searcher(kb) -> EvidenceSearch:
    return EvidenceSearch.from_kb(kb)


@pytest.fixture(scope="module")
def result(searcher) -> dict:
    return searcher.for_profile(parse_profile(GAY_VE), today=TODAY)


def _country(result: dict, iso2: str) -> dict:
    return next(c for c in result["countries"] if c["country"] == iso2)


def test_json_shape(result):
    assert list(result) == ["countries"]
    assert [c["country"] for c in result["countries"]] == ["HN", "GT"]
    for block in result["countries"]:
        assert {"country", "applicability", "gaps", "evidence"} <= set(block)
        for item in block["evidence"]:
            assert ITEM_KEYS <= set(item)
            assert set(item["elements"]) <= ELEMENTS and item["why"]
        scores = [i["score"] for i in block["evidence"]]
        assert scores == sorted(scores, reverse=True)


def test_lgbti_passages_rank_above_unrelated(result):
    evidence = _country(result, "HN")["evidence"]
    titles = [e["title"] for e in evidence]
    lgbti = [i for i, e in enumerate(evidence) if "lgbti" in e["risk_factors"]]
    assert lgbti and lgbti[0] == 0
    if "Honduras economic note" in titles:
        assert max(lgbti) < titles.index("Honduras economic note")
    assert "Informe sobre personas LGBTI en Honduras" in titles[:3]  # Spanish, English profile
    assert "LGBTQI+ persons" in evidence[0]["why"] and "harm" in evidence[0]["elements"]


def test_evidence_stays_in_its_country(result):
    gt_urls = {e["document_url"] for e in _country(result, "GT")["evidence"]}
    assert gt_urls and all("gt-" in u for u in gt_urls)


def test_old_evidence_is_marked_stale_not_hidden(result):
    old = [e for e in _country(result, "GT")["evidence"] if e["published"].startswith("2017")]
    assert old and old[0]["stale"] is True and "years old" in old[0]["age_note"]


def test_nationality_match_and_gaps(result):
    gt = _country(result, "GT")
    xeno = next(e for e in gt["evidence"] if "xenophobia" in e["risk_factors"])
    assert "concerns nationals of VE" in xeno["why"]
    gaps = {g["element"]: g for g in gt["gaps"]}
    assert set(gaps) <= ELEMENTS and "torture" in gaps and "harm" not in gaps
    assert gaps["torture"]["strength"] == "none"
    # a gap says what the missing evidence would have to show, and on what law
    standard = gaps["torture"]["standard"]
    assert "public official" in standard["text"]
    assert "8 CFR 1208.18(a)(1) (torture defined)" in [x["label"] for x in standard["law"]]


def test_applicability_comes_from_the_registry(result):
    answer = _country(result, "HN")["applicability"]
    assert answer["status"] != "unknown" and answer["reason"]
    assert answer["citations"] and all(c["url"].startswith("https://") and c["fact"]
                                       for c in answer["citations"])


def test_research_mode(searcher):
    out = searcher.for_research(["HN"], ["gang_violence_extortion"], today=TODAY)
    assert "gang_violence_extortion" in out["countries"][0]["evidence"][0]["risk_factors"]


def test_country_option_narrows(searcher):
    out = searcher.for_profile(parse_profile(GAY_VE), ["GT"], top=2, today=TODAY)
    assert [c["country"] for c in out["countries"]] == ["GT"]
    assert len(out["countries"][0]["evidence"]) <= 2


def test_cli_json_and_errors(kb, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("CCKB_DATA_DIR", str(kb.settings.data_path))
    profile = tmp_path / "client.json"
    profile.write_text(json.dumps(GAY_VE))
    runner = CliRunner()
    ok = runner.invoke(app, ["search", "--profile", str(profile), "--json", "--top", "3"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["countries"][0]["country"] == "HN"
    table = runner.invoke(app, ["search", "--country", "HN", "--risk", "lgbti"])
    assert table.exit_code == 0 and "HN" in table.stdout
    profile.write_text(json.dumps({**GAY_VE, "narrative": "Kryptonite-Secret", "sexx": "m"}))
    bad = runner.invoke(app, ["search", "--profile", str(profile)])
    assert bad.exit_code == 2 and "unknown key 'sexx'" in bad.stderr
    assert "Kryptonite" not in bad.output
    for args in (["--country", "XX", "--risk", "lgbti"], ["--country", "HN", "--risk", "nope"],
                 ["--country", "HN"]):
        assert runner.invoke(app, ["search", *args]).exit_code == 2


def _vector_channels(searcher: EvidenceSearch, profile: dict) -> dict[str, dict[str, int]]:
    """The vector channels' ranks per passage for HN, as the search gathers them."""
    from retrieval import candidates as C
    from retrieval.mapping import expansion_terms, map_profile, query_texts

    mapping = map_profile(parse_profile(profile), searcher.enricher)
    vectors = searcher.vectors(query_texts(mapping, searcher.taxonomy), set(mapping.free_text))
    found = C.gather(searcher.store, ["HN"], lambda: vectors,
                     expansion_terms(mapping, searcher.taxonomy), list(mapping.risk_factors),
                     mapping.actors)
    return {pid: {ch: r for ch, r in ranks.items() if ch.startswith("vector")}
            for pid, ranks in found.ranks["HN"].items()}


def test_vector_search_of_a_small_country_is_exact(searcher, kb):
    """A country with few passages is scanned, not looked up in the approximate index: every
    passage about it is a vector candidate, in the order of its true cosine."""
    import numpy as np

    from graph import queries as Q

    hn = {r["id"]: r["text"] for r in kb.store.execute(Q.passages_about("HN", 1000))}
    channels = _vector_channels(searcher, {**GAY_VE, "narrative": "beaten by police"})
    assert set(channels) == set(hn)
    ids = sorted(hn)
    own = "gay; beaten by police"  # the client's own words, as one text (mapping.own_words)
    mapping_vector = searcher.vectors([[own]], {own})[0]
    vectors = kb.embedder.encode([hn[i] for i in ids])
    true_order = [ids[i] for i in np.argsort(-(vectors @ mapping_vector), kind="stable")]
    last = len(next(iter(channels.values()))) - 1  # the free text is the last vector channel
    assert sorted(ids, key=lambda pid: channels[pid][f"vector{last}"]) == true_order


@pytest.mark.parametrize("exact_max", [10_000, 0], ids=["exact-scan", "vector-index"])
def test_concurrent_searches_give_identical_results(searcher, monkeypatch, exact_max):
    """Eight searches at once return exactly what one search alone returns, through the exact
    scan and through the vector index (whose concurrent searches corrupt each other in FalkorDB,
    issue #2848: without the lock, channels came back empty or with duplicated nodes)."""
    from concurrent.futures import ThreadPoolExecutor

    from retrieval import candidates as C

    monkeypatch.setattr(C, "EXACT_MAX", exact_max)
    profile = parse_profile({**GAY_VE, "narrative": "He was beaten by police for being gay."})
    alone = searcher.for_profile(profile, today=TODAY, top=20)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: searcher.for_profile(profile, today=TODAY, top=20),
                                range(24)))
    assert all(r == alone for r in results)
    assert all(_vector_channels(searcher, GAY_VE) == _vector_channels(searcher, GAY_VE)
               for _ in range(3))
