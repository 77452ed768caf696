"""Build a bundle from passage ids: the graph says which documents and offsets, the archive
supplies the exact bytes, and the one extraction path rebuilds the text the offsets point into.

A quote that cannot be found verbatim in the verified archived copy stops the export: an exhibit
that misquotes its source is worse than no exhibit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from core.errors import CckbError, ValidationError
from exhibits.model import Bundle, Document, Exhibit, Passage, tab_letter
from graph.queries import exhibit_passages
from graph.store import GraphStore
from ingest.archive import Archive
from ingest.extract import Extracted, extract


class ExhibitError(CckbError):
    """An exhibit cannot be built faithfully from the archive."""


class KBLike(Protocol):
    store: GraphStore
    archive: Archive


def build_bundle(kb: KBLike, passage_ids: list[str],
                 descriptions: Mapping[str, str] | None = None, title: str | None = None,
                 ) -> Bundle:
    """Exhibits in the order their documents first appear in `passage_ids`.

    `descriptions` sets the description printed in the table of contents (default: the
    document title) per exhibit, keyed by its tab letter ("A"), document URL or document id;
    a key that names no exhibit is an error, so a typo never silently drops a description.
    """
    ids = list(dict.fromkeys(pid.strip() for pid in passage_ids if pid.strip()))
    if not ids:
        raise ValidationError("no passage ids to export")
    rows = {row["id"]: row for row in kb.store.execute(exhibit_passages(ids))}
    missing = [pid for pid in ids if pid not in rows]
    if missing:
        raise ValidationError(f"unknown passage id(s): {', '.join(missing[:5])}")
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for pid in ids:
        by_doc.setdefault(rows[pid]["doc_id"], []).append(rows[pid])
    wanted = {key.strip(): value.strip() for key, value in (descriptions or {}).items()}
    docs = [_document(doc_rows[0]) for doc_rows in by_doc.values()]
    keys = [(tab_letter(i), doc.url, doc.id) for i, doc in enumerate(docs)]
    unknown = sorted(set(wanted) - {key for triple in keys for key in triple})
    if unknown:
        raise ValidationError(f"description for no exhibit in this bundle: {', '.join(unknown)} "
                              "(use the tab letter, the document URL or the document id)")
    if any(not value for value in wanted.values()):
        raise ValidationError("an exhibit description must not be empty")
    exhibits = []
    for doc, doc_rows, (tab, url, doc_id) in zip(docs, by_doc.values(), keys, strict=True):
        text, extracted = source_text(kb.archive, doc)
        passages = sorted((_passage(row, text, extracted) for row in doc_rows),
                          key=lambda p: p.start)
        description = wanted.get(tab) or wanted.get(url) or wanted.get(doc_id) or doc.title
        exhibits.append(Exhibit(tab, description, doc, passages, text))
    bundle = Bundle(exhibits)
    if title:
        bundle.title = title
    return bundle


def source_text(archive: Archive, doc: Document) -> tuple[str, Extracted]:
    """Re-extract the archived copy; `get_blob` refuses a copy whose hash does not match."""
    record = archive.get_record(doc.id) or {}
    try:
        data = archive.get_blob(doc.sha256)
    except FileNotFoundError as exc:
        raise ExhibitError(f"archived copy of {doc.url} is missing ({doc.sha256})") from exc
    except ValueError as exc:
        raise ExhibitError(f"archived copy of {doc.url} is corrupt: {exc}") from exc
    extracted = extract(data, record.get("kind") or "txt", doc.url,
                        content_type=record.get("content_type"))
    return extracted.text, extracted


def _passage(row: dict[str, Any], text: str, extracted: Extracted) -> Passage:
    start, end, quote = int(row["start_offset"]), int(row["end_offset"]), row["text"]
    if text[start:end] != quote:
        start = text.find(quote)
        if start < 0:
            raise ExhibitError(f"passage {row['id']} is not found verbatim in the archived copy "
                               f"of {row['url']}; run `cckb rebuild`")
        end = start + len(quote)
    elements = tuple(sorted(((e, float(s or 0)) for e, s in row.get("elements") or []),
                            key=lambda pair: -pair[1]))
    return Passage(row["id"], quote, start, end, row.get("section") or "",
                   tuple(sorted(set(row.get("countries") or []))), elements,
                   tuple(extracted.page_numbers(start, end)) if extracted.pages else ())


def _document(row: dict[str, Any]) -> Document:
    return Document(
        id=row["doc_id"], url=row["url"], title=row["title"], publisher=row["publisher"],
        sha256=row["sha256"], published=row.get("published"),
        retrieved_at=row.get("retrieved_at"), archive_path=row.get("archive_path") or "",
        language=row.get("doc_language") or row.get("language") or "und",
        edition_note=row.get("edition_note"), original_url=row.get("original_url"),
        intermediary=row.get("intermediary"), citation=row.get("citation"),
        document_number=row.get("document_number"))


def ids_from_search(result: Mapping[str, Any], top: int | None = None) -> list[str]:
    """Passage ids of a `cckb search --json` result, best first per country (`top` each)."""
    ids: list[str] = []
    for block in result.get("countries", []):
        evidence = block.get("evidence", [])
        ids += [item["passage_id"] for item in evidence[:top] if item.get("passage_id")]
    return list(dict.fromkeys(ids))
