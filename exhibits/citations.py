"""Citations of a bundle as CSV and JSON rows, for case-management tools and spreadsheets.

Rows are written after the PDF is rendered, so the page ranges are those of the filed bundle.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from exhibits.model import Bundle, Document

FIELDS = ("tab", "title", "citation", "publisher", "published", "url", "retrieved_at", "sha256",
          "archive_path", "language", "passage_ids", "pages")


def official_citation(doc: Document) -> str | None:
    """The official citation when the source gives one, e.g. "84 FR 63994; FR Doc. 2019-25137"
    for a Federal Register document (None for documents without one)."""
    number = f"FR Doc. {doc.document_number}" if doc.document_number else None
    parts = [p for p in (doc.citation, number) if p]
    return "; ".join(parts) or None


def rows(bundle: Bundle) -> list[dict[str, Any]]:
    """One row per exhibit; `passage_ids` is a list (joined with spaces in the CSV)."""
    return [{"tab": ex.tab, "title": ex.document.title,
             "citation": official_citation(ex.document) or "",
             "publisher": ex.document.publisher, "published": ex.document.published or "",
             "url": ex.document.url, "retrieved_at": ex.document.retrieved_at or "",
             "sha256": ex.document.sha256, "archive_path": ex.document.archive_path,
             "language": ex.document.language, "passage_ids": ex.passage_ids,
             "pages": ex.page_range} for ex in bundle.exhibits]


def write_csv(bundle: Bundle, out: Path | str) -> Path:
    out = Path(out)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        for row in rows(bundle):
            row = {**row, "passage_ids": " ".join(row["passage_ids"])}
            writer.writerow({k: _cell(v) for k, v in row.items()})
    return out


def write_json(bundle: Bundle, out: Path | str) -> Path:
    out = Path(out)
    out.write_text(json.dumps({"title": bundle.title, "exhibits": rows(bundle)}, indent=2,
                              ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def _cell(value: str) -> str:
    """Crawled titles must not run as spreadsheet formulas (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
