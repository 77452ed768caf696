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


def test_describe_replaces_table_of_contents_entries(passages, tmp_path: Path) -> None:
    out = tmp_path / "d.pdf"
    url = "https://example.org/hn-es"
    result = runner.invoke(app, [
        "export", "--passages", ",".join(_ids(passages)), "--out", str(out),
        "--title", "Country conditions: Honduras and Guatemala",
        "--describe", "A=State Department 2023 report on Honduras, LGBTQI+ section",
        "--describe", f"{url}=IACHR report on LGBTI killings in Honduras (Spanish)"])
    assert result.exit_code == 0, result.output
    assert "State Department 2023 report on Honduras, LGBTQI+ section" in result.output
    assert "IACHR report on LGBTI killings" in result.output
    assert "Guatemala <b>2023</b> report" in result.output  # C keeps its document title
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(out).pages)
    assert "COUNTRY CONDITIONS: HONDURAS AND GUATEMALA" in text  # the cover sets it in capitals
    assert "IACHR report on LGBTI killings in Honduras" in text
    assert runner.invoke(app, ["verify", str(out)]).exit_code == 0


@pytest.mark.parametrize(("describe", "message"), [
    ("Z=no such exhibit", "description for no exhibit in this bundle: Z"),
    ("A", "--describe expects KEY=TEXT"),
    ("A=  ", "--describe expects KEY=TEXT"),
])
def test_describe_errors_name_the_problem(passages, tmp_path: Path, describe: str,
                                          message: str) -> None:
    out = tmp_path / "bad.pdf"
    result = runner.invoke(app, ["export", "--passages", ",".join(_ids(passages)),
                                 "--out", str(out), "--describe", describe])
    assert result.exit_code == 2 and message in result.output, result.output
    assert not out.exists()  # nothing half-written


def test_describe_twice_for_one_exhibit_is_refused(passages, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--passages", _ids(passages)[0], "--out",
                                 str(tmp_path / "t.pdf"), "--describe", "A=one",
                                 "--describe", "A=two"])
    assert result.exit_code == 2 and "given twice for 'A'" in result.output
