"""Exhibit citations carry a document's official citation (Federal Register) when it has one."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from exhibits.citations import official_citation, rows, write_csv, write_json
from exhibits.model import Bundle, Document, Exhibit

FR = Document(id="d1", url="https://www.federalregister.gov/documents/2019/11/19/2019-25137/x",
              title="Implementing Bilateral and Multilateral Asylum Cooperative Agreements",
              publisher="Office of the Federal Register", sha256="a" * 64,
              citation="84 FR 63994", document_number="2019-25137")
PLAIN = Document(id="d2", url="https://www.state.gov/x", title="Honduras 2024", publisher="DOS",
                 sha256="b" * 64)


def test_official_citation_uses_the_fields_when_present() -> None:
    assert official_citation(FR) == "84 FR 63994; FR Doc. 2019-25137"
    numbered = Document(**{**FR.__dict__, "citation": None})
    assert official_citation(numbered) == "FR Doc. 2019-25137"
    assert official_citation(PLAIN) is None


def test_csv_and_json_rows_carry_the_citation(tmp_path: Path) -> None:
    bundle = Bundle([Exhibit("A", "fr", FR, [], ""), Exhibit("B", "dos", PLAIN, [], "")])
    assert [r["citation"] for r in rows(bundle)] == ["84 FR 63994; FR Doc. 2019-25137", ""]
    assert rows(bundle)[0]["title"] == FR.title  # the title is no longer the citation's carrier
    with write_csv(bundle, tmp_path / "c.csv").open(encoding="utf-8") as fh:
        assert [r["citation"] for r in csv.DictReader(fh)] == [
            "84 FR 63994; FR Doc. 2019-25137", ""]
    data = json.loads(write_json(bundle, tmp_path / "c.json").read_text("utf-8"))
    assert data["exhibits"][0]["citation"] == "84 FR 63994; FR Doc. 2019-25137"
