"""A change of embedding model re-embeds every passage instead of mixing vectors."""

from __future__ import annotations

import numpy as np

from embeddings.embedder import Embedder
from graph import queries as Q
from graph.schema import embedding_meta
from graph.stats import node_counts
from tests.ingest.test_import import ingest, jsonl_line


class Truncated(Embedder):
    """Another model for the test: the real model's first 128 dimensions, re-normalised."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.dim = inner, "test/truncated-128", 128

    def encode(self, texts: list[str]) -> np.ndarray:
        v = self.inner.encode(texts)[:, :128]
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_model_change_reembeds_everything(kb, tmp_path, real_embedder):
    src = tmp_path / "docs.jsonl"
    src.write_text(jsonl_line() + "\n")
    ingest(kb, [src])
    n = node_counts(kb.store)["Passage"]
    other = Truncated(real_embedder)
    kb.__dict__["embedder"] = other
    assert kb.init() == n
    meta = embedding_meta(kb.store)
    assert (meta["model"], meta["dim"], meta["stale"]) == ("test/truncated-128", 128, False)
    query = other.encode(["transgender women were killed"])[0].tolist()
    rows = kb.store.execute(kb.store.dialect.vector_search(1, query))
    text = kb.store.execute(Q.passage_by_id(rows[0]["id"]))[0]["passage"]["text"]
    assert "transgender" in text
    assert kb.init() == 0  # nothing stale any more
