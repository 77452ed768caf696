"""Constraints and indexes (ids, passage vectors, passage full text), created idempotently.

Every label of `Q.NODE_LABELS` gets its id index and unique constraint, `Statistic` (dataset
figures such as UNHCR asylum decisions, keyed by what they count) included.
"""

from __future__ import annotations

from core.errors import GraphError
from graph import queries as Q
from graph.store import GraphStore

META_EMBEDDING = "embedding"


def ensure_schema(store: GraphStore, model: str, dim: int) -> bool:
    """Create the schema for embeddings of `model` (dimension `dim`).

    Returns True when the graph held vectors of another model: the vector index is then rebuilt
    for the new dimension and the caller must re-embed, never mix vectors of two models.
    """
    meta = embedding_meta(store)
    changed = bool(meta) and (meta.get("model") != model or meta.get("dim") != dim)
    if changed:
        store.run_ddl(store.dialect.drop_vector_index())
    for statement in store.dialect.index_ddl(dim):
        store.run_ddl(statement)
    if not store.dialect.is_neo4j:
        from graph.embedded import EmbeddedStore

        if isinstance(store, EmbeddedStore):
            for label in Q.NODE_LABELS:
                store.unique_constraint(label, "iso2" if label == "Country" else "id")
    store.execute(Q.set_meta(META_EMBEDDING, {"model": model, "dim": dim,
                                              "stale": bool(changed or meta.get("stale"))}))
    return changed


def embedding_meta(store: GraphStore) -> dict:
    rows = store.execute(Q.get_meta(META_EMBEDDING))
    return dict(rows[0]["props"]) if rows else {}


def mark_embeddings_current(store: GraphStore) -> None:
    meta = embedding_meta(store)
    if not meta:
        raise GraphError("schema not initialised")
    store.execute(Q.set_meta(META_EMBEDDING, {"stale": False}))
