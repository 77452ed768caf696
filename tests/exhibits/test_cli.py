"""`cckb export` and `cckb verify BUNDLE` end to end, on the module's knowledge base."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from cckb.main import app
from ingest.kb import KnowledgeBase

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CCKB_DATA_DIR", str(kb.settings.data_path))
    return kb.settings.data_path


def _ids(passages: dict[str, list[dict]]) -> list[str]:
    return [rows[0]["id"] for rows in passages.values()]


def test_export_passages_with_caption_then_verify(passages, tmp_path: Path) -> None:
    out = tmp_path / "bundle.pdf"
    result = runner.invoke(app, ["export", "--passages", ",".join(_ids(passages)),
                                 "--out", str(out), "--csv", str(tmp_path / "c.csv"),
                                 "--respondent", "Jane Roe", "--a-number", "012-345-678"])
    assert result.exit_code == 0, result.output
    assert "Exhibit C" in result.output and "certified translation" in result.output
    cover = PdfReader(out).pages[0].extract_text()
    assert "Jane Roe" in cover and "A-012-345-678" in cover
    assert (tmp_path / "c.csv").exists()
    ok = runner.invoke(app, ["verify", str(out)])
    assert ok.exit_code == 0 and "0 problem(s)" in ok.output


def test_export_from_saved_search_results(passages, tmp_path: Path) -> None:
    ids = _ids(passages)
    saved = tmp_path / "results.json"
    saved.write_text(json.dumps({"countries": [
        {"country": "HN", "evidence": [{"passage_id": pid} for pid in ids[:2]]},
        {"country": "GT", "evidence": [{"passage_id": ids[2]}]}]}))
    out = tmp_path / "b.pdf"
    result = runner.invoke(app, ["export", "--from-search", str(saved), "--out", str(out),
                                 "--top", "1"])
    assert result.exit_code == 0, result.output
    assert "Exhibit B" in result.output and "Exhibit C" not in result.output


def test_export_from_profile_runs_the_search(tmp_path: Path) -> None:
    profile = tmp_path / "client.json"
    profile.write_text(json.dumps({"nationality": "VE", "third_countries": ["GT"],
                                   "other": "xenophobia against Venezuelan migrants"}))
    out = tmp_path / "p.pdf"
    result = runner.invoke(app, ["export", "--profile", str(profile), "--out", str(out),
                                 "--top", "2"])
    assert result.exit_code == 0, result.output
    assert "Guatemala <b>2023</b> report" in result.output
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "xenophobia against" not in text  # the profile is never printed in the bundle


def test_export_argument_errors(tmp_path: Path) -> None:
    out = str(tmp_path / "x.pdf")
    both = runner.invoke(app, ["export", "--passages", "a", "--from-search", out, "--out", out])
    assert both.exit_code == 2 and "exactly one" in both.output
    unknown = runner.invoke(app, ["export", "--passages", "psg-nope", "--out", out])
    assert unknown.exit_code == 2 and "unknown passage" in unknown.output


def test_verify_needs_a_target_and_keeps_archive_mode(tmp_path: Path) -> None:
    assert runner.invoke(app, ["verify"]).exit_code == 1
    assert runner.invoke(app, ["verify", str(tmp_path / "missing.pdf")]).exit_code == 2
    archive = runner.invoke(app, ["verify", "--archive"])
    assert archive.exit_code == 0 and "archive: 0 problem(s)" in archive.output
