"""nDCG@10 and recall@20 of BM25, dense, their RRF and the project's ranking, per split.

Two judged sets, each imported through the normal ingest path into its own temporary data
directory: the dev set (the sample mirror of real reports plus bench/devset/corpus.jsonl,
judged per passage by document URL + ordinal + text hash) and the frozen test set
bench/devset/holdout4 (its own corpus, publishers and clients, judged per document before any
system ranked it; a system's ranking is read as documents, first passage first). Each (profile,
third country) is one query, and every system ranks the passages about that country (so all
get the same country filter; the baselines see only the profile's text and nationality).

`--fit` refits the ranking model (data/ranker.json) on the tune splits' grades and writes it;
the held-out splits are then measured with it. See bench/devset/README.md.
Usage: python bench/relevance.py [--fit]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.countries import COUNTRIES  # noqa: E402
from core.ids import canonical_url  # noqa: E402
from core.settings import load_settings  # noqa: E402
from core.taxonomy import fold  # noqa: E402
from graph import queries as Q  # noqa: E402
from ingest.files import iter_items  # noqa: E402
from ingest.kb import KnowledgeBase  # noqa: E402
from retrieval.mapping import map_profile  # noqa: E402
from retrieval.profile import TEXT_FIELDS, parse_profile  # noqa: E402
from retrieval.ranking import FEATURES, RANKER_FILE, features, load_model  # noqa: E402
from retrieval.search import EvidenceSearch  # noqa: E402

DEVSET = ROOT / "bench" / "devset"
SOURCES = [ROOT / "data" / "sample" / "mirror", DEVSET / "corpus.jsonl"]
HOLDOUT4 = DEVSET / "holdout4"
RELEVANT = 2  # grade counted as relevant for recall


def passage_key(url: str, ordinal: int, text: str) -> str:
    return f"{url}#{ordinal}:{hashlib.sha1(text.encode('utf-8')).hexdigest()[:10]}"


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def profile_text(raw: dict) -> str:
    """What a baseline sees: every text field of the profile and the nationality's name."""
    parts = [COUNTRIES[raw["nationality"]]["name"]]
    parts += [raw.get(f, "") for f in TEXT_FIELDS] + raw.get("social_groups", [])
    return " ".join(p for p in parts if p)


def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** grades.get(key, 0) - 1) / math.log2(i + 2) for i, key in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranked: list[str], grades: dict[str, int], k: int = 20) -> float:
    relevant = {key for key, g in grades.items() if g >= RELEVANT}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 1.0


def country_passages(kb: KnowledgeBase, iso2: str) -> list[dict]:
    ids = [r["id"] for r in kb.store.execute(Q.passages_about(iso2, 100_000))]
    rows = kb.store.execute(Q.passage_evidence(ids)) if ids else []
    return sorted(rows, key=lambda r: r["id"])


def project_ranking(result: dict) -> list[str]:
    """Evidence in order; a collapsed duplicate counts right after the item it joined."""
    out = []
    for item in result["countries"][0]["evidence"]:
        out.append(item["passage_id"])
        out += [c["passage_id"] for c in item.get("corroborating", [])]
    return out


@dataclass
class QueryResult:
    profile: str
    country: str
    split: str
    ranked: dict[str, list[str]]  # system -> passage keys, best first
    present: set[str]  # keys of the passages about the country (judgments of others are stale)
    scores: dict[str, tuple[float, float]] = field(default_factory=dict)  # (nDCG@10, recall@20)
    unjudged: dict[str, list[str]] = field(default_factory=dict)  # top-10 keys with no grade
    stale: int = 0  # judgments whose passage is no longer in the corpus (ignored)

    def scored(self, judged: dict[str, int]) -> QueryResult:
        """This query's rankings scored against one annotator's grades."""
        grades = {k: g for k, g in judged.items() if k in self.present}
        out = QueryResult(self.profile, self.country, self.split, self.ranked, self.present,
                          stale=len(judged) - len(grades))
        for name, keys in self.ranked.items():
            out.scores[name] = (ndcg(keys, grades), recall(keys, grades))
            out.unjudged[name] = [k for k in keys[:10] if k not in grades]
        return out


def load_judgments(*paths: Path) -> dict[tuple[str, str], dict[str, int]]:
    """Grades per query: keyed by passage key (dev set) or document URL (holdout4)."""
    judged: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for path in paths:
        for line in path.open():
            j = json.loads(line)
            key = j.get("key") or canonical_url(j["url"])  # ingest stores canonical URLs
            judged[(j["profile"], j["country"])][key] = j["grade"]
    return judged


