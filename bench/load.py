"""Concurrent load on one embedded graph: profile searches from threads, import beside reads.

Why: the UI serves several advocates at once against one embedded FalkorDB (one redis-server
on a Unix socket); searches must not error or serialise badly under concurrency, and an import
running in another process must not make concurrent readers fail or see torn counts.

Usage: python bench/load.py [--threads 20] [--seconds 60] [--import-seconds 30]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.settings import load_settings  # noqa: E402
from graph import queries as Q  # noqa: E402
from graph.stats import node_counts  # noqa: E402
from ingest.files import iter_items  # noqa: E402
from ingest.kb import KnowledgeBase  # noqa: E402
from retrieval.profile import parse_profile  # noqa: E402
from retrieval.search import EvidenceSearch  # noqa: E402

PROFILES = [
    {"nationality": "VE", "third_countries": ["HN"], "sex": "female",
     "narrative": "Gang members threatened me after I refused to pay extortion."},
    {"nationality": "CU", "third_countries": ["GT", "HN"], "gender_identity": "transgender woman",
     "narrative": "I was beaten by police and fear violence against LGBTQI persons."},
    {"nationality": "NI", "third_countries": ["SV"], "political_opinion": "opposition",
     "narrative": "Journalists and activists are persecuted and detained."},
]


def searches(data_dir: Path, threads: int, seconds: float) -> dict:
    """`threads` threads sharing one EvidenceSearch (the embedder is locked) for `seconds`."""
    kb = KnowledgeBase.open(load_settings({"CCKB_DATA_DIR": str(data_dir)}))
    search = EvidenceSearch.from_kb(kb)
    profiles = [parse_profile(p) for p in PROFILES]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def loop(i: int) -> None:
        n = i
        while time.monotonic() < stop:
            t0 = time.monotonic()
            try:
                search.for_profile(profiles[n % len(profiles)])
                with lock:
                    latencies.append(time.monotonic() - t0)
            except Exception as exc:  # noqa: BLE001 - counted, the point of a load test
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
            n += 1

    pool = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    t0 = time.monotonic()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.monotonic() - t0
    kb.close()
    lat = sorted(latencies) or [0.0]
    return {"searches": len(latencies), "errors": len(errors), "error_kinds": errors[:3],
            "throughput_per_s": round(len(latencies) / wall, 2),
            "p50_ms": round(statistics.median(lat) * 1000),
            "p95_ms": round(lat[int(0.95 * (len(lat) - 1))] * 1000)}


def _importer(data_dir: str, seconds: float, out: mp.Queue) -> None:
    """Another process: ingest fresh JSONL documents in a loop."""
    kb = KnowledgeBase.open(load_settings({"CCKB_DATA_DIR": data_dir}))
    done, failures, n = 0, 0, 0
    stop = time.monotonic() + seconds
    with tempfile.TemporaryDirectory() as tmp:
        while time.monotonic() < stop:
            path = Path(tmp) / f"batch-{n}.jsonl"
            path.write_text(json.dumps({
                "url": f"https://load.example.org/doc/{n}", "title": f"Load doc {n}",
                "publisher": "Load", "countries": ["HN"], "language": "en",
                "text": f"Gangs extorted bus drivers in Tegucigalpa (batch {n}). Police rarely "
                        "investigated threats against human rights defenders in Honduras."}) + "\n")
            report = kb.ingestor.ingest(iter_items([path]))
            done += report.documents
            failures += len(report.failures)
            n += 1
    kb.close()
    out.put({"imported": done, "failures": failures})


def mixed(data_dir: Path, seconds: float) -> dict:
    """One process imports while this one counts nodes and searches; counts must add up."""
    kb = KnowledgeBase.open(load_settings({"CCKB_DATA_DIR": str(data_dir)}))
    before = node_counts(kb.store)["Document"]
    ctx = mp.get_context("spawn")  # a fresh interpreter: no forked redis connections
    q = ctx.Queue()
    proc = ctx.Process(target=_importer, args=(str(data_dir), seconds, q))
    proc.start()
    search = EvidenceSearch.from_kb(kb)
    profile = parse_profile(PROFILES[0])
    reads, errors, last = 0, 0, before
    while proc.is_alive():
        try:
            n = int(kb.store.execute(Q.count_nodes("Document"))[0]["n"])
            if n < last:
                errors += 1  # documents never disappear during an import
            last = n
            search.for_profile(profile)
            reads += 1
        except Exception:  # noqa: BLE001
            errors += 1
    proc.join()
    result = q.get(timeout=10) if proc.exitcode == 0 else {"imported": -1, "failures": -1}
    after = node_counts(kb.store)["Document"]
    kb.close()
    return {**result, "reader_rounds": reads, "reader_errors": errors,
            "importer_exit": proc.exitcode, "documents_before": before,
            "documents_after": after,
            "consistent": after == before + result["imported"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--import-seconds", type=float, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cckb-load-") as tmp:
        data_dir = Path(tmp) / "kb"
        with KnowledgeBase.open(load_settings({"CCKB_DATA_DIR": str(data_dir)})) as kb:
            kb.init()
            report = kb.ingestor.ingest(iter_items([ROOT / "data" / "sample" / "mirror"],
                                                   {"source_id": "sample"}))
            # the server stays up only while a client holds it: keep this one open
            print(f"sample: {report.documents} documents, {len(report.failures)} failed, "
                  f"nodes {node_counts(kb.store)}")
            print("searches:", json.dumps(searches(data_dir, args.threads, args.seconds)))
            print("import + reads:", json.dumps(mixed(data_dir, args.import_seconds)))


if __name__ == "__main__":
    main()
