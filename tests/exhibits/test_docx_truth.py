"""The DOCX summary says what is true of each exhibit: its real language and whether a
translation is attached, each quotation once per country, and an undated document's estimate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document as Word

from core.models import DocumentItem
from exhibits import Outputs, export_bundle
from exhibits.docx import SUPPORT_MIN
from ingest.kb import KnowledgeBase
from tests.small_kb import DOCS, open_small_kb

FR = DocumentItem(
    url="https://example.org/ht-fr", title="Rapport sur la situation en Haïti",
    publisher="Example ONG", countries=["HT"], published="2024-02-01", language="fr",
    text="Les gangs armés contrôlent plusieurs quartiers de Port-au-Prince et menacent les "
         "militants des droits humains.\n\nLa police nationale n'a pas protégé les victimes.")
UNDATED = DocumentItem(
    url="https://example.org/tip/guatemala", title="2016 Trafficking in Persons Report - Guatemala",
    publisher="Example Office", countries=["GT"], published=None, language="en",
    text="Traffickers exploited Guatemalan children in forced begging and gang recruitment, "
         "and officials rarely prosecuted the police officers complicit in these crimes.")


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    with open_small_kb(tmp_path_factory.mktemp("kb"), [*DOCS, FR, UNDATED]) as base:
        yield base


def _passages(kb: KnowledgeBase, url: str) -> list[str]:
    rows = kb.store.run("MATCH (p:Passage)-[:PART_OF]->(d:Document {url: $url}) "
                        "RETURN p.id AS id ORDER BY p.ordinal", {"url": url})
    return [r["id"] for r in rows]


def _export(kb: KnowledgeBase, tmp_path: Path, ids: list[str], **translations: Path):
    out = Outputs(tmp_path / "bundle.pdf", tmp_path / "index.docx")
    bundle = export_bundle(kb, ids, out, translations=translations)
    doc = Word(str(out.docx))
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    return bundle, rows, [p.text for p in doc.paragraphs]


def _bullets_quoting(paragraphs: list[str], text: str) -> list[str]:
    return [p for p in paragraphs if f"“{text}”" in p]


def test_a_french_exhibit_is_named_french_with_no_translation(kb, tmp_path) -> None:
    ids = _passages(kb, "https://example.org/ht-fr") + _passages(kb, "https://example.org/hn-es")
    bundle, rows, paragraphs = _export(kb, tmp_path, ids)
    fr, es = bundle.exhibits
    assert fr.language_name == "French" and es.language_name == "Spanish"
    required = "original; certified English translation required, not attached"
    assert f"(French {required})" in rows[1][1] and f"(Spanish {required})" in rows[2][1]
    for ex in (fr, es):
        for p in ex.passages:
            (bullet,) = _bullets_quoting(paragraphs, p.text)
            assert f"[{ex.language_name} {required}]" in bullet
    body = "\n".join(paragraphs + [r[1] for r in rows])
    assert "Spanish original" not in "\n".join(_bullets_quoting(paragraphs, fr.passages[0].text))
    assert "translation attached" not in body


def test_an_attached_translation_is_said_to_be_attached_where_it_is(kb, tmp_path) -> None:
    (tmp_path / "a-en.txt").write_text("Armed gangs control several districts of "
                                       "Port-au-Prince.\n\nThe police did not protect victims.",
                                       "utf-8")
    bundle, rows, paragraphs = _export(kb, tmp_path, _passages(kb, "https://example.org/ht-fr"),
                                       A=tmp_path / "a-en.txt")
    ex = bundle.exhibits[0]
    first, last = ex.translation_pages
    where = f"Ex. A at {first}" if first == last else f"Ex. A at {first}-{last}"
    attached = f"French original; English translation attached at {where}"
    assert f"({attached})" in rows[1][1]
    for p in ex.passages:
        (bullet,) = _bullets_quoting(paragraphs, p.text)
        assert f"[{attached}]" in bullet
    assert "required" not in "\n".join(paragraphs + [rows[1][1]])


def test_a_passage_supporting_several_elements_is_quoted_once_per_country(kb, tmp_path) -> None:
    ids = [pid for d in DOCS for pid in _passages(kb, d.url)]
    bundle, _, paragraphs = _export(kb, tmp_path, ids)
    labels = {e.id: e.label.en for e in kb.taxonomy.legal_elements}
    several = [p for ex in bundle.exhibits for p in ex.passages
               if len({e for e, s in p.elements if s >= SUPPORT_MIN}) > 1]
    assert several, "the small knowledge base should hold a passage supporting several elements"
    for p in several:
        supported = [labels.get(e, e) for e, s in p.elements if s >= SUPPORT_MIN]
        bullets = _bullets_quoting(paragraphs, p.text)
        assert len(bullets) == max(len(p.countries), 1)
        for bullet in bullets:
            assert bullet.endswith(f" Also relevant to: {', '.join(supported[1:])}.")
            # filed under the strongest element: the nearest heading above is its label
            at = paragraphs.index(bullet)
            heading = next(t for t in reversed(paragraphs[:at]) if "“" not in t)
            assert heading == supported[0]
    for ex in bundle.exhibits:
        for p in ex.passages:
            assert len(_bullets_quoting(paragraphs, p.text)) == max(len(p.countries), 1)


def test_an_undated_document_shows_the_estimate_note(kb, tmp_path) -> None:
    ids = _passages(kb, "https://example.org/tip/guatemala") + \
        _passages(kb, "https://example.org/gt-2023")
    bundle, rows, paragraphs = _export(kb, tmp_path, ids)
    undated, dated = bundle.exhibits
    assert undated.document.published is None
    note = "undated; edition estimated 2016 from the title"
    assert rows[1][3] == note and rows[2][3] == dated.document.published
    for p in undated.passages:
        (bullet,) = _bullets_quoting(paragraphs, p.text)
        assert bullet.startswith(f"Example Office ({note}) reports:")
    for p in dated.passages:
        (bullet,) = _bullets_quoting(paragraphs, p.text)
        assert f"({dated.document.published}) reports:" in bullet