def load_profiles(*paths: Path) -> list[dict]:
    return [json.loads(line) for path in paths or (DEVSET / "profiles.jsonl",)
            for line in path.open() if line.strip()]


def rrf(*rankings: list[str], k: int = 60) -> list[str]:
    """Reciprocal rank fusion: the untuned floor RETRIEVAL.md names."""
    fused: dict[str, float] = defaultdict(float)
    for ranking in rankings:
        for i, pid in enumerate(ranking, start=1):
            fused[pid] += 1.0 / (k + i)
    return sorted(fused, key=lambda pid: (-fused[pid], pid))


def rank_all(kb: KnowledgeBase, profiles: list[dict], by_document: bool = False,
             explain: set[tuple[str, str]] = frozenset(),
             judged: dict | None = None) -> list[QueryResult]:
    """Every (profile, third country) query ranked by the four systems, over the passages
    about that country. `by_document`: keys are document URLs, each document at its first
    passage's place (the holdout4 grades are per document)."""
    searcher = EvidenceSearch.from_kb(kb)
    out: list[QueryResult] = []
    cache: dict[str, tuple[list[dict], np.ndarray]] = {}
    for entry in profiles:
        raw, profile = entry["profile"], parse_profile(entry["profile"])
        query = profile_text(raw)
        qvec = kb.embedder.encode([query])[0]
        for country in profile.third_countries:
            if country not in cache:
                rows = country_passages(kb, country)
                cache[country] = (rows, kb.embedder.encode([r["text"] for r in rows]))
            rows, vectors = cache[country]
            keys = {r["id"]: r["url"] if by_document else
                    passage_key(r["url"], r["ordinal"], r["text"]) for r in rows}
            bm25 = BM25Okapi([tokens(r["text"]) for r in rows]).get_scores(tokens(query))
            found = searcher.for_profile(profile, [country], top=50)
            systems = {
                "bm25": [rows[i]["id"] for i in np.argsort(-bm25, kind="stable")],
                "dense": [rows[i]["id"] for i in np.argsort(-(vectors @ qvec), kind="stable")],
            }
            systems["rrf"] = rrf(systems["bm25"], systems["dense"])
            systems["project"] = project_ranking(found)
            out.append(QueryResult(entry["id"], country, entry.get("split", "tune"),
                                   {name: list(dict.fromkeys(keys[pid] for pid in ranked
                                                             if pid in keys))
                                    for name, ranked in systems.items()},
                                   set(keys.values())))
            if (entry["id"], country) in explain:
                explain_query(found, keys, (judged or {}).get((entry["id"], country), {}))
    return out


def explain_query(found: dict, keys: dict[str, str], grades: dict[str, int]) -> None:
    """The project's top 15 with their grades and `why`: for failure analysis of tune queries."""
    print(f"\n--- explain: {found['countries'][0]['country']}")
    for i, item in enumerate(found["countries"][0]["evidence"][:15], start=1):
        key = keys.get(item["passage_id"], "")
        print(f"{i:>2} grade={grades.get(key, '?')} score={item['score']:.3f} {key[:90]}")
        print(f"   why: {item['why']}")
        print(f"   {item['text'][:160]!r}")


def report(results: list[QueryResult], splits: tuple[str, ...]) -> dict[str, dict[str, float]]:
    names = list(results[0].scores) if results else []
    print(f"{'query (profile / country)':<40}{'split':<9}"
          + "".join(f"{n:>9}" for n in names) + "  unjudged@10 (project)")
    for r in results:
        print(f"{r.profile[:34] + ' / ' + r.country:<40}{r.split:<9}"
              + "".join(f"{r.scores[n][0]:>9.3f}" for n in names)
              + f"  {len(r.unjudged['project'])}")
    missing = sorted({k for r in results for n in names for k in r.unjudged[n]})
    print(f"stale judgments (passage text changed or gone, ignored): "
          f"{sum(r.stale for r in results)}")
    print(f"unjudged passages in some system's top 10 (graded 0): {len(missing)}")
    for key in missing[:20]:
        print(f"  {key}")
    summary = {}
    for split in splits:
        members = SPLITS.get(split, (split,))
        subset = [r for r in results if split == "all" or r.split in members]
        if not subset:
            continue
        print(f"\n{split}: {len(subset)} queries; recall counts grade >= {RELEVANT}")
        print(f"{'system':<10}{'nDCG@10':>10}{'recall@20':>11}")
        means = {}
        for name in names:
            means[name] = float(np.mean([r.scores[name][0] for r in subset]))
            rec = float(np.mean([r.scores[name][1] for r in subset]))
            print(f"{name:<10}{means[name]:>10.3f}{rec:>11.3f}")
        recalls = {n: float(np.mean([r.scores[n][1] for r in subset])) for n in names}
        best = max(means[n] for n in BASELINES)
        low, high = ratio_interval(subset)
        print(f"project / best baseline nDCG@10: {means['project'] / best:.2f}x (target 1.2x); "
              f"95% bootstrap interval over queries {low:.2f}-{high:.2f}; recall@20 "
              f"{'>=' if recalls['project'] >= max(recalls[n] for n in BASELINES) else '<'} "
              "best baseline")
        summary[split] = means
    return summary


