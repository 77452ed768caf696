"""Damaged inputs never stop an import: each becomes a reported failure naming its file.

Why: `cckb import` runs over folders of files nobody vetted. Seeded mutations of valid HTML,
PDF, JSONL and TXT (the bench's mutators, `bench/fuzz.py`) go through extraction (~100) and
through `iter_items` + the whole ingestor (~20); afterwards graph and archive must agree.
"""

from __future__ import annotations

import logging
import random
from pathlib import Path

from bench import fuzz
from ingest.files import iter_items
from ingest.kb import KnowledgeBase


def test_extract_survives_mutations() -> None:
    logging.disable(logging.CRITICAL)
    try:
        out = fuzz.fuzz_extract(fuzz.mutated(random.Random(7), 100))
    finally:
        logging.disable(logging.NOTSET)
    assert out.defects == [], out.summary()
    assert out.ok and out.failed  # both outcomes were exercised


def test_ingestor_survives_mutations(fast_kb: KnowledgeBase, tmp_path: Path) -> None:
    out = fuzz.fuzz_ingest(fast_kb, tmp_path / "in", fuzz.mutated(random.Random(11), 20))
    assert out.defects == [], out.summary()
    assert out.ok >= 1  # at least the good JSONL line went in


def test_deeply_nested_jsonl_line_is_a_reported_failure(tmp_path: Path) -> None:
    """json.loads raises RecursionError (not a ValueError) on deep nesting."""
    src = tmp_path / "deep.jsonl"
    src.write_text('{"url": "https://x.org/a", "title": ' + "[" * 100_000 + "\n")
    [(where, item)] = list(iter_items([src]))
    assert where == f"{src}:1" and "nested too deeply" in str(item)


def test_deeply_nested_html_does_not_search_the_tree_per_tag(monkeypatch) -> None:
    """Used to take minutes: reading `tag.decomposed` on a live tag made bs4 search its whole
    subtree, once per tag. Counted instead of timed: the number of tree searches must not grow
    with the nesting depth."""
    from bs4.element import Tag

    from core.errors import ExtractionError
    from ingest.extract import extract

    searches = {"n": 0}
    real = Tag.find  # what Tag.__getattr__ runs for an unknown attribute

    def counting(self, *args, **kwargs):
        searches["n"] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Tag, "find", counting)
    counts = {}
    for depth in (200, 2_000):
        searches["n"] = 0
        html = ("<div>" * depth + "<p>Gangs extorted bus drivers in Honduras.</p>").encode()
        try:
            result = extract(html, "html")
            assert "Gangs extorted bus drivers" in result.text
        except ExtractionError as exc:
            assert "nested too deeply" in str(exc)
        counts[depth] = searches["n"]
    assert counts[200] > 0, "the fallback walk no longer uses bs4 searches: update this test"
    assert counts[2_000] <= counts[200] + 5, counts
