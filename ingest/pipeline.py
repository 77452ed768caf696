"""The one path every document takes, crawled or imported.

validate -> extract -> language -> passages -> enrichment -> archive blob -> graph (embedding
only new or changed passages) -> archive record. A document either completes or leaves nothing
behind: the graph write is one statement, and the archive record is written last.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import numpy as np

from core.errors import CckbError, ExtractionError, ValidationError
from core.ids import canonical_url, document_id, make_id, passage_id, sha256_bytes
from core.models import DocumentItem, DocumentRecord, PassageRecord
from core.taxonomy import strip_accents, term_patterns
from embeddings.embedder import Embedder
from embeddings.segment import Segment, segment
from graph import queries as Q
from graph.loader import LoadCounts, load_documents
from graph.store import GraphStore
from ingest.archive import Archive
from ingest.enrich import Enricher
from ingest.extract import Extracted, extract
from ingest.language import detect_language

log = logging.getLogger(__name__)
MAX_BYTES = 20 * 1024 * 1024
BATCH_PASSAGES = 256  # passages encoded together across documents
PIPELINE_REVISION = "1"  # bump when extraction or segmentation changes what a document yields
_SUFFIX_KIND = {".pdf": "pdf", ".html": "html", ".htm": "html", ".txt": "txt", ".md": "txt"}


@dataclass
class Failure:
    where: str
    reason: str


@dataclass
class Prepared:
    """One document extracted and segmented, waiting for its passages' vectors."""

    item: DocumentItem
    data: bytes
    kind: str
    extracted: Extracted
    segments: list[Segment]
    doc_id: str
    where: str = ""


@dataclass
class _Batch:
    """Documents whose passages are being encoded together."""

    docs: list[Prepared]
    vectors: Future[np.ndarray]


@dataclass
class IngestReport:
    counts: LoadCounts = field(default_factory=LoadCounts)
    failures: list[Failure] = field(default_factory=list)
    documents: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures


def item_kind(item: DocumentItem) -> tuple[bytes, str]:
    """The original bytes of the item and how to read them."""
    if item.pdf:
        return item.pdf, "pdf"
    if item.html:
        return item.html.encode("utf-8"), "html"
    if item.text:
        return item.text.encode("utf-8"), "txt"
    ctype = (item.content_type or "").lower()
    if "pdf" in ctype:
        return item.raw or b"", "pdf"
    if "html" in ctype or "xml" in ctype:
        return item.raw or b"", "html"
    if ctype.startswith("text/"):
        return item.raw or b"", "txt"
    path = item.url.split("?")[0].lower()
    for suffix, kind in _SUFFIX_KIND.items():
        if path.endswith(suffix):
            return item.raw or b"", kind
    return item.raw or b"", "html"


def infer_countries(enricher: Enricher, text: str, min_mentions: int = 3) -> list[str]:
    """Countries a file without metadata is about: those named at least `min_mentions` times."""
    names = term_patterns(enricher.taxonomy).countries
    counts = Counter(names.code_for(m.group()) for m in names.pattern.finditer(strip_accents(text)))
    return sorted(code for code, n in counts.items() if n >= min_mentions)


