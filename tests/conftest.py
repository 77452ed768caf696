"""Shared fixtures: graph stores on real servers (embedded always, Neo4j when NEO4J_URI is set)."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from graph.embedded import EmbeddedStore
from graph.schema import ensure_schema
from graph.store import GraphStore

BACKENDS = ["embedded"] + (["neo4j"] if os.environ.get("NEO4J_URI") else [])
DIM = 8


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    return tmp_path / "kb"


def _open(backend: str, kb_dir: Path) -> GraphStore:
    if backend == "embedded":
        return EmbeddedStore.open(kb_dir / "graph", "test")
    from graph.neo4j_store import Neo4jStore
    from graph.queries import delete_all

    store = Neo4jStore(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"),
                       os.environ.get("NEO4J_PASSWORD", ""))
    store.execute(delete_all())
    return store


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, kb_dir: Path):
    s = _open(request.param, kb_dir)
    ensure_schema(s, "test-model", DIM)
    yield s
    s.close()


def make_doc(n: int, passages: int = 3, text: str = "Gang members extorted bus drivers",
             seed: int = 0, countries: tuple[str, ...] = ("HN",)) -> dict:
    rnd = random.Random(seed * 1000 + n)
    return {
        "id": f"doc-{n}", "url": f"https://example.org/report/{n}", "title": f"Report {n}",
        "publisher": "Example Publisher", "source_id": "example", "source_name": "Example",
        "retrieved_at": "2026-11-01T00:00:00+00:00", "first_seen": "2026-11-01T00:00:00+00:00",
        "sha256": f"{n:064x}", "countries": list(countries), "published": "2025-03-01",
        "passages": [
            {"id": f"psg-{n}-{i}", "text": f"{text} in passage {i} of report {n}.",
             "ordinal": i, "start": i * 100, "end": i * 100 + 50, "section": "Section 1",
             "language": "en", "embedding": [rnd.random() for _ in range(DIM)],
             "countries": list(countries), "nationalities": ["VE"],
             "risk_factors": {"gang_violence_extortion": 0.95}, "actors": ["ms13"],
             "elements": {"harm": 0.9}}
            for i in range(passages)
        ],
    }
