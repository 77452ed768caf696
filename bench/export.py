"""Seconds per exhibit to build, render and verify a 100-exhibit bundle.

Synthetic documents (paragraphs of template sentences, every fifth one in Spanish) go through
the real ingest path into a temporary knowledge base; then one passage per document is
exported (graph read, archive re-extraction, PDF with two layout passes, DOCX, CSV, JSON) and
the bundle is verified against the archive. Usage: python bench/export.py [--exhibits N]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader  # noqa: E402

from core.models import DocumentItem  # noqa: E402
from core.settings import load_settings  # noqa: E402
from exhibits import Outputs, build_bundle, verify_bundle  # noqa: E402
from exhibits.export import export_bundle  # noqa: E402
from ingest.kb import KnowledgeBase  # noqa: E402

COUNTRIES = ["HN", "GT", "EC", "PY", "UG", "BZ", "SV"]
EN = ["Human rights groups reported that {g} were threatened by gang members in {c}.",
      "Police rarely investigated attacks against {g}, and convictions were rare.",
      "Local organisations documented killings of {g} during the year.",
      "Authorities in {c} detained {g} without charge for several days."]
ES = ["Organizaciones de derechos humanos informaron que {g} fueron amenazados en {c}.",
      "La policía rara vez investigó los ataques contra {g}."]
GROUPS = ["journalists", "transgender women", "Venezuelan migrants", "bus drivers", "pastors"]


def document(n: int, rnd: random.Random) -> DocumentItem:
    country, spanish = COUNTRIES[n % len(COUNTRIES)], n % 5 == 4
    templates = ES if spanish else EN
    paragraphs = [" ".join(rnd.choice(templates).format(g=rnd.choice(GROUPS), c=country)
                            for _ in range(4)) for _ in range(8)]
    return DocumentItem(url=f"https://example.org/bench/{n}", title=f"Country report {n}",
                        publisher="Example Monitor", countries=[country],
                        published="2025-01-15", language="es" if spanish else "en",
                        text="\n\n".join(paragraphs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--exhibits", type=int, default=100)
    args = parser.parse_args()
    rnd = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp, \
            KnowledgeBase.open(load_settings({"CCKB_DATA_DIR": f"{tmp}/kb"})) as kb:
        kb.init()
        started = time.perf_counter()
        for n in range(args.exhibits):
            kb.ingestor.ingest_item(document(n, rnd))
        print(f"ingest (setup): {time.perf_counter() - started:.1f} s")
        rows = kb.store.run("MATCH (p:Passage)-[:PART_OF]->(d:Document) "
                            "RETURN d.id AS doc, min(p.id) AS id")
        ids = [r["id"] for r in rows]
        timed = {}
        started = time.perf_counter()
        build_bundle(kb, ids)
        timed["build (graph + archive re-extraction)"] = time.perf_counter() - started
        outputs = Outputs(Path(tmp) / "b.pdf", Path(tmp) / "b.docx", Path(tmp) / "b.csv",
                          Path(tmp) / "b.json")
        started = time.perf_counter()
        bundle = export_bundle(kb, ids, outputs)
        timed["export (build + PDF + DOCX + CSV + JSON)"] = time.perf_counter() - started
        started = time.perf_counter()
        problems = verify_bundle(outputs.pdf, kb.archive)
        timed["verify (re-hash + quote check)"] = time.perf_counter() - started
        n = len(bundle.exhibits)
        pages = len(PdfReader(outputs.pdf).pages)
        print(f"exhibits: {n}, bundle pages: {pages}, verify problems: {len(problems)}")
        for name, seconds in timed.items():
            print(f"{name}: {seconds:.2f} s = {seconds / n:.4f} s per exhibit")


if __name__ == "__main__":
    main()
