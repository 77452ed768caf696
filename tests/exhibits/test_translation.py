"""Every non-English exhibit is followed by English pages: the filer's translation, or a page
saying plainly that none is attached; the certificate names exactly what is attached."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.errors import ValidationError
from core.models import DocumentItem
from exhibits import Outputs, export_bundle
from ingest.kb import KnowledgeBase
from tests.small_kb import DOCS, open_small_kb

FR = DocumentItem(
    url="https://example.org/ht-fr", title="Rapport sur la situation en Haïti",
    publisher="Example ONG", countries=["HT"], published="2024-02-01", language="fr",
    text="Les gangs armés contrôlent plusieurs quartiers de Port-au-Prince et menacent les "
         "militants des droits humains.\n\nLa police nationale n'a pas protégé les victimes.")
PT = DocumentItem(
    url="https://example.org/br-pt", title="Relatório sobre violência contra pessoas LGBT",
    publisher="Exemplo Observatório", countries=["BR"], published="2023-06-01",
    language="pt-BR",
    text="Pessoas trans foram assassinadas em várias cidades do Brasil.\n\nA polícia raramente "
         "investigou esses crimes de ódio.")


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    with open_small_kb(tmp_path_factory.mktemp("kb"), [*DOCS, FR, PT]) as base:
        yield base


def _first_passage(kb: KnowledgeBase, url: str) -> str:
    rows = kb.store.run("MATCH (p:Passage)-[:PART_OF]->(d:Document {url: $url}) "
                        "RETURN p.id AS id ORDER BY p.ordinal", {"url": url})
    return rows[0]["id"]


def _texts(pdf: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages]


def _export(kb: KnowledgeBase, tmp_path: Path, urls: list[str], **translations: Path):
    ids = [_first_passage(kb, url) for url in urls]
    out = Outputs(tmp_path / "bundle.pdf")
    bundle = export_bundle(kb, ids, out, translations=translations)
    return bundle, _texts(out.pdf)


def _page_of(texts: list[str], needle: str) -> int:
    hits = [i + 1 for i, text in enumerate(texts) if needle in text]
    assert hits, f"{needle!r} on no page"
    return hits[0]


def test_spanish_without_translation_says_so_and_certifies_nothing(kb, tmp_path) -> None:
    bundle, texts = _export(kb, tmp_path, ["https://example.org/hn-2023",
                                           "https://example.org/hn-es"])
    ex = bundle.exhibits[1]
    assert ex.needs_translation and ex.translation is None
    first, last = ex.pages
    required = _page_of(texts, "TRANSLATION REQUIRED - not yet translated")
    cert = _page_of(texts, "CERTIFICATE OF TRANSLATION")
    assert first < required < cert <= last  # both inside Exhibit B, English page first
    assert "Informe sobre personas LGBTI en Honduras" in texts[required - 1]
    assert ex.passages[0].id in texts[required - 1]
    assert ex.translation_pages == (required, required)
    assert "NO TRANSLATION IS ATTACHED" in texts[cert - 1]
    assert "attached hereto" not in " ".join(texts)
    assert "translation required, not attached" in texts[1]  # table of contents


def test_given_translation_follows_the_original_and_is_named(kb, tmp_path) -> None:
    english = ("The Commission recorded killings of LGBTI persons in Honduras, in particular "
               "of trans women.\n\nImpunity for these hate crimes is almost total.\n\n")
    long_tail = "\n\n".join(f"Translator's paragraph {i}: " + "word " * 80 for i in range(12))
    (tmp_path / "b-en.txt").write_text(english + long_tail, "utf-8")
    bundle, texts = _export(kb, tmp_path, ["https://example.org/hn-2023",
                                           "https://example.org/hn-es",
                                           "https://example.org/gt-2023"],
                            B=tmp_path / "b-en.txt")
    ex, after = bundle.exhibits[1], bundle.exhibits[2]
    assert ex.translation is not None
    start, end = ex.translation_pages
    assert end > start  # the long translation took several pages, all laid out
    assert ex.pages[0] < start and end < ex.pages[1] < after.pages[0]
    assert "ENGLISH TRANSLATION OF EXHIBIT B" in texts[start - 1]
    assert "in particular of trans women" in texts[start - 1]
    assert "Translator's paragraph 11" in texts[end - 1]
    cert = texts[ex.pages[1] - 1]
    assert "CERTIFICATE OF TRANSLATION" in cert
    assert f"attached hereto (b-en.txt, on pages {start}-{end} of this bundle)" in cert
    assert "NO TRANSLATION" not in " ".join(texts)
    total = len(texts)
    assert all(f"Page {n} of {total}" in text for n, text in enumerate(texts, 1))
    toc = texts[1]
    assert "English translation attached" in toc and f"{after.page_range}" in toc
    assert _page_of(texts, "EXHIBIT C") == after.pages[0]
    titles = [o.title for o in _outline(tmp_path / "bundle.pdf")]
    assert "English translation (Exhibit B)" in titles


def _outline(pdf: Path) -> list:
    out, stack = [], list(PdfReader(pdf).outline)
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[:0] = item
        else:
            out.append(item)
    return out


@pytest.mark.parametrize(("url", "language"), [("https://example.org/ht-fr", "French"),
                                               ("https://example.org/br-pt", "Portuguese")])
def test_french_and_portuguese_are_flagged_too(kb, tmp_path, url, language) -> None:
    bundle, texts = _export(kb, tmp_path, [url])
    ex = bundle.exhibits[0]
    assert ex.needs_translation and ex.language_name == language
    required = _page_of(texts, "TRANSLATION REQUIRED - not yet translated")
    assert ex.pages[0] < required < ex.pages[1]
    assert f"Exhibit A is in {language}" in texts[required - 1]
    cert = texts[ex.pages[1] - 1]
    assert f"competent to translate from {language} into English" in cert
    assert "NO TRANSLATION IS ATTACHED" in cert


def test_pdf_translation_and_bad_keys(kb, tmp_path) -> None:
    _export(kb, tmp_path, ["https://example.org/ht-fr"])  # any PDF with text will do
    (tmp_path / "second").mkdir()
    bundle, texts2 = _export(kb, tmp_path / "second", ["https://example.org/br-pt"],
                             A=tmp_path / "bundle.pdf")
    ex = bundle.exhibits[0]
    assert ex.translation is not None and ex.translation.source_name == "bundle.pdf"
    start, _ = ex.translation_pages
    assert "Les gangs armés contrôlent" in " ".join(texts2[start - 1:ex.pages[1]])
    with pytest.raises(ValidationError, match="for no exhibit.*'Z'"):
        _export(kb, tmp_path, ["https://example.org/br-pt"], Z=tmp_path / "bundle.pdf")
    with pytest.raises(ValidationError, match="already in English"):
        _export(kb, tmp_path, ["https://example.org/hn-2023"], A=tmp_path / "bundle.pdf")
    (tmp_path / "t.docx").write_bytes(b"PK")
    with pytest.raises(ValidationError, match=r"t\.docx: give a \.txt or \.pdf"):
        _export(kb, tmp_path, ["https://example.org/br-pt"], A=tmp_path / "t.docx")