class Ingestor:
    def __init__(self, store: GraphStore, archive: Archive, embedder: Embedder,
                 enricher: Enricher, max_bytes: int = MAX_BYTES,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.store, self.archive, self.embedder = store, archive, embedder
        self.enricher, self.max_bytes, self.now = enricher, max_bytes, now

    def ingest(self, items: Iterable[tuple[str, DocumentItem | CckbError]],
               progress: Callable[[str], None] | None = None,
               batch_passages: int = BATCH_PASSAGES) -> IngestReport:
        """Ingest each item; a bad one is reported by `where` and the rest continue.

        Documents are read, extracted and segmented one by one, and their passages are encoded
        together, up to `batch_passages` at a time across documents (the encoder's rate needs
        large batches; most documents have a handful of passages). One batch is encoded while
        the previous one is enriched and written. Each document is still written whole or not
        at all, in input order."""
        report = IngestReport()
        pending: list[Prepared] = []
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="encode") as encoder:
            flight: _Batch | None = None
            for where, item in items:
                if progress:
                    progress(where)
                if isinstance(item, CckbError):
                    report.failures.append(Failure(where, str(item)))
                    continue
                doc_id = document_id(item.url)
                if any(p.doc_id == doc_id for p in [*pending, *(flight.docs if flight else [])]):
                    # the same document twice: write everything before it, as one by one
                    flight = self._finish(self._launch(encoder, pending, flight, report),
                                          report)
                prepared = self._guarded(report, where, self.prepare, item)
                if isinstance(prepared, LoadCounts):
                    report.counts.merge(prepared)
                    report.documents += 1
                elif prepared is not None:
                    prepared.where = where
                    pending.append(prepared)
                    if sum(len(p.segments) for p in pending) >= batch_passages:
                        flight = self._launch(encoder, pending, flight, report)
            self._finish(self._launch(encoder, pending, flight, report), report)
        return report

    def _launch(self, encoder: ThreadPoolExecutor, pending: list[Prepared],
                flight: _Batch | None, report: IngestReport) -> _Batch | None:
        """Start encoding the pending documents, then write the batch before them (its
        vectors are ready or nearly so); returns the batch now being encoded."""
        batch = None
        if pending:
            texts = [s.text for p in pending for s in p.segments]
            batch = _Batch(list(pending), encoder.submit(self.embedder.encode, texts))
            pending.clear()
        self._finish(flight, report)
        return batch

    def _finish(self, batch: _Batch | None, report: IngestReport) -> None:
        """Write each document of an encoded batch, in order; None: nothing to do."""
        if batch is None:
            return
        try:
            vectors = batch.vectors.result()
        except Exception:  # noqa: BLE001 - retried one document at a time to name the bad one
            log.warning("batch encode of %d documents failed; encoding per document",
                        len(batch.docs))
            vectors = None
        start = 0
        for prepared in batch.docs:
            n = len(prepared.segments)
            own = vectors[start:start + n] if vectors is not None else None
            start += n
            counts = self._guarded(report, prepared.where, self.finish, prepared, own)
            if counts is not None:
                report.counts.merge(counts)
                report.documents += 1

    @staticmethod
    def _guarded(report: IngestReport, where: str, step: Callable[..., Any],
                 *args: Any) -> Any:
        """Run one document's step; its failure is reported by `where` and returns None."""
        try:
            return step(*args)
        except CckbError as exc:
            report.failures.append(Failure(where, str(exc)))
        except Exception as exc:  # noqa: BLE001 - a bug on one document must not stop the batch
            log.exception("internal error on %s", where)
            report.failures.append(Failure(where, f"internal error: {type(exc).__name__}: "
                                                  f"{exc}"))
        return None

    def ingest_item(self, item: DocumentItem) -> LoadCounts:
        prepared = self.prepare(item)
        return prepared if isinstance(prepared, LoadCounts) else self.finish(prepared)

    def prepare(self, item: DocumentItem) -> Prepared | LoadCounts:
        """Check, extract and segment one document; a noop (LoadCounts) when its bytes are
        unchanged through the same pipeline."""
        data, kind = item_kind(item)
        if len(data) > self.max_bytes:
            raise ExtractionError(f"document too large: {len(data):,} bytes "
                                  f"(limit {self.max_bytes:,})")
        doc_id = document_id(item.url)
        unchanged = self._unchanged(doc_id, sha256_bytes(data))
        if unchanged is not None:
            return unchanged
        extracted = extract(data, kind, item.url, content_type=item.content_type,
                            max_bytes=self.max_bytes)
        segments = segment(extracted)
        if not segments:
            raise ExtractionError("no text passages found")
        return Prepared(item, data, kind, extracted, segments, doc_id)

    def finish(self, prepared: Prepared, vectors: np.ndarray | None = None) -> LoadCounts:
        """Enrich, archive and write one prepared document (`vectors`: its passages' vectors,
        when encoded in a batch with other documents)."""
        item, data = prepared.item, prepared.data
        record = self.build_record(item, data, prepared.extracted, prepared.segments, vectors)
        digest, _ = self.archive.put_blob(data)
        if digest != record.sha256:
            raise ValidationError(f"{item.url}: archive hash mismatch")
        counts = load_documents(self.store, [record], embed=self._embed)
        self.archive.put_record(record.id, self.archive_entry(item, record, prepared.kind))
        return counts

    @cached_property
    def pipeline_version(self) -> str:
        """Changes when the bytes would be processed differently: a re-import then redoes them."""
        taxonomy = json.dumps(self.enricher.taxonomy.model_dump(), sort_keys=True, default=str)
        return make_id("pipe", PIPELINE_REVISION, self.embedder.name, taxonomy)

    def _unchanged(self, doc_id: str, sha: str) -> LoadCounts | None:
        """Same bytes through the same pipeline: a noop without extracting or embedding."""
        rows = self.store.execute(Q.document_state(doc_id))
        if not rows or rows[0]["sha256"] != sha or rows[0]["pipeline"] != self.pipeline_version:
            return None
        # A crash between the graph write and the archive record leaves the graph current but
        # the record missing (or stale): redo the document so the record is written.
        record = self.archive.get_record(doc_id)
        if record is None or record.get("sha256") != sha:
            return None
        counts = LoadCounts()
        counts.add("Document", "noop")
        counts.add("Passage", "noop", int(rows[0]["passages"]))
        return counts

    def _embed(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.encode(texts).tolist()

    def build_record(self, item: DocumentItem, data: bytes, extracted: Extracted,
                     segments: list[Segment] | None = None,
                     vectors: np.ndarray | None = None) -> DocumentRecord:
        segments = segment(extracted) if segments is None else segments
        if not segments:
            raise ExtractionError("no text passages found")
        language = item.language or extracted.language or detect_language(extracted.text)
        countries = item.countries or infer_countries(self.enricher, extracted.text)
        if not countries:
            raise ValidationError("no countries: give them in the metadata (e.g. --country HN)")
        doc_id = document_id(item.url)
        texts = [s.text for s in segments]
        if vectors is None or len(vectors) != len(texts):
            vectors = self.embedder.encode(texts)
        enrichments = self.enricher.enrich(texts, countries, vectors=vectors)
        now = self.now().isoformat(timespec="seconds")
        sha = sha256_bytes(data)
        passages = [
            PassageRecord(
                id=passage_id(doc_id, s.ordinal, s.text), text=s.text, section=s.section,
                ordinal=s.ordinal, start=s.start, end=s.end,
                language=detect_language(s.text, hint=language),
                countries=e.countries, nationalities=e.nationalities,
                risk_factors=e.risk_factors, actors=e.actors, elements=e.elements,
                embedding=v.tolist())
            for s, e, v in zip(segments, enrichments, vectors, strict=True)
        ]
        return DocumentRecord(
            id=doc_id, url=canonical_url(item.url), title=item.title or extracted.title or "",
            publisher=item.publisher, source_id=item.source_id,
            published=(item.published.isoformat() if item.published else extracted.published),
            retrieved_at=(item.retrieved_at.isoformat(timespec="seconds")
                          if item.retrieved_at else now),
            first_seen=now, last_seen=now, language=language, sha256=sha,
            archive_path=str(self.archive.blob_path(sha).relative_to(self.archive.root)),
            edition_note=item.edition_note, original_url=item.original_url,
            intermediary=item.intermediary, citation=item.citation,
            document_number=item.document_number, pipeline=self.pipeline_version,
            countries=countries, passages=passages)

    def archive_entry(self, item: DocumentItem, record: DocumentRecord, kind: str) -> dict:
        """What `rebuild` needs to redo this document from the blob alone."""
        return {"id": record.id, "url": item.url, "title": item.title, "kind": kind,
                "publisher": item.publisher, "countries": record.countries,
                "language": item.language, "published": item.published,
                "source_id": item.source_id, "content_type": item.content_type,
                "edition_note": item.edition_note, "original_url": item.original_url,
                "intermediary": item.intermediary, "citation": item.citation,
                "document_number": item.document_number, "sha256": record.sha256,
                "retrieved_at": record.retrieved_at}


def reembed_all(store: GraphStore, embedder: Embedder, batch: int = 256) -> int:
    """Re-embed every passage with `embedder` (after a model change); returns how many."""
    after, done = "", 0
    while True:
        rows = store.execute(Q.passage_texts(after, batch))
        if not rows:
            return done
        vectors = embedder.encode([r["text"] for r in rows]).tolist()
        store.execute(Q.set_embeddings(store.dialect, [
            {"id": r["id"], "embedding": v} for r, v in zip(rows, vectors, strict=True)]))
        after, done = rows[-1]["id"], done + len(rows)
