"""Bring a knowledge base to a usable state: schema for the configured model, taxonomy nodes."""

from __future__ import annotations

from core.countries import COUNTRIES
from core.taxonomy import Taxonomy, load_taxonomy
from embeddings.embedder import Embedder, get_embedder
from graph import queries as Q
from graph.loader import fingerprint
from graph.schema import ensure_schema
from graph.store import GraphStore


def init_kb(store: GraphStore, embedder: Embedder | None = None,
            taxonomy: Taxonomy | None = None) -> bool:
    """Create schema and taxonomy nodes; True when the embedding model changed (re-embed)."""
    embedder = embedder or get_embedder()
    changed = ensure_schema(store, embedder.name, embedder.dim)
    seed_taxonomy(store, taxonomy or load_taxonomy())
    return changed


def seed_taxonomy(store: GraphStore, taxonomy: Taxonomy) -> None:
    """Risk factors, grounds, actors and legal elements with their labels, grounds and reach."""
    grounds = [{"id": g.id, "props": {"label": g.label.en, "label_es": g.label.es}}
               for g in taxonomy.protected_grounds]
    elements = [{"id": e.id, "props": {"label": e.label.en, "label_es": e.label.es,
                                       "description": e.description.en}}
                for e in taxonomy.legal_elements]
    risks = [{"id": r.id, "props": {"label": r.label.en, "label_es": r.label.es,
                                    "ground": r.grounds[0] if r.grounds else None,
                                    "grounds": r.grounds,
                                    "description": r.description.en}}
             for r in taxonomy.risk_factors]
    actors = [{"id": a.id, "props": {"name": a.name, "kind": a.kind}} for a in taxonomy.actors]
    for label, rows in (("ProtectedGround", grounds), ("LegalElement", elements),
                        ("RiskFactor", risks), ("Actor", actors)):
        for row in rows:
            row["props"]["fp"] = fingerprint(row["props"])
        store.execute(Q.upsert_taxonomy_nodes(label, rows))
    store.execute(Q.link_taxonomy("GROUND", "RiskFactor", "ProtectedGround", "id",
                                  [{"src": r.id, "dst": g} for r in taxonomy.risk_factors
                                   for g in r.grounds]))
    places = sorted({c for a in taxonomy.actors for c in a.operates_in})
    store.execute(Q.upsert_countries([{"iso2": c, "name": COUNTRIES[c]["name"],
                                       "fp": fingerprint({"name": COUNTRIES[c]["name"]})}
                                      for c in places]))
    store.execute(Q.link_taxonomy("OPERATES_IN", "Actor", "Country", "iso2",
                                  [{"src": a.id, "dst": c} for a in taxonomy.actors
                                   for c in a.operates_in]))
