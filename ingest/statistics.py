"""The path of a statistics answer page: rows -> records with their citation -> archive -> graph.

A page is archived byte for byte (its sha256 is cited by every figure read from it) and its
figures are written in one statement: all of them or none. Rates are computed here, from the
counts, with UNHCR's definitions; they are marked as computed wherever they are shown.
"""

from __future__ import annotations

from core.countries import iso3_to_iso2
from core.errors import ValidationError
from core.ids import make_id, sha256_bytes
from core.models import AsylumDecisionsRow, StatisticRecord, StatisticsItem
from graph.loader import LoadCounts, load_statistics, validate_statistics
from graph.store import GraphStore
from ingest.archive import Archive

MAX_BYTES = 20 * 1024 * 1024


def recognition_rates(row: AsylumDecisionsRow) -> tuple[float | None, float | None]:
    """(total, refugee) recognition rate over substantive decisions, as UNHCR computes them:
    (recognized + other) / (recognized + other + rejected) and recognized / the same; otherwise
    closed cases are left out. None when a count is unknown or no substantive decision was made.
    """
    parts = (row.dec_recognized, row.dec_other, row.dec_rejected)
    if any(p is None for p in parts):
        return None, None
    recognized, other, rejected = (int(p or 0) for p in parts)
    substantive = recognized + other + rejected
    if substantive == 0:
        return None, None
    return round((recognized + other) / substantive, 4), round(recognized / substantive, 4)


def statistic_id(dataset: str, row: AsylumDecisionsRow) -> str:
    """The figure's identity: what it counts, not where it was read (the same figure answered
    to two queries is one node)."""
    return make_id("stat", dataset, str(row.year), row.coa_iso, row.coo_iso or "",
                   row.procedure_type or "", row.dec_level or "", row.dec_pc or "")


def statistic_records(item: StatisticsItem, archive_path: str) -> list[StatisticRecord]:
    sha = sha256_bytes(item.raw)
    retrieved = item.retrieved_at.isoformat(timespec="seconds") if item.retrieved_at else None
    if retrieved is None:
        raise ValidationError(f"{item.url}: no retrieval time (the pipeline stamps it)")
    records = []
    for i, row in enumerate(item.rows):
        coa = iso3_to_iso2(row.coa_iso)
        if coa is None:
            raise ValidationError(f"{item.url} item {i}: unknown country of asylum "
                                  f"{row.coa_iso!r}")
        total_rate, refugee_rate = recognition_rates(row)
        records.append(StatisticRecord(
            id=statistic_id(item.dataset, row), dataset=item.dataset, year=row.year,
            coa=coa, coa_iso3=row.coa_iso, coa_name=row.coa_name,
            coo=iso3_to_iso2(row.coo_iso) if row.coo_iso else None, coo_iso3=row.coo_iso,
            coo_name=row.coo_name, procedure_type=row.procedure_type, dec_level=row.dec_level,
            dec_pc=row.dec_pc, dec_recognized=row.dec_recognized, dec_other=row.dec_other,
            dec_rejected=row.dec_rejected, dec_closed=row.dec_closed, dec_total=row.dec_total,
            total_recognition_rate=total_rate, refugee_recognition_rate=refugee_rate,
            source_id=item.source_id, url=item.url, publisher=item.publisher,
            retrieved_at=retrieved, sha256=sha, archive_path=archive_path))
    return records


def ingest_statistics(store: GraphStore, archive: Archive, item: StatisticsItem) -> LoadCounts:
    """Archive the answer page and load its figures; a bad row fails the page before any write."""
    if len(item.raw) > MAX_BYTES:
        raise ValidationError(f"{item.url}: answer too large: {len(item.raw):,} bytes")
    sha = sha256_bytes(item.raw)
    path = str(archive.blob_path(sha).relative_to(archive.root))
    records = validate_statistics(statistic_records(item, path))
    digest, _ = archive.put_blob(item.raw)
    if digest != sha:
        raise ValidationError(f"{item.url}: archive hash mismatch")
    return load_statistics(store, records)
