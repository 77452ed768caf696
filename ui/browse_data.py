"""Read-only browse queries for researchers, cached briefly (nothing here involves a client)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import streamlit as st

from graph import queries as Q
from ui.state import knowledge_base

TTL = 60


def _rows(built: Q.Query) -> list[dict[str, Any]]:
    return knowledge_base().store.execute(built)


@st.cache_data(ttl=TTL, show_spinner=False)
def counts(kind: str) -> list[dict[str, Any]]:
    return _rows(Q.browse_counts(kind))


@st.cache_data(ttl=TTL, show_spinner=False)
def timeline(iso2: str | None = None) -> list[dict[str, Any]]:
    return _rows(Q.risk_factor_timeline(iso2))


@st.cache_data(ttl=TTL, show_spinner=False)
def neighbourhood(kind: str, key: str, limit: int = 60) -> list[dict[str, Any]]:
    return _rows(Q.browse_neighbourhood(kind, key, limit))


@st.cache_data(ttl=TTL, show_spinner=False)
def documents(kind: str, key: str, limit: int = 200) -> list[dict[str, Any]]:
    return _rows(Q.browse_documents(kind, key, limit))


@st.cache_data(ttl=TTL, show_spinner=False)
def document(doc_id: str) -> dict[str, Any]:
    head = _rows(Q.document_by_id(doc_id))
    if not head:
        return {}
    return {**head[0], "passages": _rows(Q.document_passage_links(doc_id))}


@st.cache_data(ttl=TTL, show_spinner=False)
def sources() -> list[dict[str, Any]]:
    return _rows(Q.source_freshness())


RUN_LOGS = ("runs/last.json", "crawl-report.json")  # CrawlSummary.as_dict(), if a run wrote one
FRESH_DAYS, STALE_DAYS = 31, 180


def freshness(last: str | None, now: datetime | None = None) -> str:
    if not last:
        return "never retrieved"
    try:
        when = datetime.fromisoformat(last)
    except ValueError:
        return "unknown"
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    days = ((now or datetime.now(UTC)) - when).days
    word = "fresh" if days <= FRESH_DAYS else "ageing" if days <= STALE_DAYS else "stale"
    return f"{word} ({days} d)"


def last_run(data_dir: Path) -> tuple[Path, dict[str, Any]] | None:
    for name in RUN_LOGS:
        path = data_dir / name
        if path.is_file():
            try:
                return path, json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
    return None
