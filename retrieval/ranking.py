"""Rank candidates for one client in one country, collapse duplicates, explain each item.

A candidate is described by a few generic features, each in [0, 1]: how high the plain
searches of the client's own account rank it (dense and full text), how high the focused
queries rank it, how close it is to the account, whether it evidences the client's risk
factors, concerns their nationality or names the home persecutor, whether it is specific to
the client's group or a general roundup, its age and whether it is dated, and the publisher's
standing. (Whether the document itself is about the country was tried as a feature: its fitted
weight was not positive, and reading it cost a quarter of the search at 100,000 passages.)
A logistic model over them (`data/ranker.json`, fitted by `bench/relevance.py --fit` on the
dev set's tune splits and measured on the held-out ones) gives the score. Old evidence is
marked stale and undated evidence is marked as such, never hidden.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from core.editions import estimate_edition
from core.taxonomy import Taxonomy
from retrieval.mapping import Mapping, is_home_actor

# Package data of `core` (core/data/ranker.json; data/ranker.json in the checkout links to it).
RANKER_FILE = Path(str(resources.files("core") / "data" / "ranker.json"))
RANK_SCALE = 10  # a channel rank r counts 1 / (1 + (r - 1) / RANK_SCALE)
FOCUSED = 3  # a passage evidencing more risk factors than this is a roundup, not specific
STALE_YEARS = 3
RULE_LEVEL = 0.9  # enrichment's score when a taxonomy term is in the text itself
DUPLICATE_OVERLAP = 0.6  # share of the shorter text's 5-word shingles
FEATURES = ("dense", "bm25", "focus", "terms", "semantic", "cosine", "client", "nationality",
            "reach", "element", "specific", "recent", "undated", "official")
OFFICIAL = ("department of state", "unhcr", "united nations", "inter-american commission",
            "amnesty", "human rights watch", "ohchr", "iachr", "cidh", "acnur")


@dataclass
class Ranked:
    row: dict
    score: float
    matched: dict[str, float]
    stale: bool
    age_note: str
    reasons: list[str]
    specific: bool = False


@dataclass(frozen=True)
class Model:
    """A logistic model: score = sigmoid(bias + sum(weight * feature))."""

    bias: float
    weights: dict[str, float]

    def __call__(self, parts: dict[str, float]) -> float:
        z = self.bias + sum(w * parts.get(name, 0.0) for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=4)
def load_model(path: Path = RANKER_FILE) -> Model:
    raw = json.loads(path.read_text(encoding="utf-8"))
    unknown = set(raw["weights"]) - set(FEATURES)
    if unknown:
        raise ValueError(f"{path}: unknown ranking feature(s) {', '.join(sorted(unknown))}")
    return Model(float(raw["bias"]), {k: float(v) for k, v in raw["weights"].items()})


def _rank_feature(rank: int | None) -> float:
    return 0.0 if rank is None else 1.0 / (1.0 + (rank - 1) / RANK_SCALE)


def _age(published: str | None, today: date) -> tuple[float, bool, str]:
    """Recency feature (1 recent, 0.5 older, 0 old or unknown), stale flag and a note. An
    undated item is unknown, not fresh: it never counts as recent."""
    try:
        years = (today - date.fromisoformat(str(published)[:10])).days / 365.25
    except ValueError:
        return 0.0, False, "publication date unknown: check the source for its date"
    if years <= STALE_YEARS:
        return 1.0, False, f"published {str(published)[:10]}"
    return (0.5 if years <= 2 * STALE_YEARS else 0.0), True, \
        f"published {str(published)[:10]}, {years:.0f} years old: check for newer evidence"


def _estimated_age(row: dict, today: date) -> tuple[bool, str]:
    """Stale flag and note of an undated item from the edition its title or URL names: an
    undated "2016 Trafficking in Persons Report" is old evidence, said to be an estimate. The
    score is unchanged (an undated item never counts as recent)."""
    edition = estimate_edition(row.get("title"), row.get("url"), today)
    if edition is None:
        return False, "publication date unknown and no edition named in the title or URL: " \
            "check the source for its date"
    years = today.year - edition.year
    if years > STALE_YEARS:
        return True, (f"{edition.note}, about {years} years old: check for newer evidence")
    return False, edition.note


def score(row: dict, ranks: dict[str, int], mapping: Mapping, taxonomy: Taxonomy,
          today: date, semantic: float = 0.0, country: str | None = None,
          model: Model | None = None) -> Ranked:
    """One candidate's score in [0, 1] and the reasons a lawyer will read in `why`.

    `semantic` is the passage's closeness to the client's own account, in [0, 1] among the
    country's candidates; `country` the third country searched."""
    parts, matched, nationality, reach = features(row, ranks, mapping, semantic, today, country)
    _, stale, age_note = _age(row.get("published"), today)
    if not row.get("published"):  # a partial date ("2023-05") is a date, not an estimate
        stale, age_note = _estimated_age(row, today)
    specific = parts["specific"] > 0 or bool(nationality)
    reasons = _reasons(row, matched, mapping, taxonomy, nationality, reach, ranks, specific)
    value = (model or load_model())(parts)
    return Ranked(row, round(value, 4), matched, stale, age_note, reasons, specific)


