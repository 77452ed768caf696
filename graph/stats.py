"""Counts per node type, for `cckb stats` and the UI's sources page."""

from __future__ import annotations

from graph import queries as Q
from graph.store import GraphStore


def node_counts(store: GraphStore) -> dict[str, int]:
    return {label: int(store.execute(Q.count_nodes(label))[0]["n"]) for label in Q.NODE_LABELS
            if label != "Meta"}


def relationship_counts(store: GraphStore) -> dict[str, int]:
    return {r["type"]: int(r["n"]) for r in store.execute(Q.count_relationships())}
