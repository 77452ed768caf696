"""One small knowledge base per module (tests/small_kb.py) through the real ingest path."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ingest.kb import KnowledgeBase
from tests.small_kb import open_small_kb


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    data_dir = tmp_path_factory.mktemp("kb")
    with open_small_kb(data_dir) as base:
        yield base


@pytest.fixture(scope="module")
def passages(kb: KnowledgeBase) -> dict[str, list[dict]]:
    """Passages per document URL, in document order."""
    rows = kb.store.run("MATCH (p:Passage)-[:PART_OF]->(d:Document) "
                        "RETURN d.url AS url, p.id AS id, p.text AS text ORDER BY p.ordinal")
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row["url"], []).append(row)
    return out
