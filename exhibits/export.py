"""One call from passage ids to every output file: the CLI and the UI both go through here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exhibits.citations import write_csv, write_json
from exhibits.collect import build_bundle
from exhibits.docx import render_docx
from exhibits.model import Bundle, Caption
from exhibits.pdf import render_pdf


@dataclass
class Outputs:
    """Where to write; only `pdf` is required (the other files need its page numbers)."""

    pdf: Path
    docx: Path | None = None
    csv: Path | None = None
    json: Path | None = None
    written: list[Path] = field(default_factory=list)


def export_bundle(kb: Any, passage_ids: list[str], outputs: Outputs,
                  caption: Caption | None = None, full_text: bool = False,
                  title: str | None = None,
                  descriptions: Mapping[str, str] | None = None) -> Bundle:
    """Build the bundle from the graph and archive, render the PDF, then the companions."""
    bundle = build_bundle(kb, passage_ids, descriptions, title)
    outputs.written.append(render_pdf(bundle, outputs.pdf, caption, full_text))
    if outputs.docx:
        labels = {e.id: e.label.en for e in kb.taxonomy.legal_elements}
        outputs.written.append(render_docx(bundle, outputs.docx, labels))
    if outputs.csv:
        outputs.written.append(write_csv(bundle, outputs.csv))
    if outputs.json:
        outputs.written.append(write_json(bundle, outputs.json))
    return bundle
