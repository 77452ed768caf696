"""Kill the import (and its graph server) anywhere, resume, and nothing is lost or doubled.

Why: the pipeline's promise is that a document either completes or leaves nothing behind and
that the archive record is written last; a crash then a re-run must converge on exactly what an
uninterrupted import produces. The full bench (`bench/crash.py`, >= 20 trials with the real
`cckb import`) is too slow for the suite, so this runs 3 seeded trials of it on 8 documents,
one per kill mode, plus a deterministic check of the one window a random kill rarely hits:
between the graph write and the record.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench import crash
from core.ids import document_id
from ingest.files import iter_items
from ingest.kb import KnowledgeBase


@pytest.mark.slow
def test_kill_and_resume_matches_the_reference(tmp_path: Path) -> None:
    corpus, ref, duration = crash.reference(tmp_path, n_docs=8)
    assert len(ref.documents) == 8 and ref.passages and not ref.problems
    rnd = random.Random(20261126)
    for mode in ("importer", "server", "both"):
        trial, got = crash.run_trial(rnd, tmp_path / "B", corpus, duration, mode)
        assert crash.compare(ref, got) == [], (trial, got.problems)
        assert not got.orphans, got.orphans  # a blob without its record would be a defect


def test_crash_between_graph_write_and_record_is_repaired(fast_kb: KnowledgeBase,
                                                          tmp_path: Path) -> None:
    """A kill after the graph write but before the archive record: the re-run writes it."""
    corpus = tmp_path / "one.jsonl"
    records = crash.write_corpus(corpus, n=1)

    kb = fast_kb
    assert kb.ingestor.ingest(iter_items([corpus])).ok
    doc_id = document_id(records[0]["url"])
    kb.archive.record_path(doc_id).unlink()  # the state such a crash leaves behind
    again = kb.ingestor.ingest(iter_items([corpus]))
    assert again.ok, again.failures
    assert kb.archive.get_record(doc_id) is not None
    assert not kb.archive.verify()
