"""Load the ACA registry into the graph as `Agreement` nodes.

Retrieval and the UI reach agreements through the same graph as the evidence, so a passage about
Honduras and the agreement that would send a client there sit one hop apart:
`(Agreement)-[:WITH]->(Country)` for the receiving country, `[:COVERS]`/`[:EXCLUDES]` for the
nationalities an instrument lists explicitly (rules such as "Spanish-speaking Latin Americans" are
kept as cited text in `facts_json`, not expanded into edges the instrument never drew), and
`[:CITES]->(Document)` when a cited page is in the knowledge base (matched by document id, the
same canonical URL the ingest path uses). Loading is idempotent: each node
carries a fingerprint `fp`, so re-loading an unchanged registry writes nothing and reports noops.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from core.agreements import Agreement, Fact, Registry, load_agreements
from core.countries import COUNTRIES
from core.ids import document_id
from graph import queries as Q
from graph.loader import LoadCounts, fingerprint
from graph.store import GraphStore


def _facts(agreement: Agreement) -> dict[str, Any]:
    """Every fact of the agreement (values, citations, confidence, notes) as plain data."""
    return agreement.model_dump(mode="json", exclude_none=True)


def _citations(agreement: Agreement) -> list[str]:
    urls: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, Fact):
            if node.citation:
                urls.add(node.citation)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name))

    walk(agreement)
    return sorted(urls)


def agreement_row(agreement: Agreement) -> dict[str, Any]:
    """The node properties and links of one agreement, with its fingerprint."""
    fr = agreement.federal_register
    covers = sorted(set(agreement.nationalities_covered.iso2 or []))
    excludes = sorted({c for e in agreement.nationalities_excluded for c in e.iso2})
    props: dict[str, Any] = {
        "kind": agreement.kind,
        "status": agreement.status,
        "title": str(agreement.title.value),
        "receiving_country": agreement.receiving_country,
        "signed": agreement.signed.value,
        "in_force": agreement.in_force.value,
        "suspended": agreement.suspended.value if agreement.suspended else "unknown",
        "terminated": agreement.terminated.value if agreement.terminated else "unknown",
        "fr_citation": str(fr.citation.value),
        "fr_publication_date": fr.publication_date.value,
        "facts_json": json.dumps(_facts(agreement), sort_keys=True, ensure_ascii=False),
        "citations": _citations(agreement),
    }
    props["cited_documents"] = sorted({document_id(url) for url in props["citations"]})
    props["fp"] = fingerprint({"props": props, "with": agreement.receiving_country,
                               "covers": covers, "excludes": excludes})
    return {"id": agreement.id, "props": props, "with": agreement.receiving_country,
            "covers": covers, "excludes": excludes}


def _upsert_countries(store: GraphStore, counts: LoadCounts, codes: set[str]) -> None:
    """Countries the agreements point at, written the way the document loader writes them so
    both loaders agree on each Country's fingerprint."""
    rows = []
    for code in sorted(codes):
        name = COUNTRIES[code]["name"]
        rows.append({"iso2": code, "name": name, "fp": fingerprint({"name": name})})
    old = {r["id"]: r["fp"] for r in store.execute(Q.fingerprints("Country", sorted(codes)))}
    todo = []
    for row in rows:
        outcome = ("insert" if row["iso2"] not in old
                   else "noop" if old[row["iso2"]] == row["fp"] else "update")
        counts.add("Country", outcome)
        if outcome != "noop":
            todo.append(row)
    if todo:
        store.execute(Q.upsert_countries(todo))


def load_agreements_graph(store: GraphStore, registry: Registry | None = None) -> LoadCounts:
    """Upsert every agreement of `registry` (default: data/agreements.yaml); agreements no longer
    in the registry are deleted. Returns insert/update/noop/delete counts per node type, plus
    `CITES` inserts for newly linked documents."""
    registry = registry or load_agreements()
    counts = LoadCounts()
    rows = [agreement_row(a) for a in registry.agreements]
    ids = [r["id"] for r in rows]
    codes = {r["with"] for r in rows} | {c for r in rows for c in r["covers"] + r["excludes"]}
    _upsert_countries(store, counts, codes)
    old = {r["id"]: r["fp"] for r in store.execute(Q.fingerprints("Agreement", ids))}
    todo = []
    for row in rows:
        outcome = ("insert" if row["id"] not in old
                   else "noop" if old[row["id"]] == row["props"]["fp"] else "update")
        counts.add("Agreement", outcome)
        if outcome != "noop":
            todo.append(row)
    if todo:
        store.execute(Q.upsert_agreements(todo))
    deleted = store.execute(Q.delete_agreements_except(ids))
    counts.add("Agreement", "delete", int(deleted[0]["deleted"]) if deleted else 0)
    linked = store.execute(Q.link_agreement_documents(ids))
    counts.add("CITES", "insert", int(linked[0]["linked"]) if linked else 0)
    return counts
