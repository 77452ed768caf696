"""Evidence per third country for one client profile (or one researcher question).

The profile is mapped onto the taxonomy in memory, query vectors are computed in memory, and
only taxonomy terms, the account's content words and vectors reach the graph, as parameters of
read-only queries: nothing about the client is written, logged or cached on disk.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from core.agreements import load_agreements
from core.errors import ValidationError
from core.taxonomy import Taxonomy
from embeddings.embedder import Embedder
from graph.store import GraphStore
from ingest.enrich import Enricher, iso2_list
from retrieval import candidates as C
from retrieval.applicability import applicability
from retrieval.gaps import Fact, client_facts, fact_gaps
from retrieval.mapping import (
    Mapping,
    expansion_terms,
    map_profile,
    map_research,
    own_words_terms,
    query_texts,
)
from retrieval.profile import ClientProfile
from retrieval.ranking import Ranked, collapse, score
from retrieval.statistics import for_search as decisions_for_search

DEFAULT_TOP = 10
MAX_TOP = 200
SUPPORT_MIN = 0.5
WEAK_BELOW = 2  # fewer client-relevant passages than this for an element = weak evidence


@dataclass
class EvidenceSearch:
    """Everything a search needs, opened once (the model load dominates a cold start)."""

    store: GraphStore
    embedder: Embedder
    enricher: Enricher
    _cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def taxonomy(self) -> Taxonomy:
        return self.enricher.taxonomy

    @classmethod
    def from_kb(cls, kb: Any) -> EvidenceSearch:
        return cls(kb.store, kb.embedder, kb.enricher)

    def for_profile(self, profile: ClientProfile, countries: list[str] | None = None,
                    top: int = DEFAULT_TOP, today: date | None = None) -> dict[str, Any]:
        """`countries` narrows the profile's third countries (`--country`)."""
        wanted = iso2_list(countries) if countries else list(profile.third_countries)
        return self.run(map_profile(profile, self.enricher), wanted, top, today,
                        profile.unaccompanied_child, client_facts(profile, self.enricher))

    def for_research(self, countries: list[str], risks: list[str], text: str = "",
                     nationality: str | None = None, top: int = DEFAULT_TOP,
                     today: date | None = None) -> dict[str, Any]:
        """What is documented about a group in a country, without a client."""
        if not countries:
            raise ValidationError("researcher mode needs at least one --country")
        nat = iso2_list([nationality])[0] if nationality else None
        mapping = map_research(self.taxonomy, self.enricher, risks, text, nat)
        return self.run(mapping, iso2_list(countries), top, today)

    def run(self, mapping: Mapping, countries: list[str], top: int,
            today: date | None = None,
            unaccompanied_child: bool | None = None,
            facts: list[Fact] | None = None) -> dict[str, Any]:
        if not 1 <= top <= MAX_TOP:
            raise ValidationError(f"--top must be between 1 and {MAX_TOP}")
        today = today or date.today()
        found, rows, near = self.candidates(mapping, countries)
        out = []
        for country in countries:
            ranked = [score(rows[pid], ranks, mapping, self.taxonomy, today, near.get(pid, 0.0),
                            country)
                      for pid, ranks in found.ranks.get(country, {}).items() if pid in rows]
            ranked.sort(key=lambda r: (-r.score, r.row["id"]))
            statistics = decisions_for_search(self.store, country, mapping.nationality,
                                              today.year)
            out.append({
                "country": country,
                "applicability": applicability(country, mapping.nationality,
                                               unaccompanied_child=unaccompanied_child),
                "gaps": self.gaps(ranked, mapping, len(statistics)),
                "fact_gaps": fact_gaps(facts, ranked) if facts is not None else [],
                "evidence": [self.item(best, dupes) for best, dupes in collapse(ranked)[:top]],
                "statistics": statistics,
            })
        return {"countries": out}

    def candidates(self, mapping: Mapping, countries: list[str]
                   ) -> tuple[C.Candidates, dict[str, dict], dict[str, float]]:
        """Per country the candidates' channel ranks, each candidate's details, and its
        closeness to the client's own words (rescaled per country): all that scoring needs."""
        groups = query_texts(mapping, self.taxonomy)
        embedded: list[np.ndarray] = []

        def embed() -> np.ndarray:
            embedded.append(self.vectors(groups, set(mapping.free_text)))
            return embedded[0]

        found = C.gather(self.store, countries, embed,
                         expansion_terms(mapping, self.taxonomy), list(mapping.risk_factors),
                         mapping.actors, own_words_terms(mapping), len(mapping.free_text))
        found.prune(C.KEEP_PER_COUNTRY)
        query = self.query_vector(embedded[0] if embedded else None, len(mapping.free_text))
        with ThreadPoolExecutor(max_workers=1) as pool:  # two independent reads at once
            sims = pool.submit(C.closeness, self.store, found.ids(), query) \
                if query is not None else None
            rows = C.details(self.store, found.ids())
            raw = sims.result() if sims else {}
            near = self.rescaled(found, raw)
        to_cosine = (lambda v: 2.0 * v - 1.0) if self.store.dialect.is_neo4j else (lambda v: v)
        for pid, row in rows.items():  # the backends scale closeness differently
            row["cosine"] = to_cosine(raw[pid]) if pid in raw else 0.0
        return found, rows, near

    def vectors(self, groups: list[list[str]], private: set[str]) -> np.ndarray:
        """One unit vector per group of texts (their mean). Taxonomy descriptions are embedded
        once per process; the client's own text is embedded on every call and never kept."""
        texts = list(dict.fromkeys(t for group in groups for t in group))
        cache = self._cache
        todo = [t for t in texts if t in private or t not in cache]
        fresh = dict(zip(todo, self.embedder.encode(todo), strict=True)) if todo else {}
        cache.update({t: v for t, v in fresh.items() if t not in private})
        out = []
        for group in groups:
            mean = np.mean([fresh[t] if t in fresh else cache[t] for t in group], axis=0)
            out.append(mean / max(float(np.linalg.norm(mean)), 1e-12))
        return np.array(out, dtype=np.float32).reshape(len(groups), -1)

    @staticmethod
    def query_vector(vectors: np.ndarray | None, own: int) -> np.ndarray | None:
        """The vector re-ranking compares passages with: the client's own words (the last
        `own` groups) when there are any, else the mean of the taxonomy groups."""
        if vectors is None or not len(vectors):
            return None
        mean = vectors[-own:].mean(axis=0) if own else vectors.mean(axis=0)
        norm = float(np.linalg.norm(mean))
        return mean / norm if norm > 1e-12 else None

    @staticmethod
    def rescaled(found: C.Candidates, sims: dict[str, float]) -> dict[str, float]:
        """Each candidate's closeness to the query vector, rescaled to [0, 1] within its
        country (min-max), so the feature ranks candidates against each other whatever the
        model's (or the backend's) similarity range."""
        out: dict[str, float] = {}
        for bucket in found.ranks.values():
            pids = [pid for pid in bucket if pid in sims]
            if not pids:
                continue
            low = min(sims[pid] for pid in pids)
            span = max(sims[pid] for pid in pids) - low
            for pid in pids:
                out[pid] = (sims[pid] - low) / span if span > 1e-9 else 1.0
        return out

    def gaps(self, ranked: list[Ranked], mapping: Mapping,
             decisions: int = 0) -> list[dict[str, Any]]:
        """Legal elements with no or weak evidence about people like this client, or with
        only general evidence (nothing specific to the client's group or nationality: what a
        judge applying Matter of A-C-M- finds insufficient). Asylum decisions on the client's
        nationals in the country (`decisions` figures) are specific evidence of access to
        asylum."""
        counts = {e.id: 0 for e in self.taxonomy.legal_elements}
        specific = dict.fromkeys(counts, 0)
        if "asylum_access" in counts:
            counts["asylum_access"] += decisions
            specific["asylum_access"] += decisions
        for r in ranked:
            if not (r.matched or mapping.nationality in r.row["nationalities"]
                    or set(r.row["actors"]) & set(mapping.actors)):
                continue
            for element, value in r.row["elements"].items():
                if value >= SUPPORT_MIN and element in counts:
                    counts[element] += 1
                    specific[element] += r.specific
        out = []
        for e, n in counts.items():
            if n < WEAK_BELOW or not specific[e]:
                strength = "none" if n == 0 else "weak" if n < WEAK_BELOW else "general only"
                out.append({"element": e, "label": self.taxonomy_label(e), "strength": strength,
                            "evidence_count": n, "specific_count": specific[e],
                            "standard": load_agreements().standard(e)})
        return out

    def taxonomy_label(self, element: str) -> str:
        return next(e.label.en for e in self.taxonomy.legal_elements if e.id == element)

    @staticmethod
    def item(best: Ranked, dupes: list[Ranked]) -> dict[str, Any]:
        row = best.row
        elements = sorted((e for e, s in row["elements"].items() if s >= SUPPORT_MIN),
                          key=lambda e: -row["elements"][e])
        rfs = list(best.matched) + sorted(set(row["risk_factors"]) - set(best.matched))
        return {
            "passage_id": row["id"], "document_url": row["url"], "title": row["title"],
            "publisher": row["publisher"], "published": row["published"],
            "text": row["text"], "score": best.score, "elements": elements,
            "specificity": "specific" if best.specific else "general",
            "risk_factors": rfs, "why": "; ".join(best.reasons),
            "section": row["section"], "retrieved_at": row["retrieved_at"],
            "sha256": row["sha256"], "stale": best.stale, "age_note": best.age_note,
            "corroborating": [{"passage_id": d.row["id"], "document_url": d.row["url"],
                               "publisher": d.row["publisher"], "published": d.row["published"]}
                              for d in dupes],
        }
