"""nDCG@10 and recall@20 of BM25, dense and the project's ranking on the graded dev set.

The dev corpus (the sample mirror of real reports plus bench/devset/corpus.jsonl) is imported
through the normal ingest path into a temporary data directory; each (profile, third country)
is one query, and every system ranks the passages about that country (so all three get the
same country filter). Judgments are keyed by document URL + ordinal + text hash, so they
survive re-imports. See bench/devset/README.md. Usage: python bench/relevance.py
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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.countries import COUNTRIES  # noqa: E402
from core.settings import load_settings  # noqa: E402
from core.taxonomy import fold  # noqa: E402
from graph import queries as Q  # noqa: E402
from ingest.files import iter_items  # noqa: E402
from ingest.kb import KnowledgeBase  # noqa: E402
from retrieval.profile import TEXT_FIELDS, parse_profile  # noqa: E402
from retrieval.search import EvidenceSearch  # noqa: E402

DEVSET = ROOT / "bench" / "devset"
SOURCES = [ROOT / "data" / "sample" / "mirror", DEVSET / "corpus.jsonl"]
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
    scores: dict[str, tuple[float, float]]  # system -> (nDCG@10, recall@20)
    unjudged: dict[str, list[str]]  # system -> keys in its top 10 with no judgment
    stale: int = 0  # judgments whose passage is no longer in the corpus (ignored)


def load_judgments() -> dict[tuple[str, str], dict[str, int]]:
    judged: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for line in (DEVSET / "judgments.jsonl").open():
        j = json.loads(line)
        judged[(j["profile"], j["country"])][j["key"]] = j["grade"]
    return judged


def evaluate(kb: KnowledgeBase) -> list[QueryResult]:
    """Every (profile, third country) query ranked by the three systems; a passage missing
    from the judgments counts as grade 0 and is listed so the gap is visible."""
    profiles = [json.loads(line) for line in (DEVSET / "profiles.jsonl").open()]
    judged = load_judgments()
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
            keys = {r["id"]: passage_key(r["url"], r["ordinal"], r["text"]) for r in rows}
            present = set(keys.values())
            grades = {k: g for k, g in judged[(entry["id"], country)].items() if k in present}
            bm25 = BM25Okapi([tokens(r["text"]) for r in rows]).get_scores(tokens(query))
            systems = {
                "bm25": [rows[i]["id"] for i in np.argsort(-bm25, kind="stable")],
                "dense": [rows[i]["id"] for i in np.argsort(-(vectors @ qvec), kind="stable")],
                "project": project_ranking(searcher.for_profile(profile, [country], top=50)),
            }
            result = QueryResult(entry["id"], country, entry.get("split", "tune"), {}, {},
                                 len(judged[(entry["id"], country)]) - len(grades))
            for name, ranked in systems.items():
                ranked_keys = [keys[pid] for pid in ranked if pid in keys]
                result.scores[name] = (ndcg(ranked_keys, grades), recall(ranked_keys, grades))
                result.unjudged[name] = [k for k in ranked_keys[:10] if k not in grades]
            out.append(result)
    return out


def report(results: list[QueryResult]) -> None:
    names = list(results[0].scores) if results else []
    print(f"{'query (profile / country)':<40}{'split':<8}"
          + "".join(f"{n:>9}" for n in names) + "  unjudged@10 (project)")
    for r in results:
        print(f"{r.profile[:34] + ' / ' + r.country:<40}{r.split:<8}"
              + "".join(f"{r.scores[n][0]:>9.3f}" for n in names)
              + f"  {len(r.unjudged['project'])}")
    missing = sorted({k for r in results for n in names for k in r.unjudged[n]})
    print(f"stale judgments (passage text changed or gone, ignored): "
          f"{sum(r.stale for r in results)}")
    print(f"unjudged passages in some system's top 10 (graded 0): {len(missing)}")
    for key in missing[:20]:
        print(f"  {key}")
    for split in ("all", "tune", "holdout"):
        subset = [r for r in results if split in ("all", r.split)]
        if not subset:
            continue
        print(f"\n{split}: {len(subset)} queries; recall counts grade >= {RELEVANT}")
        print(f"{'system':<10}{'nDCG@10':>10}{'recall@20':>11}")
        means = {}
        for name in names:
            means[name] = float(np.mean([r.scores[name][0] for r in subset]))
            rec = float(np.mean([r.scores[name][1] for r in subset]))
            print(f"{name:<10}{means[name]:>10.3f}{rec:>11.3f}")
        best = max(means["bm25"], means["dense"])
        print(f"project / best baseline nDCG@10: {means['project'] / best:.2f}x (target 1.3x)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", help="reuse a data directory (default: a temporary one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({"CCKB_DATA_DIR": args.data_dir or tmp})
        with KnowledgeBase.open(settings) as kb:
            kb.init()
            ingested = kb.ingestor.ingest(iter_items(SOURCES, {}, kb.ingestor.max_bytes))
            print(f"corpus: {ingested.documents} documents, "
                  f"{kb.store.execute(Q.count_nodes('Passage'))[0]['n']} passages, "
                  f"{len(ingested.failures)} skipped")
            results = evaluate(kb)
    report(results)

if __name__ == "__main__":
    main()
