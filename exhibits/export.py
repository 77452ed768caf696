"""One call from passage ids to every output file: the CLI and the UI both go through here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import ValidationError
from exhibits.citations import write_csv, write_json
from exhibits.collect import build_bundle
from exhibits.docx import render_docx
from exhibits.model import Bundle, Caption, Translation
from exhibits.pdf import render_pdf

TEXT_SUFFIXES = {".txt", ".text", ".md"}


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
                  descriptions: Mapping[str, str] | None = None,
                  translations: Mapping[str, Path] | None = None) -> Bundle:
    """Build the bundle from the graph and archive, render the PDF, then the companions.

    `translations` maps an exhibit (tab letter, document URL or id) to the filer's English
    translation (text or PDF); it is read before anything is written.
    """
    bundle = build_bundle(kb, passage_ids, descriptions, title)
    attach_translations(bundle, translations or {})
    outputs.written.append(render_pdf(bundle, outputs.pdf, caption, full_text))
    if outputs.docx:
        labels = {e.id: e.label.en for e in kb.taxonomy.legal_elements}
        outputs.written.append(render_docx(bundle, outputs.docx, labels))
    if outputs.csv:
        outputs.written.append(write_csv(bundle, outputs.csv))
    if outputs.json:
        outputs.written.append(write_json(bundle, outputs.json))
    return bundle


def attach_translations(bundle: Bundle, files: Mapping[str, Path]) -> None:
    """Give each named foreign-language exhibit its translation; any bad key or file is an
    error naming it, raised before a page is written."""
    for key, path in files.items():
        key = key.strip()
        ex = next((e for e in bundle.exhibits
                   if key in (e.tab, e.document.url, e.document.id)), None)
        if ex is None:
            raise ValidationError(f"--translation for no exhibit in this bundle: {key!r} "
                                  "(use the tab letter, the document URL or the document id)")
        if not ex.needs_translation:
            raise ValidationError(f"--translation {key}: Exhibit {ex.tab} is already in "
                                  "English")
        ex.translation = read_translation(Path(path))


def read_translation(path: Path) -> Translation:
    """A translation's paragraphs from a text file (blank-line separated) or a PDF's text."""
    if not path.is_file():
        raise ValidationError(f"translation file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        text = _pdf_text(path)
    elif suffix in TEXT_SUFFIXES:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValidationError(f"cannot read translation {path.name} as UTF-8 text: "
                                  f"{exc}") from exc
    else:
        raise ValidationError(f"translation {path.name}: give a .txt or .pdf file")
    paragraphs = tuple(" ".join(block.split()) for block in text.replace("\r", "").split("\n\n")
                       if block.strip())
    if not paragraphs:
        raise ValidationError(f"translation {path.name} contains no text")
    return Translation(path.name, paragraphs)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        return "\n\n".join((page.extract_text() or "") for page in reader.pages)
    except (PdfReadError, OSError, ValueError) as exc:
        raise ValidationError(f"translation {path.name} is not a readable PDF ({exc})") from exc
