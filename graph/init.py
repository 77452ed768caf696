"""Bring a knowledge base to a usable state: server up, schema for the configured model."""

from __future__ import annotations

from embeddings.embedder import Embedder, get_embedder
from graph.schema import ensure_schema
from graph.store import GraphStore


def init_kb(store: GraphStore, embedder: Embedder | None = None) -> bool:
    """Create the schema; True when the embedding model changed and passages need re-embedding."""
    embedder = embedder or get_embedder()
    return ensure_schema(store, embedder.name, embedder.dim)
