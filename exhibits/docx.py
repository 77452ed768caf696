"""A Word index of exhibits and a draft summary of country conditions, for the advocate to edit.

The summary only quotes verbatim (the archived passage, in quotation marks) and cites each
quotation to its exhibit and bundle page ("Ex. C at 4"); the argument itself is the advocate's.
Render the PDF first so page numbers are known.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from core.countries import country_name
from core.editions import dating
from exhibits.model import Bundle, Exhibit, Passage

SUPPORT_MIN = 0.5
OTHER = "Other evidence"


def pinpoint(ex: Exhibit, passage: Passage) -> str:
    page = ex.pinpoints.get(passage.id)
    return f"Ex. {ex.tab} at {page}" if page else f"Ex. {ex.tab}"


def _label(labels: Mapping[str, str], element: str) -> str:
    return labels.get(element, element.replace("_", " ").capitalize())


def grouped(bundle: Bundle, labels: Mapping[str, str] | None = None,
            ) -> dict[str, dict[str, list[tuple[Exhibit, Passage, tuple[str, ...]]]]]:
    """country -> element label -> (exhibit, passage, labels of the other elements it supports).

    Each passage is listed once per country, under its strongest supported element (passages
    arrive with their elements strongest first); the others are named, not quoted again.
    Elements come in `labels` order, OTHER last.
    """
    labels = labels or {}
    out: dict[str, dict[str, list[tuple[Exhibit, Passage, tuple[str, ...]]]]] = {}
    for ex in bundle.exhibits:
        for p in ex.passages:
            supported = [e for e, score in p.elements if score >= SUPPORT_MIN]
            names = list(dict.fromkeys(_label(labels, e) for e in supported)) or [OTHER]
            first, also = names[0], tuple(names[1:])
            for country in p.countries or ("",):
                out.setdefault(country, {}).setdefault(first, []).append((ex, p, also))
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
            for ex, passage, also in items:
                doc.add_paragraph(_sentence(ex, passage, also), style="List Bullet")
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
        note = translation_note(ex)
        desc = ex.description + (f" ({note})" if note else "")
        values = (ex.tab, desc, ex.document.publisher, date_shown(ex), ex.page_range)
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value


def translation_note(ex: Exhibit) -> str:
    """'French original; English translation attached at Ex. B at 5-6', or that a certified
    translation is required and not attached; '' for an English (or undetermined) exhibit."""
    if not ex.needs_translation:
        return ""
    if ex.translation is None:
        return f"{ex.language_name} original; certified English translation required, not attached"
    where = f"Ex. {ex.tab}"
    if ex.translation_pages:
        first, last = ex.translation_pages
        where += f" at {first}" if first == last else f" at {first}-{last}"
    return f"{ex.language_name} original; English translation attached at {where}"


def date_shown(ex: Exhibit) -> str:
    """The publication date as recorded, else the estimated edition with its note."""
    doc = ex.document
    if doc.published:
        return str(doc.published)
    return dating(None, doc.title, doc.url)[1]


def _sentence(ex: Exhibit, passage: Passage, also: tuple[str, ...] = ()) -> str:
    note = translation_note(ex)
    note = f" [{note}]" if note else ""
    suffix = f" Also relevant to: {', '.join(also)}." if also else ""
    return (f"{ex.document.publisher} ({date_shown(ex)}) reports: “{passage.text}”{note} "
            f"{pinpoint(ex, passage)}.{suffix}")
