"""Import rate of the pipeline against the encoder alone, on the same passages, in the same run.

A corpus of realistic documents is generated from the real excerpts of the relevance sets
(bench/devset/corpus.jsonl and holdout4/corpus_*.jsonl): paragraphs shuffled with a fixed seed
into documents of two to four paragraphs, each under its own URL. Then, in this order:

1. the encoder alone over exactly the passages the pipeline will embed, in one call (the
   sentence-transformers batch size of the embedder);
2. `cckb import`'s path (`Ingestor.ingest`) into a fresh knowledge base, passages of many
   documents encoded together (shipped);
3. the same into another fresh knowledge base, one encoder call per document (as before).

Printed last: pipeline / encoder-alone for both, and batched / per-document.
Usage: python bench/ingest.py [--docs 1000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.settings import load_settings  # noqa: E402
from ingest.files import iter_items  # noqa: E402
from ingest.kb import KnowledgeBase  # noqa: E402
from ingest.pipeline import BATCH_PASSAGES, Prepared  # noqa: E402

SOURCES = [ROOT / "bench" / "devset" / "corpus.jsonl",
           *sorted((ROOT / "bench" / "devset" / "holdout4").glob("corpus_*.jsonl"))]


def paragraphs() -> list[tuple[str, list[str], str]]:
    """(paragraph, countries, language) of every real excerpt, 200+ characters each."""
    out = []
    for path in SOURCES:
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            for para in rec["text"].split("\n\n"):
                if len(para.strip()) >= 200:
                    out.append((para.strip(), rec["countries"], rec.get("language") or "en"))
    return out


def generate(path: Path, docs: int, seed: int) -> None:
    rng = random.Random(seed)
    pool = paragraphs()
    with path.open("w", encoding="utf-8") as fh:
        for i in range(docs):
            parts = rng.sample(pool, rng.randint(2, 4))
            fh.write(json.dumps({
                "url": f"https://bench.example.org/report/{i}", "title": f"Report {i}",
                "publisher": "Bench", "published": "2024-01-15",
                "countries": parts[0][1], "language": parts[0][2],
                "text": "\n\n".join(p for p, _, _ in parts)}) + "\n")


def texts_to_embed(kb: KnowledgeBase, corpus: Path) -> list[str]:
    texts = []
    for _, item in iter_items([corpus]):
        prepared = kb.ingestor.prepare(item)
        if isinstance(prepared, Prepared):
            texts += [s.text for s in prepared.segments]
    return texts


def timed_import(data_dir: Path, corpus: Path, batch: int) -> tuple[float, int, int]:
    with KnowledgeBase.open(load_settings({"CCKB_DATA_DIR": str(data_dir)})) as kb:
        kb.init()
        kb.ingestor.enricher.enrich(["warm-up"], ["HN"])  # model and taxonomy vectors loaded
        start = time.perf_counter()
        report = kb.ingestor.ingest(iter_items([corpus]), batch_passages=batch)
        elapsed = time.perf_counter() - start
        passages = report.counts.as_dict()["Passage"]["insert"]
        return elapsed, report.documents, passages


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cckb-bench-ingest-") as tmp:
        root = Path(tmp)
        corpus = root / "corpus.jsonl"
        generate(corpus, args.docs, args.seed)
        with KnowledgeBase.open(load_settings({"CCKB_DATA_DIR": str(root / "probe")})) as kb:
            kb.init()
            texts = texts_to_embed(kb, corpus)
            kb.embedder.encode(texts[:64])  # warm-up
            start = time.perf_counter()
            kb.embedder.encode(texts)
            encoder = time.perf_counter() - start
        batched = timed_import(root / "batched", corpus, BATCH_PASSAGES)
        per_doc = timed_import(root / "per_doc", corpus, 1)
    n = len(texts)
    print(f"{args.docs} documents, {n} passages "
          f"({sum(map(len, texts)) / max(n, 1):.0f} characters on average); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"encoder alone:           {n / encoder:6.1f} passages/s ({encoder:.0f} s)")
    for label, (elapsed, docs, passages) in (("import, batched", batched),
                                             ("import, per document", per_doc)):
        print(f"{label + ':':<24} {passages / elapsed:6.1f} passages/s, "
              f"{docs / elapsed:5.1f} documents/s ({elapsed:.0f} s, {passages} passages)")
    print(f"pipeline / encoder alone: batched {encoder / batched[0] * batched[2] / n:.2f}, "
          f"per document {encoder / per_doc[0] * per_doc[2] / n:.2f}; "
          f"batched / per document {per_doc[0] / batched[0]:.2f}x")


if __name__ == "__main__":
    main()