def features(row: dict, ranks: dict[str, int], mapping: Mapping, semantic: float,
             today: date | None = None, country: str | None = None
             ) -> tuple[dict[str, float], dict[str, float], float, float]:
    """The features of a candidate, each in [0, 1], and what they matched. `cosine` is the
    passage's cosine with the client's own account (from the row, set by the search)."""
    rfs = row["risk_factors"]
    matched = {rf: rfs[rf] for rf in mapping.risk_factors if rf in rfs}
    contributions = sorted((mapping.risk_factors[rf] * s for rf, s in matched.items()),
                           reverse=True)
    client = min(1.0, contributions[0] + 0.15 * sum(contributions[1:])) if matched else 0.0
    nationality = 1.0 if mapping.nationality in row["nationalities"] else 0.0
    elements = row["elements"]
    element = 1.0 - math.prod(1.0 - min(1.0, elements.get(e, 0.0) * 0.6)
                              for e in mapping.elements)
    strong = [rf for rf, s in matched.items() if s >= RULE_LEVEL and mapping.risk_factors[rf]
              >= 0.6]
    focused = len(rfs) <= FOCUSED and (len(row["countries"]) <= 2 or nationality)
    specific = (1.0 if focused else 0.5) if strong else 0.0
    reach = 1.0 if set(row["actors"]) & set(mapping.actors) else 0.0
    recent, _, _ = _age(row.get("published"), today or date.today())
    focus = max((_rank_feature(r) for ch, r in ranks.items() if ch.startswith("vector")),
                default=0.0)
    parts = {"dense": _rank_feature(ranks.get("dense")), "bm25": _rank_feature(ranks.get("bm25")),
             "focus": focus, "terms": _rank_feature(ranks.get("fulltext")),
             "semantic": max(0.0, min(1.0, semantic)),
             "cosine": max(0.0, min(1.0, float(row.get("cosine") or 0.0))), "client": client,
             "nationality": nationality, "reach": reach, "element": element,
             "specific": specific, "recent": recent,
             "undated": 0.0 if _dated(row.get("published")) else 1.0,
             "official": 1.0 if any(o in str(row.get("publisher", "")).lower()
                                    for o in OFFICIAL) else 0.0}
    return parts, matched, nationality, reach


def _dated(published: str | None) -> bool:
    try:
        date.fromisoformat(str(published)[:10])
    except ValueError:
        return False
    return True


def _reasons(row: dict, matched: dict[str, float], mapping: Mapping, taxonomy: Taxonomy,
             nationality: float, reach: float, ranks: dict[str, int],
             specific: bool = False) -> list[str]:
    """Taxonomy labels only: `why` must never quote the client's own words."""
    out = ["specific to the client's group or nationality" if specific
           else "general: does not single out the client's group or nationality"]
    if matched:
        out.append("risk factors: " + ", ".join(taxonomy.risk_factor(r).label.en
                                                for r in matched))
    if nationality:
        out.append(f"concerns nationals of {mapping.nationality}")
    names = [taxonomy.actor(a).name for a in row["actors"] if a in mapping.actors
             and is_home_actor(taxonomy, a, mapping.nationality)]
    if reach and names:
        out.append("home-country persecutor present: " + ", ".join(names))
    els = [e for e in mapping.elements if row["elements"].get(e, 0.0) >= 0.5]
    if els:
        out.append("elements: " + ", ".join(els))
    found = sorted({"vector" if c.startswith("vector") else c for c in ranks})
    found = [{"dense": "client's account (dense)", "bm25": "client's account (full text)"}
             .get(c, c) for c in found]
    out.append("found by: " + ", ".join(found))
    return out


_WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return {tuple(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}


def collapse(items: list[Ranked]) -> list[tuple[Ranked, list[Ranked]]]:
    """Near-duplicates (same sentences republished) become one item with corroborating
    sources, so a bundle is not padded with the same text and a repeat still counts."""
    kept: list[tuple[Ranked, set, list[Ranked]]] = []
    for item in items:
        sh = shingles(item.row["text"])
        for _best, best_sh, dupes in kept:
            overlap = len(sh & best_sh) / max(1, min(len(sh), len(best_sh)))
            if overlap >= DUPLICATE_OVERLAP:
                dupes.append(item)
                break
        else:
            kept.append((item, sh, []))
    return [(best, dupes) for best, _, dupes in kept]
