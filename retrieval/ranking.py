"""Rank candidates for one client in one country, collapse duplicates, explain each item.

The score favours what persuades a judge: evidence about people like the client (the
passage evidences the client's risk factors, or concerns their nationality), about a legal
element, specific (names the group in a country-specific report), recent and from a
recognised source. Fused channel ranks (RRF) carry topical relevance. Old evidence is
marked stale and discounted, never hidden: it can still show a persistent pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from core.taxonomy import Taxonomy
from retrieval.mapping import Mapping

RRF_K = 60
BREADTH = 0.15  # each further matched risk factor adds little: roundups list every group
FOCUSED = 3  # a passage evidencing more risk factors than this is a roundup, not specific
STALE_YEARS = 3
RULE_LEVEL = 0.9  # enrichment's score when a taxonomy term is in the text itself
DUPLICATE_OVERLAP = 0.6  # share of the shorter text's 5-word shingles
WEIGHTS = {"relevance": 0.25, "client": 0.33, "nationality": 0.08, "element": 0.08,
           "specific": 0.12, "reach": 0.05, "semantic": 0.12}
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


def _noisy_or(values: list[float]) -> float:
    out = 1.0
    for v in values:
        out *= 1.0 - max(0.0, min(1.0, v))
    return 1.0 - out


def _age(published: str | None, today: date) -> tuple[float, bool, str]:
    """Recency factor, stale flag and a human note; unknown dates are mildly discounted."""
    try:
        years = (today - date.fromisoformat(str(published)[:10])).days / 365.25
    except ValueError:
        return 0.95, False, "publication date unknown"
    if years <= STALE_YEARS:
        return 1.0, False, f"published {str(published)[:10]}"
    return (0.9 if years <= 2 * STALE_YEARS else 0.8), True, \
        f"published {str(published)[:10]}, {years:.0f} years old: check for newer evidence"


def score(row: dict, ranks: dict[str, int], mapping: Mapping, taxonomy: Taxonomy,
          today: date, semantic: float = 0.0, weights: dict[str, float] = WEIGHTS) -> Ranked:
    """One candidate's score in [0, 1] and the reasons a lawyer will read in `why`.

    `semantic` is the passage's closeness to the client's own account, in [0, 1] among the
    country's candidates: it separates passages that all carry the same taxonomy tags.
    `weights` other than WEIGHTS are for bench/weights_cv.py only."""
    parts, matched, nationality, reach = features(row, ranks, mapping, semantic)
    raw = sum(weights[k] * v for k, v in parts.items()) / sum(weights.values())
    recency, stale, age_note = _age(row.get("published"), today)
    source = 1.0 if any(o in str(row.get("publisher", "")).lower() for o in OFFICIAL) else 0.95
    reasons = _reasons(row, matched, mapping, taxonomy, nationality, reach, ranks)
    return Ranked(row, round(raw * recency * source, 4), matched, stale, age_note, reasons)


def features(row: dict, ranks: dict[str, int], mapping: Mapping,
             semantic: float) -> tuple[dict[str, float], dict[str, float], float, float]:
    """The weighted parts of a candidate's score, each in [0, 1], and what they matched."""
    channels = max(1, len(ranks))
    relevance = sum(1.0 / (RRF_K + r) for r in ranks.values()) / (channels / (RRF_K + 1))
    relevance = min(1.0, relevance * min(1.0, channels / 2))
    rfs = row["risk_factors"]
    matched = {rf: rfs[rf] for rf in mapping.risk_factors if rf in rfs}
    contributions = sorted((mapping.risk_factors[rf] * s for rf, s in matched.items()),
                           reverse=True)
    client = min(1.0, contributions[0] + BREADTH * sum(contributions[1:])) if matched else 0.0
    nationality = 1.0 if mapping.nationality in row["nationalities"] else 0.0
    elements = row["elements"]
    element = _noisy_or([elements.get(e, 0.0) * 0.6 for e in mapping.elements])
    strong = [rf for rf, s in matched.items() if s >= RULE_LEVEL and mapping.risk_factors[rf]
              >= 0.6]
    focused = len(rfs) <= FOCUSED and (len(row["countries"]) <= 2 or nationality)
    specific = (1.0 if focused else 0.5) if strong else 0.0
    reach = 1.0 if set(row["actors"]) & set(mapping.actors) else 0.0
    parts = {"relevance": relevance, "client": client, "nationality": nationality,
             "element": element, "specific": specific, "reach": reach,
             "semantic": max(0.0, min(1.0, semantic))}
    return parts, matched, nationality, reach


def _reasons(row: dict, matched: dict[str, float], mapping: Mapping, taxonomy: Taxonomy,
             nationality: float, reach: float, ranks: dict[str, int]) -> list[str]:
    """Taxonomy labels only: `why` must never quote the client's own words."""
    out = []
    if matched:
        out.append("risk factors: " + ", ".join(taxonomy.risk_factor(r).label.en
                                                for r in matched))
    if nationality:
        out.append(f"concerns nationals of {mapping.nationality}")
    if reach:
        names = [taxonomy.actor(a).name for a in row["actors"] if a in mapping.actors]
        out.append("home-country persecutor present: " + ", ".join(names))
    els = [e for e in mapping.elements if row["elements"].get(e, 0.0) >= 0.5]
    if els:
        out.append("elements: " + ", ".join(els))
    found = sorted({"vector" if c.startswith("vector") else c for c in ranks})
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
