"""Latency of a profile search over two countries on a graph of >= 100,000 passages.

Synthetic passages (template sentences with taxonomy words, random unit vectors of the model's
dimension, random enrichment links) are loaded once into a reusable data directory; then a
profile search over HN and GT is timed against a brute-force numpy cosine over the same
vectors, in the same run. When each country has more passages than the exact-scan limit, the
same run also compares the throughput of concurrent searchers with FalkorDB's vector-index
searches one at a time (shipped) and without that lock. Last, the cost a CLI user pays: a whole
`cckb search --profile F --json` process on the same graph, its server already running
(interpreter, imports, model load, one search), wall time and peak memory, next to the
in-process search above.
Usage: python bench/search.py [--passages N] [--data-dir DIR] [--threads 8] [--seconds 20]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.settings import load_settings  # noqa: E402
from graph import queries as Q  # noqa: E402
from graph.loader import load_documents  # noqa: E402
from ingest.kb import KnowledgeBase  # noqa: E402
from retrieval import candidates as C  # noqa: E402
from retrieval.profile import parse_profile  # noqa: E402
from retrieval.search import EvidenceSearch  # noqa: E402

DIM = 384
PER_DOC = 100
COUNTRIES = ["HN", "GT", "EC", "PY", "UG", "BZ", "SV", "MX", "CO", "PE"]
GROUPS = ["gay men", "transgender women", "journalists", "Venezuelan migrants", "farmers",
          "women", "Indigenous leaders", "bus drivers", "students", "pastors"]
HARMS = ["were killed", "were threatened", "faced extortion", "were detained arbitrarily",
         "reported discrimination", "were attacked", "lost their jobs", "were displaced"]
ACTORS = ["gang members", "police officers", "unknown assailants", "neighbours", "soldiers"]
RISKS = ["lgbti", "gang_violence_extortion", "journalists", "xenophobia", "gender_based_violence",
         "indigenous", "religious", "impunity"]
ELEMENTS = ["harm", "nexus", "state_protection", "torture", "reach", "non_nationals"]
PROFILES = [
    {"nationality": "VE", "third_countries": ["HN", "GT"], "sexual_orientation": "gay",
     "narrative": "Threatened by colectivos for his activism; beaten by police."},
    {"nationality": "SV", "third_countries": ["HN", "GT"], "sex": "female",
     "narrative": "MS-13 extorted her business and threatened to kill her children."},
    {"nationality": "NI", "third_countries": ["HN", "GT"], "political_opinion":
     "opposition journalist", "persecutor_at_home": "Nicaraguan police",
     "narrative": "Detained and beaten after reporting on protests; followed after exile."},
]


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def document(i: int, vectors: np.ndarray) -> dict:
    rnd = random.Random(i)
    country = COUNTRIES[i % len(COUNTRIES)]
    passages = []
    for j in range(PER_DOC):
        text = (f"In {country} during {2015 + j % 10}, {rnd.choice(GROUPS)} "
                f"{rnd.choice(HARMS)} by {rnd.choice(ACTORS)} (record {i}-{j}).")
        passages.append({
            "id": f"psg-bench-{i}-{j}", "text": text, "ordinal": j, "start": 0,
            "end": len(text), "language": "en", "embedding": vectors[j].tolist(),
            "countries": [country], "nationalities": rnd.sample(["VE", "NI", "SV", "CU"], 1),
            "risk_factors": {r: 0.9 for r in rnd.sample(RISKS, 2)},
            "actors": rnd.sample(["ms13", "barrio18", "ni_state", "ve_state"], 1),
            "elements": {e: 0.9 for e in rnd.sample(ELEMENTS, 2)}})
    return {"id": f"doc-bench-{i}", "url": f"https://bench.example/{i}",
            "title": f"Synthetic report {i}", "publisher": "Bench", "source_id": "bench",
            "retrieved_at": "2026-01-01T00:00:00+00:00", "sha256": f"{i:064x}",
            "published": f"{2015 + i % 10}-06-01", "countries": [country],
            "passages": passages}


def load(kb: KnowledgeBase, n_docs: int, batch: int = 20) -> np.ndarray:
    rng = np.random.default_rng(7)
    all_vectors = []
    have = kb.store.execute(Q.count_nodes("Passage"))[0]["n"]
    started = time.perf_counter()
    for start in range(0, n_docs, batch):
        docs, vectors = [], []
        for i in range(start, min(n_docs, start + batch)):
            v = unit_vectors(rng, PER_DOC)
            vectors.append(v)
            docs.append(document(i, v))
        if have < n_docs * PER_DOC:
            load_documents(kb.store, docs)
        all_vectors += vectors
        if have < n_docs * PER_DOC and start % (batch * 50) == 0:
            print(f"  loaded {start + batch} docs, {time.perf_counter() - started:.0f} s",
                  flush=True)
    return np.vstack(all_vectors)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def concurrent(searcher: EvidenceSearch, profiles: list, threads: int,
               seconds: float) -> tuple[float, float]:
    """(searches per second, p95 ms) of `threads` threads searching for `seconds`."""
    latencies: list[float] = []
    stop = time.monotonic() + seconds

    def worker(k: int) -> None:
        while time.monotonic() < stop:
            t = time.perf_counter()
            searcher.for_profile(profiles[k % len(profiles)], top=10)
            latencies.append((time.perf_counter() - t) * 1000)

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    return len(latencies) / seconds, percentile(latencies, 95)


def lock_cost(searcher: EvidenceSearch, profiles: list, threads: int, seconds: float) -> None:
    """Throughput with FalkorDB's vector-index searches one at a time (shipped) and without that
    lock (concurrent index searches, which return corrupted pages: FalkorDB#2848), same run."""
    shipped = C._INDEX_LOCK
    try:
        with_lock = concurrent(searcher, profiles, threads, seconds)
        C._INDEX_LOCK = contextlib.nullcontext()  # type: ignore[assignment]
        without = concurrent(searcher, profiles, threads, seconds)
    finally:
        C._INDEX_LOCK = shipped
    print(f"{threads} concurrent searchers, {seconds:.0f} s each: index lock {with_lock[0]:.2f}/s "
          f"(p95 {with_lock[1]:.0f} ms), no lock {without[0]:.2f}/s (p95 {without[1]:.0f} ms); "
          f"throughput with / without {with_lock[0] / max(without[0], 1e-9):.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--passages", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--threads", type=int, default=8,
                    help="concurrent searchers for the index-lock comparison (0: skip)")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--data-dir", default=os.environ.get("CCKB_BENCH_DIR", "/tmp/cckb-bench"))
    ap.add_argument("--cli-runs", type=int, default=2, help="whole `cckb search` processes")
    args = ap.parse_args()
    settings = load_settings({"CCKB_DATA_DIR": args.data_dir})
    with KnowledgeBase.open(settings) as kb:
        kb.init()
        t = time.perf_counter()
        matrix = load(kb, args.passages // PER_DOC)
        print(f"graph ready: {len(matrix):,} passages ({time.perf_counter() - t:.0f} s)")
        searcher = EvidenceSearch.from_kb(kb)
        profiles = [parse_profile(p) for p in PROFILES]
        searcher.for_profile(profiles[0])  # warm-up: model load, caches
        search_ms, brute_ms, embed_ms, inside_ms = [], [], [], []
        encode = searcher.embedder.encode
        in_search: list[float] = []

        def timed_encode(texts: list[str]) -> np.ndarray:
            start = time.perf_counter()
            try:
                return encode(texts)
            finally:
                in_search.append((time.perf_counter() - start) * 1000)

        for i in range(args.runs):
            t = time.perf_counter()
            searcher.embedder.encode([PROFILES[i % len(PROFILES)]["narrative"]])
            embed_ms.append((time.perf_counter() - t) * 1000)
            in_search.clear()
            searcher.embedder.encode = timed_encode  # type: ignore[method-assign]
            t = time.perf_counter()
            searcher.for_profile(profiles[i % len(profiles)], top=10)
            search_ms.append((time.perf_counter() - t) * 1000)
            searcher.embedder.encode = encode  # type: ignore[method-assign]
            inside_ms.append(search_ms[-1] - sum(in_search))
            q = unit_vectors(np.random.default_rng(i), 1)[0]
            t = time.perf_counter()
            sims = matrix @ q
            np.argpartition(-sims, 400)[:400]
            brute_ms.append((time.perf_counter() - t) * 1000)
        if args.cli_runs:  # while this process keeps the graph server up, as the UI would
            cli_cost(args.data_dir, args.cli_runs, statistics.median(search_ms))
        per_country = len(matrix) // len(COUNTRIES)
        if args.threads and per_country > C.EXACT_MAX:
            lock_cost(searcher, profiles, args.threads, args.seconds)
        elif args.threads:
            print(f"(index-lock comparison skipped: {per_country} passages per country use the "
                  f"exact scan, not the index)")
    print(f"profile search, 2 countries, {len(matrix):,} passages, {args.runs} runs: "
          f"p50 {statistics.median(search_ms):.0f} ms, p95 {percentile(search_ms, 95):.0f} ms")
    print(f"  of which one narrative embedding alone: p50 {statistics.median(embed_ms):.0f} ms, "
          f"p95 {percentile(embed_ms, 95):.0f} ms; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs")
    print(f"  the search without its own query embedding (graph reads, ranking): "
          f"p50 {statistics.median(inside_ms):.0f} ms, p95 {percentile(inside_ms, 95):.0f} ms")
    print(f"brute-force numpy cosine (one query vector, top 400): "
          f"p50 {statistics.median(brute_ms):.1f} ms, p95 {percentile(brute_ms, 95):.1f} ms")


def cli_cost(data_dir: str, runs: int, in_process_ms: float) -> None:
    """Wall time and peak RSS of whole `cckb search --profile` processes (a synthetic profile in
    a private temporary file, removed after)."""
    walls = []
    with tempfile.TemporaryDirectory(prefix="cckb-bench-cli-") as tmp:
        profile = Path(tmp) / "profile.json"
        profile.write_text(__import__("json").dumps(PROFILES[0]), encoding="utf-8")
        env = {**os.environ, "CCKB_DATA_DIR": data_dir}
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "cckb.main", "search", "--profile",
                            str(profile), "--json"], env=env, check=True,
                           capture_output=True, timeout=600,
                           cwd=Path(__file__).resolve().parent.parent)
            walls.append(time.perf_counter() - t)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"a whole `cckb search --profile` process: {' '.join(f'{w:.1f}' for w in walls)} s "
          f"(peak {peak_mb:.0f} MB), {min(walls) * 1000 / in_process_ms:.0f}x the in-process "
          f"search's p50: start-up, not search, is what a CLI user waits for")


if __name__ == "__main__":
    main()
