"""Scoring and re-ranking units: closeness to the client's own account breaks ties between
passages that carry the same taxonomy tags, and is scaled within each country."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from core.taxonomy import load_taxonomy
from graph import queries as Q
from retrieval import candidates as C
from retrieval.mapping import Mapping
from retrieval.ranking import load_model, score
from retrieval.search import EvidenceSearch

TODAY = date(2026, 11, 1)


def _row(pid: str) -> dict:
    return {"id": pid, "text": "LGBTI persons were attacked.", "published": "2025-04-01",
            "publisher": "U.S. Department of State", "risk_factors": {"lgbti": 0.9},
            "elements": {"harm": 0.8}, "nationalities": [], "actors": [], "countries": ["HN"]}


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


def test_closeness_to_the_account_breaks_a_tie(taxonomy):
    mapping = Mapping("VE", {"lgbti": 1.0}, elements=["harm"])
    ranks = {"vector0": 3, "risk_factor": 1}
    near = score({**_row("a"), "cosine": 0.8}, ranks, mapping, taxonomy, TODAY, semantic=1.0)
    far = score({**_row("b"), "cosine": 0.1}, ranks, mapping, taxonomy, TODAY, semantic=0.0)
    assert near.score > far.score
    assert 0.0 <= far.score <= near.score <= 1.0
    clamped = score({**_row("c"), "cosine": 7.0}, ranks, mapping, taxonomy, TODAY, semantic=7.0)
    assert clamped.score == score({**_row("c"), "cosine": 1.0}, ranks, mapping, taxonomy, TODAY,
                                  semantic=1.0).score


def test_an_undated_item_is_not_ranked_as_if_recent(taxonomy):
    mapping = Mapping("VE", {"lgbti": 1.0}, elements=["harm"])
    ranks = {"dense": 1}
    dated = score(_row("a"), ranks, mapping, taxonomy, TODAY)
    undated = score({**_row("b"), "published": None}, ranks, mapping, taxonomy, TODAY)
    assert undated.score < dated.score
    assert "publication date unknown" in undated.age_note


def test_an_undated_old_edition_is_marked_stale_with_its_estimate(taxonomy):
    mapping = Mapping("VE", {"lgbti": 1.0}, elements=["harm"])
    ranks = {"dense": 1}
    tip = {**_row("a"), "published": None, "url": "https://www.ecoi.net/en/document/1",
           "title": "2016 Trafficking in Persons Report - Guatemala"}
    old = score(tip, ranks, mapping, taxonomy, TODAY)
    assert old.stale is True
    assert old.age_note.startswith("undated; edition estimated 2016 from the title")
    recent = score({**tip, "title": "World Report 2026: Guatemala"}, ranks, mapping, taxonomy,
                   TODAY)
    assert recent.stale is False and "estimated 2026" in recent.age_note
    partial = score({**tip, "published": "2025-05"}, ranks, mapping, taxonomy, TODAY)
    assert "estimated" not in partial.age_note  # a date the source gave, however partial
    # the estimate marks staleness only: the score is the undated score, never a recent one
    assert old.score == recent.score < score(_row("b"), ranks, mapping, taxonomy, TODAY).score


def test_a_model_with_an_unknown_feature_is_refused(tmp_path):
    path = tmp_path / "ranker.json"
    path.write_text('{"bias": 0, "weights": {"dense": 1, "mystery": 2}}')
    with pytest.raises(ValueError, match="unknown ranking feature.*mystery"):
        load_model(path)


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_closeness_is_scaled_within_each_country():
    found = C.Candidates()
    found.add("HN", "vector0", ["h1", "h2", "h3"])
    found.add("GT", "vector0", ["g1", "g2"])
    sims = {"h1": 0.62, "h2": 0.12, "h3": 0.3, "g1": 0.9, "g2": 0.85}
    near = EvidenceSearch.rescaled(found, sims)
    assert near["h1"] == pytest.approx(1.0) and near["h2"] == pytest.approx(0.0)
    assert near["h3"] == pytest.approx(0.36)
    assert near["g1"] == pytest.approx(1.0) and near["g2"] == pytest.approx(0.0)


def test_closeness_skips_candidates_without_a_vector():
    found = C.Candidates()
    found.add("HN", "fulltext", ["h1", "h2"])
    assert EvidenceSearch.rescaled(found, {"h1": 0.4}) == {"h1": 1.0}


def test_graph_closeness_matches_numpy_cosine(kb):
    rows = kb.store.execute(Q.passages_about("HN", 10))
    ids = [r["id"] for r in rows]
    vectors = kb.embedder.encode([r["text"] for r in rows])
    query = kb.embedder.encode(["gangs extorted bus drivers"])[0]
    got = C.closeness(kb.store, ids, query)
    assert set(got) == set(ids)
    for pid, vec in zip(ids, vectors, strict=True):
        assert got[pid] == pytest.approx(float(vec @ query), abs=1e-3)


def test_query_vector_prefers_the_clients_own_words():
    groups = np.array([_unit(1, 0), _unit(0, 1)])
    assert np.allclose(EvidenceSearch.query_vector(groups, 1), _unit(0, 1))
    assert np.allclose(EvidenceSearch.query_vector(groups, 0), _unit(1, 1))
    assert EvidenceSearch.query_vector(np.zeros((0, 2)), 0) is None
    assert EvidenceSearch.query_vector(None, 1) is None
