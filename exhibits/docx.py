"""A Word index of exhibits and a draft summary of country conditions, for the advocate to edit.

The summary only quotes verbatim (the archived passage, in quotation marks) and cites each
quotation to its exhibit and bundle page ("Ex. C at 4"); the argument itself is the advocate's.
Render the PDF first so page numbers are known.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from core.countries import country_name
from exhibits.model import Bundle, Exhibit, Passage

SUPPORT_MIN = 0.5
OTHER = "Other evidence"


def pinpoint(ex: Exhibit, passage: Passage) -> str:
    page = ex.pinpoints.get(passage.id)
    return f"Ex. {ex.tab} at {page}" if page else f"Ex. {ex.tab}"


def grouped(bundle: Bundle, labels: Mapping[str, str] | None = None,
            ) -> dict[str, dict[str, list[tuple[Exhibit, Passage]]]]:
    """country -> element label -> passages, elements in `labels` order, OTHER last."""
    labels = labels or {}
    out: dict[str, dict[str, list[tuple[Exhibit, Passage]]]] = {}
    for ex in bundle.exhibits:
        for p in ex.passages:
            elements = [e for e, score in p.elements if score >= SUPPORT_MIN] or [OTHER]
            for country in p.countries or ("",):
                for element in elements:
                    label = labels.get(element, element.replace("_", " ").capitalize())
                    out.setdefault(country, {}).setdefault(label, []).append((ex, p))
    order = {label: i for i, label in enumerate([*labels.values(), OTHER])}
    return {c: dict(sorted(els.items(), key=lambda kv: order.get(kv[0], len(order))))
            for c, els in sorted(out.items())}


def render_docx(bundle: Bundle, out: Path | str,
                element_labels: Mapping[str, str] | None = None) -> Path:
    """Write the index table and the draft summary; `element_labels` maps element ids to names."""
    from docx import Document as Word

    doc = Word()
    doc.add_heading(bundle.title, level=0)
    doc.add_heading("Index of exhibits", level=1)
    _index_table(doc, bundle)
    doc.add_heading("Summary of country conditions (draft)", level=1)
    doc.add_paragraph("Draft for the advocate to edit. Quotations are verbatim from the "
                      "archived sources; pinpoint citations refer to the bundle's page numbers.")
    for country, elements in grouped(bundle, element_labels).items():
        doc.add_heading(country_name(country) if country else "Country not stated", level=2)
        for label, items in elements.items():
            doc.add_heading(label, level=3)
            for ex, passage in items:
                doc.add_paragraph(_sentence(ex, passage), style="List Bullet")
    out = Path(out)
    doc.save(str(out))
    return out


def _index_table(doc: object, bundle: Bundle) -> None:
    table = doc.add_table(rows=1, cols=5)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, head in zip(table.rows[0].cells, ("Tab", "Description", "Source", "Date", "Pages"),
                          strict=True):
        cell.text = head
    for ex in bundle.exhibits:
        desc = ex.description + (" (Spanish; certified translation required)"
                                 if ex.needs_translation else "")
        values = (ex.tab, desc, ex.document.publisher, ex.document.published or "",
                  ex.page_range)
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value


def _sentence(ex: Exhibit, passage: Passage) -> str:
    note = " [Spanish original; certified translation required]" if ex.needs_translation else ""
    date = f" ({ex.document.published})" if ex.document.published else ""
    return (f"{ex.document.publisher}{date} reports: “{passage.text}”{note} "
            f"{pinpoint(ex, passage)}.")
