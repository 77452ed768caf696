"""The machine-readable record inside a bundle PDF, so `cckb verify` can re-check it later.

The manifest is attached to the PDF as an embedded file and repeated in the document
information dictionary, so either survives if a PDF tool drops the other.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from core.ids import sha256_bytes
from exhibits.model import Bundle

ATTACHMENT = "cckb-manifest.json"
INFO_KEY = "/CckbManifest"
FORMAT = "cckb-bundle/1"


def manifest(bundle: Bundle) -> dict[str, Any]:
    """What was quoted from which archived copy, with a hash of each verbatim quotation."""
    return {"format": FORMAT, "title": bundle.title, "exhibits": [{
        "tab": ex.tab, "document_id": ex.document.id, "url": ex.document.url,
        "title": ex.document.title, "publisher": ex.document.publisher,
        "published": ex.document.published, "retrieved_at": ex.document.retrieved_at,
        "sha256": ex.document.sha256, "archive_path": ex.document.archive_path,
        "language": ex.document.language, "pages": list(ex.pages or ()),
        "passages": [{"id": p.id, "start": p.start, "end": p.end,
                      "text_sha256": sha256_bytes(p.text.encode("utf-8")),
                      "page": ex.pinpoints.get(p.id)} for p in ex.passages],
    } for ex in bundle.exhibits]}


def embed(pdf_path: Path, data: dict[str, Any]) -> None:
    """Attach the manifest and rewrite the file atomically (bookmarks are cloned as well)."""
    from pypdf import PdfReader, PdfWriter

    blob = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    writer = PdfWriter(clone_from=PdfReader(pdf_path))
    writer.add_attachment(ATTACHMENT, blob)
    writer.add_metadata({INFO_KEY: blob.decode("utf-8")})
    fd, tmp = tempfile.mkstemp(dir=pdf_path.parent, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as fh:
            writer.write(fh)
        os.replace(tmp, pdf_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read(pdf_path: Path) -> dict[str, Any] | None:
    """The embedded manifest, or None when the PDF carries none (not a cckb bundle)."""
    from pypdf import PdfReader

    reader = PdfReader(pdf_path)
    found = reader.attachments.get(ATTACHMENT)
    if found:
        return json.loads(found[0])
    info = (reader.metadata or {}).get(INFO_KEY)
    return json.loads(str(info)) if info else None
