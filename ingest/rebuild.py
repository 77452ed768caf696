"""Items to rebuild the graph from the raw archive alone (`cckb rebuild`)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import ValidationError as PydanticError

from core.errors import CckbError, ValidationError
from core.models import DocumentItem
from ingest.archive import Archive

_CONTENT_TYPE = {"pdf": "application/pdf", "html": "text/html", "txt": "text/plain"}


def archived_items(archive: Archive) -> Iterator[tuple[str, DocumentItem | CckbError]]:
    for rec in archive.iter_records():
        where = rec.get("url", "?")
        try:
            data = archive.get_blob(rec["sha256"])
        except (OSError, ValueError, KeyError) as exc:
            yield where, ValidationError(f"archived copy unusable: {exc}")
            continue
        fields = {k: rec.get(k) for k in ("url", "title", "publisher", "countries", "language",
                                          "published", "source_id", "edition_note",
                                          "original_url", "intermediary", "citation",
                                          "document_number", "retrieved_at")}
        fields["content_type"] = rec.get("content_type") or _CONTENT_TYPE[rec["kind"]]
        try:
            yield where, DocumentItem.model_validate(
                {k: v for k, v in fields.items() if v is not None} | {"raw": data})
        except PydanticError as exc:
            yield where, ValidationError(f"archived record invalid: {exc.errors()[0]['msg']}")
