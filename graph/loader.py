"""Idempotent upserts with insert / update / noop (and delete) counts per node type.

Each node carries `fp`, a fingerprint of its properties and links; a record whose fingerprint
is unchanged is not written at all, so loading the same input twice reports only noops.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from pydantic import ValidationError as PydanticError

from core.countries import COUNTRIES
from core.errors import ValidationError
from core.models import DocumentRecord, PassageRecord, StatisticRecord
from graph import queries as Q
from graph.store import GraphStore

DOC_PROPS = ("url", "title", "publisher", "published", "retrieved_at", "first_seen", "last_seen",
             "language", "sha256", "archive_path", "edition_note", "original_url", "intermediary",
             "citation", "document_number", "pipeline")
VOLATILE = ("retrieved_at", "last_seen", "first_seen")
PASSAGE_PROPS = ("text", "section", "ordinal", "start", "end", "language")


class LoadCounts:
    def __init__(self) -> None:
        self.by_type: dict[str, Counter] = {}

    def add(self, label: str, outcome: str, n: int = 1) -> None:
        self.by_type.setdefault(label, Counter())[outcome] += n

    def merge(self, other: LoadCounts) -> None:
        for label, counter in other.by_type.items():
            self.by_type.setdefault(label, Counter()).update(counter)

    def as_dict(self) -> dict[str, dict[str, int]]:
        keys = ("insert", "update", "noop", "delete")
        return {label: {k: c.get(k, 0) for k in keys} for label, c in sorted(self.by_type.items())}

    def only_noops(self) -> bool:
        return all(c.get("insert", 0) == c.get("update", 0) == c.get("delete", 0) == 0
                   for c in self.by_type.values())


def fingerprint(payload: object) -> str:
    blob = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()


def validate(records: Iterable[DocumentRecord | dict],
             need_embeddings: bool = True) -> list[DocumentRecord]:
    """Validate every record before anything is written; the first bad one raises."""
    out = []
    for i, rec in enumerate(records):
        if isinstance(rec, DocumentRecord):
            rec = rec.model_dump()
        try:
            doc = DocumentRecord.model_validate(rec)
        except PydanticError as exc:
            raise ValidationError(f"document record {i}: {_first_error(exc)}") from None
        for p in doc.passages if need_embeddings else ():
            if p.embedding is None:
                raise ValidationError(f"document record {i}: passage {p.id} has no embedding")
        out.append(doc)
    return out


def _first_error(exc: PydanticError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(x) for x in err["loc"])
    return f"{where}: {err['msg']}"


Embed = Callable[[list[str]], Sequence[Sequence[float]]]


def load_documents(store: GraphStore, records: Iterable[DocumentRecord | dict],
                   embed: Embed | None = None) -> LoadCounts:
    """Upsert documents with their passages; each document is written in one statement.

    With `embed`, passages may come without embeddings: only the passages that must be written
    (new or changed) are embedded, so re-loading unchanged input costs no model time.
    """
    docs = validate(records, need_embeddings=embed is None)
    counts = LoadCounts()
    if not docs:
        return counts
    _upsert_simple(store, counts, "Country", "iso2", _country_rows(docs), Q.upsert_countries)
    _upsert_simple(store, counts, "Source", "id", _source_rows(docs), Q.upsert_sources)
    existing_docs = _fps(store, "Document", [d.id for d in docs])
    existing_passages: dict[str, dict[str, str]] = {}
    for row in store.execute(Q.document_passage_ids([d.id for d in docs])):
        existing_passages.setdefault(row["doc"], {})[row["id"]] = row["fp"]
    for doc in docs:
        _load_one(store, counts, doc, existing_docs.get(doc.id),
                  existing_passages.get(doc.id, {}), embed)
    return counts


def _load_one(store: GraphStore, counts: LoadCounts, doc: DocumentRecord, old_fp: str | None,
              old_passages: dict[str, str], embed: Embed | None) -> None:
    props = {k: getattr(doc, k) for k in DOC_PROPS}
    doc_fp = fingerprint({"props": {k: v for k, v in props.items() if k not in VOLATILE},
                          "source": doc.source_id, "countries": sorted(doc.countries)})
    new_passages = [_passage_row(p) for p in doc.passages]
    changed = [p for p in new_passages if old_passages.get(p["id"]) != p["props"]["fp"]]
    keep = [p["id"] for p in new_passages]
    removed = len(set(old_passages) - set(keep))
    if old_fp == doc_fp and not changed and not removed:
        counts.add("Document", "noop")
        counts.add("Passage", "noop", len(new_passages))
        return
    missing = [p for p in changed if p["embedding"] is None]
    if missing:
        if embed is None:
            raise ValidationError(f"document {doc.id}: passages without embeddings")
        vectors = embed([p["props"]["text"] for p in missing])
        for p, vector in zip(missing, vectors, strict=True):
            p["embedding"] = [float(x) for x in vector]
    if old_fp is not None:
        # an existing document keeps first_seen; its other volatile fields move on
        props.pop("first_seen")
    props["fp"] = doc_fp
    payload = {"id": doc.id, "props": props, "source_id": doc.source_id,
               "countries": sorted(doc.countries)}
    store.execute(Q.write_document(store.dialect, payload, keep, changed))
    counts.add("Document", "insert" if old_fp is None else "update")
    for p in changed:
        counts.add("Passage", "update" if p["id"] in old_passages else "insert")
    counts.add("Passage", "noop", len(new_passages) - len(changed))
    counts.add("Passage", "delete", removed)


def _passage_row(p: PassageRecord) -> dict:
    props = {k: getattr(p, k) for k in PASSAGE_PROPS}
    links = {
        "countries": [{"id": c, "score": 1.0} for c in sorted(set(p.countries))],
        "nationalities": [{"id": c, "score": 1.0} for c in sorted(set(p.nationalities))],
        "risk_factors": [{"id": k, "score": round(v, 4)}
                         for k, v in sorted(p.risk_factors.items())],
        "actors": [{"id": a, "score": 1.0} for a in sorted(set(p.actors))],
        "elements": [{"id": k, "score": round(v, 4)} for k, v in sorted(p.elements.items())],
    }
    # the embedding is a function of the text and the model (a model change re-embeds all),
    # so it stays out of the fingerprint: float noise between runs is not a change
    props["fp"] = fingerprint({"props": props, "links": links})
    emb = [float(x) for x in p.embedding] if p.embedding is not None else None
    return {"id": p.id, "props": props, "embedding": emb, **links}


def _country_rows(docs: list[DocumentRecord]) -> list[dict]:
    codes = set()
    for d in docs:
        codes.update(d.countries)
        for p in d.passages:
            codes.update(p.countries)
            codes.update(p.nationalities)
    rows = []
    for code in sorted(codes):
        if code not in COUNTRIES:
            raise ValidationError(f"unknown country code {code!r}")
        name = COUNTRIES[code]["name"]
        rows.append({"iso2": code, "name": name, "fp": fingerprint({"name": name})})
    return rows


def _source_rows(docs: list[DocumentRecord]) -> list[dict]:
    """A source is where we collect from (a crawl source, an import); its publisher is set only
    when the source has one (an import may carry many: those stay on each document)."""
    seen: dict[str, dict] = {}
    for d in docs:
        row = {"id": d.source_id, "name": d.source_name or d.source_id, "url": d.source_url,
               "publisher": d.source_publisher}
        row["fp"] = fingerprint(row)
        seen.setdefault(d.source_id, row)
    return list(seen.values())


def _fps(store: GraphStore, label: str, ids: list[str]) -> dict[str, str]:
    return {r["id"]: r["fp"] for r in store.execute(Q.fingerprints(label, ids))}


def _upsert_simple(store: GraphStore, counts: LoadCounts, label: str, key: str,
                   rows: list[dict], builder) -> None:
    old = _fps(store, label, [r[key] for r in rows])
    todo = []
    for r in rows:
        if r[key] not in old:
            counts.add(label, "insert")
            todo.append(r)
        elif old[r[key]] != r["fp"]:
            counts.add(label, "update")
            todo.append(r)
        else:
            counts.add(label, "noop")
    if todo:
        store.execute(builder(todo))


# --- statistics ---------------------------------------------------------------------------

STAT_VOLATILE = ("retrieved_at",)


def validate_statistics(records: Iterable[StatisticRecord | dict]) -> list[StatisticRecord]:
    """Validate every statistic before anything is written; the first bad one raises."""
    out: list[StatisticRecord] = []
    seen: set[str] = set()
    for i, rec in enumerate(records):
        if isinstance(rec, StatisticRecord):
            rec = rec.model_dump()
        try:
            stat = StatisticRecord.model_validate(rec)
        except PydanticError as exc:
            raise ValidationError(f"statistic record {i}: {_first_error(exc)}") from None
        for code in (stat.coa, stat.coo):
            if code is not None and code not in COUNTRIES:
                raise ValidationError(f"statistic record {i}: unknown country code {code!r}")
        if stat.id in seen:
            raise ValidationError(f"statistic record {i}: the same figure ({stat.id}) twice "
                                  f"in one load")
        seen.add(stat.id)
        out.append(stat)
    return out


def load_statistics(store: GraphStore, records: Iterable[StatisticRecord | dict]) -> LoadCounts:
    """Upsert statistics (e.g. one answer page of a dataset) in one statement: all or nothing.

    Unchanged figures (same counts, same cited response) are not written: a re-load reports
    only noops. Countries and the source are upserted first (idempotent, harmless alone).
    """
    stats = validate_statistics(records)
    counts = LoadCounts()
    if not stats:
        return counts
    codes = sorted({c for s in stats for c in (s.coa, s.coo) if c})
    countries = [{"iso2": c, "name": COUNTRIES[c]["name"],
                  "fp": fingerprint({"name": COUNTRIES[c]["name"]})} for c in codes]
    _upsert_simple(store, counts, "Country", "iso2", countries, Q.upsert_countries)
    sources: dict[str, dict] = {}
    for s in stats:
        row = {"id": s.source_id, "name": s.source_name or s.source_id, "url": s.source_url,
               "publisher": ""}
        sources.setdefault(s.source_id, {**row, "fp": fingerprint(row)})
    _upsert_simple(store, counts, "Source", "id", list(sources.values()), Q.upsert_sources)
    old = _fps(store, "Statistic", [s.id for s in stats])
    todo = []
    for s in stats:
        props = s.model_dump(exclude={"id", "source_name", "source_url"})
        fp = fingerprint({k: v for k, v in props.items() if k not in STAT_VOLATILE})
        if old.get(s.id) == fp:
            counts.add("Statistic", "noop")
            continue
        counts.add("Statistic", "update" if s.id in old else "insert")
        todo.append({"id": s.id, "props": {**props, "fp": fp}, "source_id": s.source_id,
                     "asylum": [s.coa] if s.coa else [], "origin": [s.coo] if s.coo else []})
    if todo:
        store.execute(Q.write_statistics(todo))
    return counts
