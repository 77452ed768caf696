"""A bundle exported from a real knowledge base, read back with pypdf and python-docx."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from docx import Document as Word
from pypdf import PdfReader

from exhibits import Bundle, Outputs, export_bundle, verify_bundle
from exhibits.collect import ExhibitError, build_bundle
from exhibits.manifest import read
from ingest.archive import Archive
from ingest.kb import KnowledgeBase


@pytest.fixture(scope="module")
def selected(passages: dict[str, list[dict]]) -> list[str]:
    """Second Honduras passage first, then Spanish, Guatemala, then the first Honduras one."""
    by_url = passages
    hn, es, gt = (by_url[f"https://example.org/{k}"] for k in ("hn-2023", "hn-es", "gt-2023"))
    return [hn[1]["id"], es[0]["id"], gt[0]["id"], hn[0]["id"]]


@pytest.fixture(scope="module")
def exported(kb: KnowledgeBase, selected: list[str],
             tmp_path_factory: pytest.TempPathFactory) -> tuple[Bundle, Outputs]:
    out = tmp_path_factory.mktemp("bundle")
    outputs = Outputs(out / "bundle.pdf", out / "index.docx", out / "c.csv", out / "c.json")
    return export_bundle(kb, selected, outputs), outputs


@pytest.fixture(scope="module")
def pdf(exported: tuple[Bundle, Outputs]) -> PdfReader:
    return PdfReader(exported[1].pdf)


@pytest.fixture(scope="module")
def page_texts(pdf: PdfReader) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in pdf.pages]


def test_exhibits_group_passages_by_document_in_first_seen_order(exported, selected) -> None:
    bundle = exported[0]
    assert [ex.tab for ex in bundle.exhibits] == ["A", "B", "C"]
    assert bundle.exhibits[0].passage_ids == [selected[3], selected[0]]  # document order
    assert [ex.needs_translation for ex in bundle.exhibits] == [False, True, False]


def test_every_page_carries_its_number(page_texts: list[str]) -> None:
    total = len(page_texts)
    for number, text in enumerate(page_texts, 1):
        assert f"Page {number} of {total}" in text


def test_toc_lists_exhibits_in_order_with_their_real_page_ranges(exported, page_texts) -> None:
    bundle = exported[0]
    toc = page_texts[1]
    positions = [toc.index(f"{ex.tab} {ex.description}") for ex in bundle.exhibits]
    assert positions == sorted(positions)
    for ex, following in zip(bundle.exhibits, [*bundle.exhibits[1:], None], strict=True):
        first, last = ex.pages
        assert f" {first}-{last}" in toc or f" {first} " in toc
        assert f"EXHIBIT {ex.tab}" in page_texts[first - 1]
        after = page_texts[last]  # the page after the exhibit starts the next part
        assert (f"EXHIBIT {following.tab}" if following else "VERIFICATION RECORD") in after


def test_bookmarks_match_exhibits_and_point_at_their_tab_pages(exported, pdf) -> None:
    bundle = exported[0]
    top = [o for o in pdf.outline if not isinstance(o, list)]
    exhibits = [o for o in top if o.title.startswith("Exhibit ")]
    assert [o.title for o in exhibits] == [f"Exhibit {ex.tab}: {ex.description}"
                                           for ex in bundle.exhibits]
    assert [pdf.get_destination_page_number(o) + 1 for o in exhibits] == [
        ex.pages[0] for ex in bundle.exhibits]


def test_spanish_exhibit_has_a_certificate_of_translation(exported, page_texts) -> None:
    spanish = exported[0].exhibits[1]
    first, last = spanish.pages
    pages = page_texts[first - 1:last]
    assert any("CERTIFICATE OF TRANSLATION" in t and "Exhibit B" in t for t in pages)
    assert any("certified English translation is required" in t for t in pages)
    assert not any("CERTIFICATE OF TRANSLATION" in t for t in page_texts[:first - 1])


def test_crawled_markup_is_printed_literally(page_texts: list[str]) -> None:
    text = " ".join(page_texts)
    assert "<script>alert(1)</script>" in text
    assert "Guatemala <b>2023</b> report" in text and "Example <Watch>" in text


def test_passages_appear_verbatim_on_their_pinpoint_pages(exported, page_texts) -> None:
    for ex in exported[0].exhibits:
        assert ex.document.sha256 in page_texts[ex.pages[0]]  # citation block after the tab
        for p in ex.passages:
            assert " ".join(p.text.split()) in page_texts[ex.pinpoints[p.id] - 1]


def test_cover_caption_is_blank_by_default(page_texts: list[str]) -> None:
    assert "RESPONDENT'S SUBMISSION OF COUNTRY CONDITIONS EVIDENCE" in page_texts[0]
    assert "In the Matter of: ____" in page_texts[0] and "A-____" in page_texts[0]


def test_manifest_records_hashes_and_passages(exported) -> None:
    bundle, outputs = exported
    data = read(outputs.pdf)
    assert [e["sha256"] for e in data["exhibits"]] == [ex.document.sha256
                                                       for ex in bundle.exhibits]
    assert [[p["id"] for p in e["passages"]] for e in data["exhibits"]] == [
        ex.passage_ids for ex in bundle.exhibits]


def test_docx_lists_exhibits_and_cites_pinpoints(exported) -> None:
    bundle, outputs = exported
    doc = Word(str(outputs.docx))
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["Tab", "Description", "Source", "Date", "Pages"]
    assert [r[0] for r in rows[1:]] == ["A", "B", "C"]
    assert [r[4] for r in rows[1:]] == [ex.page_range for ex in bundle.exhibits]
    body = "\n".join(p.text for p in doc.paragraphs)
    for ex in bundle.exhibits:
        for p in ex.passages:
            assert f"“{p.text}”" in body
            assert f"Ex. {ex.tab} at {ex.pinpoints[p.id]}." in body
    assert "Honduras" in body and "Guatemala" in body


def test_csv_and_json_rows_match_the_bundle(exported) -> None:
    bundle, outputs = exported
    with outputs.csv.open(encoding="utf-8") as fh:
        csv_rows = list(csv.DictReader(fh))
    json_rows = json.loads(outputs.json.read_text("utf-8"))["exhibits"]
    assert len(csv_rows) == len(json_rows) == len(bundle.exhibits)
    for ex, c, j in zip(bundle.exhibits, csv_rows, json_rows, strict=True):
        assert c["tab"] == j["tab"] == ex.tab
        assert c["sha256"] == j["sha256"] == ex.document.sha256
        assert c["passage_ids"].split() == j["passage_ids"] == ex.passage_ids
        assert c["pages"] == j["pages"] == ex.page_range
        assert re.match(r"\d+(-\d+)?$", c["pages"])
        assert c["url"] == j["url"] == ex.document.url


def test_verify_passes_then_reports_a_truncated_copy(kb, exported, tmp_path: Path) -> None:
    bundle, outputs = exported
    assert verify_bundle(outputs.pdf, kb.archive) == []
    copy = Archive(tmp_path / "archive")
    shutil.copytree(kb.archive.root, copy.root)
    target = bundle.exhibits[2].document.sha256
    blob = copy.blob_path(target)
    blob.write_bytes(blob.read_bytes()[:20])
    problems = verify_bundle(outputs.pdf, copy)
    assert [(p.tab, p.sha256) for p in problems] == [("C", target)]
    assert "corrupt or truncated" in problems[0].reason
    blob.unlink()
    assert "missing" in verify_bundle(outputs.pdf, copy)[0].reason


def test_verify_rejects_a_pdf_without_manifest(kb, tmp_path: Path) -> None:
    other = tmp_path / "other.pdf"
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(other))
    canvas.drawString(72, 720, "not a bundle")
    canvas.save()
    assert "no cckb manifest" in verify_bundle(other, kb.archive)[0].reason


def test_unknown_passage_ids_are_refused(kb) -> None:
    with pytest.raises(Exception, match="unknown passage"):
        build_bundle(kb, ["psg-doesnotexist"])


def test_corrupt_archive_copy_is_never_quoted(kb, selected, tmp_path: Path) -> None:
    class Corrupt:
        store = kb.store
        archive = Archive(tmp_path / "archive")

    shutil.copytree(kb.archive.root, Corrupt.archive.root)
    for blob in Corrupt.archive.blobs.glob("*/*/*"):
        blob.write_bytes(b"tampered")
    with pytest.raises(ExhibitError, match="corrupt"):
        build_bundle(Corrupt, selected[:1])
