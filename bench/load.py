"""Concurrent load on one embedded graph: profile searches from threads, import beside reads.

Why: the UI serves several advocates at once against one embedded FalkorDB (one redis-server
on a Unix socket); searches must not error or serialise badly under concurrency, and an import
running in another process must not make concurrent readers fail or see torn counts.

`crawl_beside_reads` does the same with a crawl: `cckb crawl` (its own process) crawls recorded
pages of several sources served on 127.0.0.1 into the knowledge base this process searches.

Usage: python bench/load.py [--threads 20] [--seconds 60] [--import-seconds 30] [--no-crawl]
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


def searches(data_dir: Path, threads: int, seconds: float, combine: bool = True) -> dict:
    """`threads` threads sharing one EvidenceSearch for `seconds`. The model runs one forward
    pass at a time; `combine` lets the encode calls queued behind a pass share the next one
    (False: one pass per call, the former behaviour)."""
    kb = KnowledgeBase.open(load_settings({"CCKB_DATA_DIR": str(data_dir)}))
    kb.embedder.combine = combine  # type: ignore[attr-defined]
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
    kb.embedder.combine = True  # type: ignore[attr-defined]
    kb.close()
    lat = sorted(latencies) or [0.0]
    return {"combine": combine, "threads": threads, "seconds": seconds,
            "searches": len(latencies), "errors": len(errors), "error_kinds": errors[:3],
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


def crawl_beside_reads(data_dir: Path, base_url: str, fast: bool = False,
                       sources: list[str] | None = None, embedder: object = None) -> dict:
    """A crawl process writes while this process counts nodes and runs profile searches.

    No read may fail, the document count must never go down, and at the end the graph must
    hold exactly the crawl's documents (plus what was there before) and their passages. The
    passage count may go down only when the crawl updates a document that was already there
    (its passages are replaced): `updated_existing` says how many it re-ingested."""
    from bench import crash
    from ingest.archive import Archive

    kb = KnowledgeBase.open(load_settings({"CCKB_DATA_DIR": str(data_dir)}))
    if embedder is not None:
        kb.__dict__["embedder"] = embedder
    kb.init()
    search = EvidenceSearch.from_kb(kb)
    profiles = [parse_profile(p) for p in PROFILES[:2]]
    before = node_counts(kb.store)
    records_before = {r["id"] for r in Archive(data_dir / "archive").iter_records()}
    proc = crash.start_crawl(data_dir, base_url, fast, sources=sources or crash.CRAWL_SOURCES)
    last = {"Document": before["Document"], "Passage": before["Passage"]}
    seen, errors, went_down, latencies, rounds = set(), [], [], [], 0
    t0 = time.monotonic()
    while proc.poll() is None:
        try:
            for label in last:
                n = int(kb.store.execute(Q.count_nodes(label))[0]["n"])
                if n < last[label]:
                    went_down.append(f"{label} {last[label]} -> {n}")
                last[label] = n
                seen.add((label, n))
            s0 = time.monotonic()
            search.for_profile(profiles[rounds % len(profiles)])
            latencies.append(time.monotonic() - s0)
            rounds += 1
        except Exception as exc:  # noqa: BLE001 - counted, the point of the check
            errors.append(f"{type(exc).__name__}: {exc}"[:200])
    wall = time.monotonic() - t0
    out, err = proc.communicate()
    after = node_counts(kb.store)
    records = {r["id"] for r in Archive(data_dir / "archive").iter_records()}
    passages = {r["id"] for r in kb.store.execute(Q.document_passage_ids(sorted(records)))}
    kb.close()
    try:
        ingested = sum(s["ingested"] for s in json.loads(out)["sources"])
    except (ValueError, KeyError):
        ingested = -1
    lat = sorted(latencies) or [0.0]
    return {"crawl_exit": proc.returncode, "crawl_seconds": round(wall, 1),
            "crawl_log_tail": err.decode(errors="replace")[-1500:] if proc.returncode else "",
            "ingested": ingested, "reader_rounds": rounds, "reader_errors": len(errors),
            "error_kinds": errors[:3],
            "documents_went_down": [w for w in went_down if w.startswith("Document")],
            "passages_went_down": [w for w in went_down if w.startswith("Passage")],
            "updated_existing": max(0, ingested - len(records - records_before)),
            "distinct_document_counts_seen": len({n for k, n in seen if k == "Document"}),
            "search_p50_ms": round(statistics.median(lat) * 1000),
            "search_p95_ms": round(lat[int(0.95 * (len(lat) - 1))] * 1000),
            "documents_before": before["Document"], "documents_after": after["Document"],
            "new_records": len(records - records_before),
            "passages_after": after["Passage"], "passages_of_records": len(passages),
            "consistent": (after["Document"] == len(records)
                           and after["Document"] - before["Document"] == len(
                               records - records_before)
                           and after["Passage"] == len(passages))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--import-seconds", type=float, default=30)
    parser.add_argument("--baseline-seconds", type=float, default=30,
                        help="searches without combined encode calls first (0: skip)")
    parser.add_argument("--no-crawl", action="store_true", help="skip the crawl beside reads")
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
            base = None
            if args.baseline_seconds:
                base = searches(data_dir, args.threads, args.baseline_seconds, combine=False)
                print("searches, one pass per encode call:", json.dumps(base))
            now = searches(data_dir, args.threads, args.seconds)
            print("searches:", json.dumps(now))
            if base and base["throughput_per_s"]:
                print(f"combined encode calls: throughput x"
                      f"{now['throughput_per_s'] / base['throughput_per_s']:.2f}, p95 "
                      f"{base['p95_ms']} -> {now['p95_ms']} ms (same run)")
            print("import + reads:", json.dumps(mixed(data_dir, args.import_seconds)))
            if not args.no_crawl:
                from bench import crash
                from crawlers.mirror import MirrorServer

                with MirrorServer(crash.mirror_roots()) as mirror:
                    print("crawl + reads:", json.dumps(crawl_beside_reads(data_dir,
                                                                          mirror.base_url)))


if __name__ == "__main__":
    main()