def ratio_interval(results: list[QueryResult], rounds: int = 2000) -> tuple[float, float]:
    """Percentile bootstrap of project / best baseline, resampling queries (seeded)."""
    rng = np.random.default_rng(7)
    table = np.array([[r.scores[n][0] for n in ("project", *BASELINES)] for r in results])
    ratios = []
    for _ in range(rounds):
        sample = table[rng.integers(0, len(table), len(table))].mean(axis=0)
        ratios.append(sample[0] / max(*sample[1:], 1e-9))
    return float(np.percentile(ratios, 2.5)), float(np.percentile(ratios, 97.5))


# tune: ranking changes were chosen on these (annotator A). tune2: ten profiles graded by
# annotators B, C, D; measured once as held-out, then opened for failure analysis. holdout: fixed
# before the first run (A). holdout3: eleven profiles graded by annotators F-J before any system
# ranked them, measured once after the last ranking change. See bench/devset/README.md.
# holdout4: a separate corpus (other publishers) and clients, graded per document by
# annotators K and L before any system ranked it; frozen: measured once per shipped change.
SPLITS = {"held-out (both)": ("holdout", "holdout3")}
BASELINES = ("bm25", "dense", "rrf")
TUNE = ("tune", "tune2")  # the only splits --fit and --explain may use


def agreement(first: dict, second: dict) -> None:
    """Exact agreement and quadratic-weighted Cohen's kappa on the passages both graded."""
    pairs = [(first[q][k], g) for q, grades in second.items() for k, g in grades.items()
             if k in first.get(q, {})]
    if not pairs:
        return
    cats = range(4)
    n = len(pairs)
    seen: dict[tuple[int, int], int] = defaultdict(int)
    for pair in pairs:
        seen[pair] += 1
    left = [sum(1 for a, _ in pairs if a == c) for c in cats]
    right = [sum(1 for _, b in pairs if b == c) for c in cats]
    observed = sum((i - j) ** 2 * seen[(i, j)] for i in cats for j in cats) / n
    expected = sum((i - j) ** 2 * left[i] * right[j] for i in cats for j in cats) / n / n
    exact = sum(a == b for a, b in pairs) / n
    print(f"\nsecond annotator (E) on {len(second)} queries, {n} passages: exact agreement "
          f"{exact:.2f}, quadratic-weighted kappa {1 - observed / expected:.2f}")


def fit(kb: KnowledgeBase, profiles: list[dict], judged: dict, l2: float = 1.0) -> dict:
    """Fit the logistic ranking model on the tune queries' candidates (target: the grade's
    nDCG gain 2^g - 1 scaled to [0, 1], so a general-context grade 1 counts little; each
    query weighing the same, L2-regularised Newton steps) and write it to data/ranker.json."""
    searcher = EvidenceSearch.from_kb(kb)
    today = date.today()
    x, y, w = [], [], []
    queries = 0
    for entry in profiles:
        profile = parse_profile(entry["profile"])
        mapping = map_profile(profile, searcher.enricher)
        for country in profile.third_countries:
            grades = judged.get((entry["id"], country), {})
            found, rows, near = searcher.candidates(mapping, [country])
            bucket = {pid: r for pid, r in found.ranks.get(country, {}).items() if pid in rows}
            queries += 1
            for pid, ranks in bucket.items():
                row = rows[pid]
                parts = features(row, ranks, mapping, near.get(pid, 0.0), today, country)[0]
                x.append([parts[f] for f in FEATURES])
                grade = grades.get(passage_key(row["url"], row["ordinal"], row["text"]), 0)
                y.append((2 ** grade - 1) / 7)  # the gain nDCG gives the grade, scaled to [0, 1]
                w.append(1.0 / len(bucket))
    x_, y_, w_ = np.array(x), np.array(y), np.array(w) * len(w) / queries
    free = list(FEATURES)
    while True:  # a feature whose sign the fit gets wrong is dropped, and the rest refitted
        beta = _logistic(x_[:, [FEATURES.index(f) for f in free]], y_, w_, l2)
        wrong = [f for f, b in zip(free, beta[1:], strict=True) if b * SIGN[f] < 0]
        if not wrong:
            break
        free = [f for f in free if f not in wrong]
    fitted = dict(zip(free, beta[1:], strict=True))
    beta = np.array([beta[0]] + [fitted.get(f, 0.0) for f in FEATURES])
    model = {"bias": round(float(beta[0]), 4),
             "weights": {f: round(float(b), 4) for f, b in zip(FEATURES, beta[1:], strict=True)},
             "fitted_on": {"splits": list(TUNE), "queries": queries, "candidates": len(x_),
                           "l2": l2, "dropped (wrong sign)": sorted(set(FEATURES) - set(free)),
                           "date": today.isoformat(),
                           "by": "python bench/relevance.py --fit"}}
    RANKER_FILE.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    load_model.cache_clear()
    print(f"fitted on {queries} tune queries, {len(x_)} candidates: "
          + ", ".join(f"{k} {v:+.2f}" for k, v in model["weights"].items())
          + f", bias {model['bias']:+.2f}")
    return model


