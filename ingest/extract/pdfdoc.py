"""PDF: pypdf text per page, re-flowed into paragraphs with page offsets for pinpoint cites."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from core.errors import ExtractionError
from ingest.extract.model import Block, Extracted, assemble, clean, iso_lang
from ingest.extract.plaintext import is_caps_heading

_TERMINAL = tuple('.!?:;"”)')
_PAGE_NO = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.I)
_PDF_HEADING = re.compile(
    r"^(section \d+[.:]?|chapter \d+|[a-z]\.|[ivx]+\.|\d+(\.\d+)*\.?)\s", re.I)


def extract_pdf(data: bytes) -> Extracted:
    pages, meta, warnings = _pdf_pages(data)
    if not any(p.strip() for p in pages):
        raise ExtractionError("PDF has no extractable text (scanned images? needs OCR)")
    body, sections, ranges = assemble(_pdf_blocks(pages), len(pages))
    return Extracted(body, sections, meta.get("title"), None, meta.get("language"), "pdf",
                     ranges, warnings)


def _pdf_pages(data: bytes) -> tuple[list[str], dict[str, str], list[str]]:
    from pypdf import PasswordType, PdfReader

    if b"%PDF-" not in data[:1024]:
        raise ExtractionError("not a PDF / corrupt: no %PDF- header")
    pages: list[str] = []
    warnings: list[str] = []
    encrypted = False
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        if encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise ExtractionError("encrypted PDF: cannot be opened without a password")
        for number, page in enumerate(reader.pages, 1):
            try:
                pages.append(page.extract_text() or "")
            except Exception as exc:  # noqa: BLE001 - one bad page must not sink the rest
                warnings.append(f"page {number}: text extraction failed ({exc})")
                pages.append("")
        meta = _pdf_metadata(reader)
    except ExtractionError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for broken files
        reason = "encrypted PDF" if encrypted else "not a PDF / corrupt"
        raise ExtractionError(f"{reason}: {type(exc).__name__}: {exc}") from exc
    if not pages:
        raise ExtractionError("not a PDF / corrupt: no pages")
    return pages, meta, warnings


def _pdf_metadata(reader: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    title = clean(str((reader.metadata or {}).get("/Title") or ""))
    if title and not re.match(r"(microsoft word|untitled|document\d*$)", title, re.I):
        meta["title"] = title
    lang = iso_lang(str(reader.trailer["/Root"].get("/Lang") or ""))
    if lang:
        meta["language"] = lang
    return meta


def _pdf_blocks(pages: list[str]) -> list[Block]:
    """Re-flow PDF lines into paragraphs, dropping running headers/footers and page numbers."""
    lines = [[clean(ln) for ln in page.splitlines()] for page in pages]
    repeated = _running_lines(lines)
    widths = sorted(len(ln) for page in lines for ln in page if ln)
    median = widths[len(widths) // 2] if widths else 0
    blocks: list[Block] = []
    para = _Paragraph()
    for number, page in enumerate(lines):
        for line in page:
            if _PAGE_NO.match(line) or _margin_key(line) in repeated:
                continue
            level = _heading_level(line, median) if para.ended() else 0
            if not line or level:
                para.flush(blocks)
            if level:
                blocks.append(Block(line, level, ((number, 0),)))
            elif line:
                para.add(line, number)
                if line.endswith(_TERMINAL) and len(line) < 0.8 * median:
                    para.flush(blocks)
        if para.parts and para.ended():  # a page ending mid-sentence continues on the next
            para.flush(blocks)
    para.flush(blocks)
    return blocks


@dataclass
class _Paragraph:
    """Lines being re-flowed into one paragraph, with the offset where each page starts."""

    parts: list[str] = field(default_factory=list)
    size: int = 0
    marks: list[tuple[int, int]] = field(default_factory=list)

    def ended(self) -> bool:
        return not self.parts or self.parts[-1].endswith(_TERMINAL)

    def add(self, line: str, page: int) -> None:
        """Join with a space; after "self-" + "reported" keep the hyphen and add no space."""
        if self.parts and not (self.parts[-1].endswith("-") and line[:1].islower()):
            self.parts.append(" ")
            self.size += 1
        if not self.marks or self.marks[-1][0] != page:
            self.marks.append((page, self.size))
        self.parts.append(line)
        self.size += len(line)

    def flush(self, blocks: list[Block]) -> None:
        if self.parts:  # lines were cleaned on input, so marks are exact offsets
            blocks.append(Block("".join(self.parts), 0, tuple(self.marks)))
        self.parts, self.size, self.marks = [], 0, []


def _margin_key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines repeated in the top/bottom 3 lines of at least half the pages (2+ pages)."""
    counts: Counter[str] = Counter()
    for page in pages:
        edge = [ln for ln in page if ln]
        counts.update({_margin_key(ln) for ln in edge[:3] + edge[-3:]})
    needed = max(2, (len(pages) + 1) // 2)
    return {key for key, n in counts.items() if n >= needed and key}


def _heading_level(line: str, median: int) -> int:
    """1 for ALL CAPS or "Section 2."; 2 for Title Case lines that are lettered or short.

    The length test keeps full-width wrapped lines full of proper nouns ("the National
    Autonomous University of Honduras") from being mistaken for headings.
    """
    if len(line) > 100 or line.endswith(tuple(".,;:")) or sum(c.isalpha() for c in line) < 3:
        return 0
    words = [w for w in re.findall(r"[^\W\d_]+", line) if len(w) >= 4]
    titled = bool(words) and sum(w[0].isupper() for w in words) >= 0.75 * len(words)
    if is_caps_heading(line) or (titled and re.match(r"(section|chapter) \d", line, re.I)):
        return 1
    short = line[0].isupper() and len(line) < 0.7 * median
    return 2 if titled and (short or _PDF_HEADING.match(line)) else 0
