"""Candidate passages per third country from six channels, each constrained by the graph.

Recall first: the client's own words are searched as they are, densely (`dense`: the vector
of the whole account) and by full text (`bm25`: its content words), over every passage about
the country, whatever our tags say; a passage no taxonomy term matches is still a candidate.
Focused queries add what the account may not say in so many words: the main risk factors'
descriptions (`vector{i}`) and their EN+ES terms, demonyms and actor names (`fulltext`). The
EVIDENCES channel finds passages that enrichment tied to the client's risk factors in any
language; the MENTIONS channel finds the home persecutor acting in the third country. Each
channel returns ranks; tags are ranking features, never gates.

Vector search is exact for a country with at most EXACT_MAX passages (a scan of its passages in
the graph) and uses the vector index above that. The index approximates and cannot filter by
country, so it over-fetches; a small country in a large knowledge base would otherwise get few
or no vector candidates. FalkorDB's index also returns duplicated nodes, which displace real
neighbours, when two of its searches run at once (FalkorDB issue #2848, open; measured here:
4 of 6 concurrent rounds lost or duplicated a whole channel). Its searches therefore run one at a
time within this process, and duplicates are dropped.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from graph import queries as Q
from graph.store import GraphStore

VECTOR_K = 400  # over-fetch: the vector index cannot filter by country
VECTOR_KEEP = 50  # per focused vector query and country
DENSE_KEEP = 100  # the client's own account, per country
FULLTEXT_LIMIT = 50  # per country, taxonomy terms
BM25_LIMIT = 100  # per country, the account's own words
GRAPH_LIMIT = 80
KEEP_PER_COUNTRY = 100
PROTECTED = 60  # ranks of the own-words channels kept whatever the other channels say
WORKERS = 4
DETAIL_BATCH = 200
EXACT_MAX = 250  # passages in a country up to which vector search is an exact scan
_INDEX_LOCK = threading.Lock()  # FalkorDB vector-index searches, one at a time (#2848)


@dataclass
class Candidates:
    """Per country: passage id -> {channel: rank (1 = best)}, plus best vector similarity."""

    ranks: dict[str, dict[str, dict[str, int]]] = field(
        default_factory=lambda: defaultdict(dict))
    similarity: dict[str, float] = field(default_factory=dict)

    def add(self, country: str, channel: str, ids: list[str], tied: bool = False) -> None:
        """`tied`: an unordered channel (membership is the signal), every hit ranks first."""
        bucket = self.ranks[country]
        for rank, pid in enumerate(ids, start=1):
            rank = 1 if tied else rank
            ranks = bucket.setdefault(pid, {})
            ranks[channel] = min(ranks.get(channel, rank), rank)

    def prune(self, keep: int) -> None:
        """Keep each country's `keep` best by fused rank: details are fetched only for them.
        The top PROTECTED of the client's own-words channels always stay (recall first: an
        unordered tag channel must not push out what plain search finds)."""
        for country, bucket in self.ranks.items():
            best = sorted(bucket, key=lambda pid, b=bucket: _prune_key(pid, b[pid]))[:keep]
            self.ranks[country] = {pid: bucket[pid] for pid in best}

    def ids(self) -> list[str]:
        return sorted({pid for bucket in self.ranks.values() for pid in bucket})


def _prune_key(pid: str, ranks: dict[str, int]) -> tuple:
    own = min(ranks.get("dense", PROTECTED + 1), ranks.get("bm25", PROTECTED + 1))
    return (own > PROTECTED, -sum(1.0 / (60 + r) for r in ranks.values()), pid)


def gather(store: GraphStore, countries: list[str], embed: Callable[[], np.ndarray],
           terms: list[str], risk_factors: list[str], actors: list[str],
           words: list[str] = (), own: int = 0) -> Candidates:
    """Run every channel concurrently; the graph answers the term, word, risk-factor and actor
    channels while the model embeds the queries (`embed`), then the vector channels run. The
    last `own` vectors are the client's own account (channel `dense`), the others focused
    queries (`vector{i}`); `words` are the account's content words (channel `bm25`)."""
    out = Candidates()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        sizes = pool.submit(store.execute, Q.passages_in_countries(countries))
        jobs: list[tuple[str | None, str, Future]] = []
        for channel, query, limit in (("fulltext", terms, FULLTEXT_LIMIT),
                                      ("bm25", list(words), BM25_LIMIT)):
            if query:  # the best `limit` per country: one cannot crowd out another
                jobs.append((None, channel, pool.submit(store.execute, store.dialect.
                             fulltext_in_countries(query, countries, limit))))
        for country in countries:
            if risk_factors:
                jobs.append((country, "risk_factor", pool.submit(
                    store.execute, Q.risk_factor_candidates(country, risk_factors, GRAPH_LIMIT))))
            if actors:
                jobs.append((country, "reach", pool.submit(
                    store.execute, Q.actor_candidates(country, actors, GRAPH_LIMIT))))
        vectors = [[float(x) for x in v] for v in embed()]
        passages = {r["country"]: r["n"] for r in sizes.result()}
        exact = [c for c in countries if passages.get(c, 0) <= EXACT_MAX]
        indexed = [c for c in countries if c not in exact]
        for i, vector in enumerate(vectors):
            channel = "dense" if i >= len(vectors) - own else f"vector{i}"
            keep = DENSE_KEEP if channel == "dense" else VECTOR_KEEP
            for country in exact:
                jobs.append((None, channel, pool.submit(store.execute, store.dialect.
                             vector_exact_in_country(keep, vector, country))))
            if indexed:
                jobs.append((None, channel, pool.submit(
                    _index_search, store, store.dialect.vector_in_countries(
                        max(VECTOR_K, 4 * keep), vector, indexed))))
        for country, channel, job in jobs:
            _collect(out, country, channel, job.result())
    return out


