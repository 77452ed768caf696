"""Asylum decisions on the client's nationals travel with the evidence of each country: figures,
the computed sentence (never offered as a quote) and the citation of the archived answer."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cckb.main import app
from core.ids import sha256_bytes
from retrieval.profile import parse_profile
from retrieval.search import EvidenceSearch
from retrieval.statistics import COMPUTED_NOTE
from tests.small_kb import DECISIONS_URL, load_decisions

TODAY = date(2026, 11, 1)
GAY_VE = {"nationality": "VE", "third_countries": ["HN", "GT"], "sexual_orientation": "gay"}


def _asylum_gap(block: dict) -> int | None:
    return next((g["evidence_count"] for g in block["gaps"] if g["element"] == "asylum_access"),
                None)


@pytest.fixture(scope="module")
def searches(kb) -> tuple[dict, dict, bytes]:
    """The same search before and after the UNHCR answers for HN and GT are loaded."""
    searcher = EvidenceSearch.from_kb(kb)
    before = searcher.for_profile(parse_profile(GAY_VE), today=TODAY)
    honduras = load_decisions(kb, "HND", "HN")
    load_decisions(kb, "GTM", "GT")
    after = searcher.for_profile(parse_profile(GAY_VE), today=TODAY)
    return before, after, honduras


def test_decisions_on_the_clients_nationals_come_with_their_citation(searches):
    before, after, honduras = searches
    assert all(block["statistics"] == [] for block in before["countries"])
    hn, gt = after["countries"]
    assert gt["statistics"] == []  # Guatemala's answer has no decisions on Venezuelans
    [stat] = hn["statistics"]  # the fixture's 2024 first-instance decisions on Venezuelans
    assert (stat["year"], stat["origin"], stat["total"]) == (2024, "VE", 41)
    counts = (stat["recognized"], stat["complementary_protection"], stat["rejected"])
    assert stat["total_recognition_rate"] == round((counts[0] + counts[1]) / sum(counts), 4)
    assert stat["summary"].startswith(f"[{COMPUTED_NOTE}]")
    assert stat["source_url"] == DECISIONS_URL.format(coa="HND")
    assert stat["sha256"] == sha256_bytes(honduras) and stat["retrieved_at"].startswith("2026")
    assert [b["evidence"] for b in before["countries"]] == \
        [b["evidence"] for b in after["countries"]]  # figures never enter the ranking


def test_decisions_count_as_evidence_of_access_to_asylum(searches):
    before, after, _ = searches
    was, now = _asylum_gap(before["countries"][0]), _asylum_gap(after["countries"][0])
    assert was is not None  # the small KB has no asylum-procedure passage about Honduras
    assert now is None or now == was + 1
    assert _asylum_gap(after["countries"][1]) == _asylum_gap(before["countries"][1])


def test_the_table_prints_the_computed_sentence(searches, kb, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("CCKB_DATA_DIR", str(kb.settings.data_path))
    profile = tmp_path / "client.json"
    profile.write_text(json.dumps(GAY_VE))
    out = CliRunner().invoke(app, ["search", "--profile", str(profile), "--country", "HN"])
    assert out.exit_code == 0, out.output
    flat = " ".join(out.stdout.split())
    assert f"[{COMPUTED_NOTE}] In 2024, Honduras decided 41 asylum claims" in flat
