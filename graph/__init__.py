"""Graph backends (embedded FalkorDB, Neo4j), all Cypher, schema and the idempotent loader."""

from __future__ import annotations

from core.settings import Settings, load_settings
from graph.store import GraphStore


def open_store(settings: Settings | None = None) -> GraphStore:
    """The configured backend, connected (the embedded server is started if needed)."""
    settings = settings or load_settings()
    if settings.graph == "neo4j":
        from graph.neo4j_store import Neo4jStore

        return Neo4jStore.from_settings(settings)
    from graph.embedded import EmbeddedStore

    return EmbeddedStore.open(settings.data_path / "graph", settings.graph_name)


__all__ = ["GraphStore", "open_store"]