def _index_search(store: GraphStore, query: Q.Query) -> list[dict]:
    if store.dialect.is_neo4j:
        return store.execute(query)
    with _INDEX_LOCK:
        return store.execute(query)


def _collect(out: Candidates, country: str | None, channel: str, rows: list[dict]) -> None:
    if country is not None:
        out.add(country, channel, [r["id"] for r in rows], tied=True)
        return
    per_country: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        per_country[row["country"]].append(row["id"])
        if "similarity" in row:
            out.similarity[row["id"]] = max(out.similarity.get(row["id"], -1.0),
                                            float(row["similarity"]))
    keep = {"dense": DENSE_KEEP, "bm25": BM25_LIMIT, "fulltext": FULLTEXT_LIMIT}.get(
        channel, VECTOR_KEEP)
    for iso2, ids in per_country.items():
        out.add(iso2, channel, list(dict.fromkeys(ids))[:keep])  # the index may repeat a node


def details(store: GraphStore, ids: list[str]) -> dict[str, dict]:
    """Text, document metadata and taxonomy links for each candidate, in batches."""
    out: dict[str, dict] = {}
    for start in range(0, len(ids), DETAIL_BATCH):
        for row in store.execute(Q.passage_evidence(ids[start:start + DETAIL_BATCH])):
            links: dict[str, dict[str, float]] = {rel: {} for rel in Q.PASSAGE_LINKS}
            for rel, target, value in row.pop("links"):
                links[rel][target] = float(value if value is not None else 1.0)
            row.update(risk_factors=links["EVIDENCES"], elements=links["SUPPORTS"],
                       nationalities=list(links["CONCERNS_NATIONALS_OF"]),
                       actors=list(links["MENTIONS"]), countries=list(links["ABOUT"]))
            out[row["id"]] = row
    return out


def closeness(store: GraphStore, ids: list[str], vector: np.ndarray) -> dict[str, float]:
    """Cosine closeness of each candidate to `vector`, computed by the graph in batches."""
    out: dict[str, float] = {}
    query = [float(x) for x in vector]
    for start in range(0, len(ids), DETAIL_BATCH):
        for row in store.execute(Q.passage_closeness(store.dialect,
                                                     ids[start:start + DETAIL_BATCH], query)):
            if row["closeness"] is not None:
                out[row["id"]] = float(row["closeness"])
    return out
