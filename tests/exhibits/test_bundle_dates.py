"""Every exhibit's date (or, when undated, its estimated edition) in the table of contents and
the citation block, a warning on exhibits older than five years, and the A-number on the cover."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.models import DocumentItem
from exhibits import Bundle, Outputs, export_bundle
from exhibits.model import Caption, format_a_number
from ingest.kb import KnowledgeBase
from tests.small_kb import DOCS, open_small_kb

TIP_2016 = DocumentItem(
    url="https://example.org/tip/guatemala", title="2016 Trafficking in Persons Report - Guatemala",
    publisher="U.S. Department of State", countries=["GT"], language="en",
    text="Traffickers exploited Guatemalan women and children in sex trafficking, and gangs "
         "recruited children into criminal activity under threat of death.")
URL_2025 = DocumentItem(
    url="https://example.org/reports/2025-honduras", title="Honduras country update",
    publisher="Example Monitor", countries=["HN"], language="en",
    text="Gang members threatened transgender women in Tegucigalpa and the police did not "
         "investigate the complaints they filed.")
NO_YEAR = DocumentItem(
    url="https://example.org/briefing/el-salvador", title="El Salvador briefing",
    publisher="Example Monitor", countries=["SV"], language="en",
    text="Under the state of exception, people with tattoos were detained without charge and "
         "held for months without access to a lawyer.")

# (document URL, the date shown, the year it stands for) - the fixture's own facts.
EXPECTED = {
    "https://example.org/hn-2023": ("2024-04-22", 2024),
    "https://example.org/gt-2019": ("2020-03-11", 2020),
    TIP_2016.url: ("undated; edition estimated 2016 from the title", 2016),
    URL_2025.url: ("undated; edition estimated 2025 from the URL", 2025),
    NO_YEAR.url: ("undated; no edition named in the title or URL", None),
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    with open_small_kb(tmp_path_factory.mktemp("kb"),
                       [*DOCS, TIP_2016, URL_2025, NO_YEAR]) as base:
        yield base


@pytest.fixture(scope="module")
def exported(kb: KnowledgeBase,
             tmp_path_factory: pytest.TempPathFactory) -> tuple[Bundle, list[str]]:
    ids = []
    for url in EXPECTED:
        rows = kb.store.run("MATCH (p:Passage)-[:PART_OF]->(d:Document {url: $url}) "
                            "RETURN p.id AS id ORDER BY p.ordinal", {"url": url})
        ids.append(rows[0]["id"])
    pdf = tmp_path_factory.mktemp("bundle") / "bundle.pdf"
    bundle = export_bundle(kb, ids, Outputs(pdf), caption=Caption(a_number="A098-765-432"))
    texts = [" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages]
    return bundle, texts


def test_toc_shows_each_exhibits_date_or_estimated_edition(exported) -> None:
    bundle, texts = exported
    toc = texts[1]
    assert [ex.document.url for ex in bundle.exhibits] == list(EXPECTED)
    for ex in bundle.exhibits:
        shown = EXPECTED[ex.document.url][0]
        assert f"{ex.document.publisher}, {shown}" in toc
    assert "not stated" not in " ".join(texts)


def test_citation_block_shows_the_date_and_flags_old_exhibits(exported) -> None:
    bundle, texts = exported
    this_year = date.today().year
    stale = 0
    for ex in bundle.exhibits:
        shown, year = EXPECTED[ex.document.url]
        citation_page = texts[ex.pages[0]]  # the page after the tab page
        assert ex.document.sha256 in citation_page
        assert f"Published {shown}" in citation_page
        warning = f"Older than 5 years ({year}): check for a newer edition before filing"
        if year is not None and year < this_year - 5:
            stale += 1
            assert warning in citation_page
        else:
            assert "Older than 5 years" not in " ".join(texts[ex.pages[0] - 1:ex.pages[1]])
    assert stale >= 2  # the 2020 report and the 2016 edition, in any year after 2025


def test_cover_prints_the_normalised_a_number(exported) -> None:
    cover = exported[1][0]
    assert "File No.: A-098-765-432" in cover
    assert "A-A" not in cover


@pytest.mark.parametrize("typed, printed", [
    ("A098765432", "A-098-765-432"),
    ("a 098 765 432", "A-098-765-432"),
    ("A-098-765-432", "A-098-765-432"),
    ("098765432", "A-098-765-432"),
    ("A12345678", "A-012-345-678"),  # eight digits take the customary leading zero
    ("  a-12-345-678 ", "A-012-345-678"),
    ("A1234567", "A1234567"),  # seven digits: printed as typed, nothing invented
    ("A0987654321", "A0987654321"),  # ten digits
    ("B098765432", "B098765432"),
    ("A09876543X", "A09876543X"),
    ("A０９８７６５４３２", "A０９８７６５４３２"),  # full-width digits are not ASCII digits
    ("", ""),
])
def test_a_number_normaliser(typed: str, printed: str) -> None:
    assert format_a_number(typed) == printed


def test_an_a_number_that_cannot_be_normalised_is_printed_as_typed(kb, tmp_path: Path) -> None:
    rows = kb.store.run("MATCH (p:Passage)-[:PART_OF]->(d:Document {url: $url}) "
                        "RETURN p.id AS id", {"url": NO_YEAR.url})
    out = Outputs(tmp_path / "b.pdf")
    export_bundle(kb, [rows[0]["id"]], out, caption=Caption(a_number="A1234567"))
    cover = " ".join((PdfReader(out.pdf).pages[0].extract_text() or "").split())
    assert "File No.: A1234567" in cover
