"""Turn fetched bytes (HTML, PDF, plain text) into one canonical text plus its section map.

The text built here is the single source of truth that passage offsets point into, so an
exhibit can quote `text[start:end]` verbatim. Every format is reduced to blocks (headings
and paragraphs) and assembled the same way: blocks separated by blank lines, headings kept
in the text for readability but outside every section's body range, so they never become
passages. Bad input raises ExtractionError with a reason a batch report can show.

Modules: `decode` (bytes to text), `htmlpage`, `pdfdoc`, `plaintext` (one per format) and
`model` (Section, Block, Extracted and `assemble`, shared by all three).
"""

from __future__ import annotations

from core.errors import ExtractionError
from ingest.extract.decode import decode_text
from ingest.extract.htmlpage import extract_html
from ingest.extract.model import Block, Extracted, Section, assemble
from ingest.extract.pdfdoc import extract_pdf
from ingest.extract.plaintext import extract_txt

__all__ = ["MAX_BYTES", "Block", "Extracted", "Section", "assemble", "decode_text", "extract"]

MAX_BYTES = 20 * 1024 * 1024
_KINDS = {"html": "html", "htm": "html", "pdf": "pdf", "txt": "txt", "text": "txt"}


def extract(data: bytes, kind: str, url: str = "", *, content_type: str | None = None,
            max_bytes: int = MAX_BYTES) -> Extracted:
    """Extract main text and sections; `content_type` is the HTTP header, if any."""
    norm = _KINDS.get(kind.strip().lower())
    if norm is None:
        raise ExtractionError(f"unknown document kind {kind!r} (expected html, pdf or txt)")
    if len(data) > max_bytes:
        raise ExtractionError(f"document too large: {len(data):,} bytes (limit {max_bytes:,})")
    if not data.strip():
        raise ExtractionError("empty document")
    if norm == "pdf":
        result = extract_pdf(data)
    else:
        text = decode_text(data, content_type, html=norm == "html")
        if not text.strip():
            raise ExtractionError("empty document")
        result = extract_html(text, url) if norm == "html" else extract_txt(text)
    if not result.text.strip():
        raise ExtractionError(f"empty document: no {norm} text left after extraction")
    return result