# The direction each feature may push a score: a fit that reverses one (a passage about the
# country counting against it) has learned the dev set's accidents, not the task.
SIGN = {f: 1 for f in FEATURES} | {"undated": -1}


def _logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float) -> np.ndarray:
    """Weighted logistic regression with soft targets, L2 on the weights (not the bias)."""
    design = np.hstack([np.ones((len(x), 1)), x])
    beta = np.zeros(design.shape[1])
    penalty = np.diag([0.0] + [l2] * x.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-design @ beta))
        grad = design.T @ (w * (p - y)) + penalty @ beta
        hess = (design * (w * p * (1 - p))[:, None]).T @ design + penalty
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def _import(kb: KnowledgeBase, sources: list[Path], label: str) -> None:
    kb.init()
    ingested = kb.ingestor.ingest(iter_items(sources, {}, kb.ingestor.max_bytes))
    print(f"{label} corpus: {ingested.documents} documents, "
          f"{kb.store.execute(Q.count_nodes('Passage'))[0]['n']} passages, "
          f"{len(ingested.failures)} skipped")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", help="reuse a data directory for the dev set "
                    "(default: a temporary one)")
    ap.add_argument("--explain", action="append", default=[], metavar="PROFILE/ISO2",
                    help="print the project's top 15 with grades for a tune query (repeatable)")
    ap.add_argument("--fit", action="store_true",
                    help="refit data/ranker.json on the tune splits before measuring")
    ap.add_argument("--no-holdout4", action="store_true",
                    help="skip the frozen test set (while analysing tune queries)")
    args = ap.parse_args()
    profiles = load_profiles()
    tune = [e for e in profiles if e.get("split", "tune") in TUNE]
    tune_queries = {(e["id"], c) for e in tune for c in e["profile"]["third_countries"]}
    explain = {tuple(x.split("/")) for x in args.explain}
    if explain - tune_queries:
        ap.error("--explain takes tune queries only: held-out failures must not steer the "
                 f"ranking ({', '.join('/'.join(q) for q in sorted(explain - tune_queries))})")
    first = load_judgments(DEVSET / "judgments.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({"CCKB_DATA_DIR": args.data_dir or tmp})
        with KnowledgeBase.open(settings) as kb:
            _import(kb, SOURCES, "dev")
            if args.fit:
                fit(kb, tune, first)
            ranked = rank_all(kb, profiles, explain=explain, judged=first)
    report([r.scored(first[(r.profile, r.country)]) for r in ranked],
           ("all", "tune", "tune2", "holdout", "holdout3", "held-out (both)"))
    second = load_judgments(DEVSET / "judgments_second.jsonl")
    agreement(first, second)
    print("the same rankings scored with annotator E's grades on those queries:")
    report([r.scored(second[(r.profile, r.country)]) for r in ranked
            if (r.profile, r.country) in second], ("all",))
    if args.no_holdout4 or not sorted(HOLDOUT4.glob("judgments_*.jsonl")):
        return
    frozen = load_judgments(*sorted(HOLDOUT4.glob("judgments_*.jsonl")))
    with tempfile.TemporaryDirectory() as tmp:
        with KnowledgeBase.open(load_settings({"CCKB_DATA_DIR": tmp})) as kb:
            _import(kb, sorted(HOLDOUT4.glob("corpus_*.jsonl")), "holdout4")
            held = rank_all(kb, load_profiles(*sorted(HOLDOUT4.glob("profiles_*.jsonl"))),
                            by_document=True)
    print("\nholdout4 (frozen test set; grades per document)")
    report([r.scored(frozen.get((r.profile, r.country), {})) for r in held], ("holdout4",))


if __name__ == "__main__":
    main()
