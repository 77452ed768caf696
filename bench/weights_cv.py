"""Would re-tuning the ranking's score weights generalise? Leave-one-profile-out cross-validation.

For each profile of the tune splits (`tune`, `tune2` of bench/devset), the weights of
retrieval/ranking.py are re-tuned by coordinate ascent on the other profiles' queries and scored
on the left-out profile's queries; the script prints the left-out nDCG@10 with the shipped
weights and with the re-tuned ones, and their ratio, measured in one run. Held-out splits are
never read. Candidates and their features are gathered once per query (the search itself), then
re-scored offline with each weight setting.

Usage: python bench/weights_cv.py [--data-dir DIR] [--weights relevance,client,...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import relevance as R  # noqa: E402

from core.settings import load_settings  # noqa: E402
from ingest.files import iter_items  # noqa: E402
from ingest.kb import KnowledgeBase  # noqa: E402
from retrieval.mapping import map_profile  # noqa: E402
from retrieval.profile import parse_profile  # noqa: E402
from retrieval.ranking import WEIGHTS, Ranked, collapse, score  # noqa: E402
from retrieval.search import EvidenceSearch  # noqa: E402

GRID = (0.0, 0.03, 0.05, 0.08, 0.12, 0.16, 0.2, 0.25, 0.33, 0.4, 0.5)
ROUNDS = 3
MIN_GAIN = 0.002


@dataclass
class Query:
    profile: str
    grades: dict[str, int]
    rescore: list[partial]  # per candidate: score(..., weights=...) -> Ranked


def gather(kb: KnowledgeBase) -> list[Query]:
    """Every tune-split query's candidates, ready to be re-scored with other weights."""
    searcher = EvidenceSearch.from_kb(kb)
    judged = R.load_judgments(R.DEVSET / "judgments.jsonl")
    today = date.today()
    out = []
    for entry in R.load_profiles():
        if not entry.get("split", "tune").startswith("tune"):
            continue  # held-out queries are never looked at here
        profile = parse_profile(entry["profile"])
        mapping = map_profile(profile, searcher.enricher)
        for country in profile.third_countries:
            found, rows, near = searcher.candidates(mapping, [country])
            keys = {r["id"]: R.passage_key(r["url"], r["ordinal"], r["text"])
                    for r in R.country_passages(kb, country)}
            grades = {k: g for k, g in judged[(entry["id"], country)].items()
                      if k in keys.values()}
            rescore = [partial(score, rows[pid], ranks, mapping, searcher.taxonomy, today,
                               near.get(pid, 0.0))
                       for pid, ranks in found.ranks.get(country, {}).items() if pid in rows]
            out.append(Query(entry["id"], grades, rescore))
    return out


def ndcg(query: Query, weights: dict[str, float], keys: dict[str, str]) -> float:
    ranked: list[Ranked] = sorted((f(weights=weights) for f in query.rescore),
                                  key=lambda r: (-r.score, r.row["id"]))
    order = []
    for best, dupes in collapse(ranked):
        order += [best.row["id"], *(d.row["id"] for d in dupes)]
    return R.ndcg([keys[pid] for pid in order if pid in keys], query.grades)


def mean(queries: list[Query], weights: dict[str, float], keys: dict[str, str]) -> float:
    return float(np.mean([ndcg(q, weights, keys) for q in queries]))


def ascend(queries: list[Query], names: list[str], keys: dict[str, str]) -> dict[str, float]:
    weights, best = dict(WEIGHTS), mean(queries, WEIGHTS, keys)
    for _ in range(ROUNDS):
        improved = False
        for name in names:
            for value in GRID:
                trial = {**weights, name: value}
                got = mean(queries, trial, keys)
                if got > best + MIN_GAIN:
                    weights, best, improved = trial, got, True
        if not improved:
            break
    return weights


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", help="reuse a data directory (default: a temporary one)")
    ap.add_argument("--weights", default=",".join(WEIGHTS),
                    help="the weights re-tuned (comma-separated; default: all)")
    args = ap.parse_args()
    names = [n for n in args.weights.split(",") if n]
    unknown = set(names) - set(WEIGHTS)
    if unknown:
        ap.error(f"unknown weight(s) {', '.join(sorted(unknown))} (known: {', '.join(WEIGHTS)})")
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({"CCKB_DATA_DIR": args.data_dir or tmp})
        with KnowledgeBase.open(settings) as kb:
            kb.init()
            kb.ingestor.ingest(iter_items(R.SOURCES, {}, kb.ingestor.max_bytes))
            queries = gather(kb)
            keys = {r["id"]: R.passage_key(r["url"], r["ordinal"], r["text"])
                    for c in {"BZ", "EC", "GT", "HN", "PY", "UG"}
                    for r in R.country_passages(kb, c)}
    shipped, tuned = [], []
    print(f"{len(queries)} tune queries; re-tuned weights: {', '.join(names)}")
    for profile in sorted({q.profile for q in queries}):
        train = [q for q in queries if q.profile != profile]
        test = [q for q in queries if q.profile == profile]
        weights = ascend(train, names, keys)
        for q in test:
            shipped.append(ndcg(q, WEIGHTS, keys))
            tuned.append(ndcg(q, weights, keys))
        print(f"  {profile:<34} shipped {np.mean(shipped[-len(test):]):.3f}  "
              f"re-tuned {np.mean(tuned[-len(test):]):.3f}")
    print(f"left-out nDCG@10: shipped weights {np.mean(shipped):.3f}, re-tuned "
          f"{np.mean(tuned):.3f} (re-tuned / shipped {np.mean(tuned) / np.mean(shipped):.3f}x)")
    print(f"in-sample (all tune queries, weights tuned on them): shipped "
          f"{mean(queries, WEIGHTS, keys):.3f}, re-tuned "
          f"{mean(queries, ascend(queries, names, keys), keys):.3f}")


if __name__ == "__main__":
    main()
