"""Hostile profile strings change nothing; a profile leaves no trace on disk or in logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from graph import queries as Q
from retrieval.profile import MAX_TEXT, parse_profile
from retrieval.search import EvidenceSearch

HOSTILE = [
    "') MATCH (n) DETACH DELETE n //",
    "\"}) CREATE (:Passage {id: 'x'}) RETURN 1 //",
    "$ids' OR 1=1 --; CALL db.idx.fulltext.drop('Passage')",
    "gay\x00\x1b[2J\u202e trans | * -@ {} ~ \"'\\",
    "MS-13 " * (MAX_TEXT // 6),
]
MARKERS = ["Xylophage-Quokka-7731", "Marisabel Quintanilla-Zed", "Calle Ficticia 99"]


def _counts(store) -> tuple:
    nodes = tuple(store.execute(Q.count_nodes(label))[0]["n"] for label in Q.NODE_LABELS)
    rels = tuple(sorted((r["type"], r["n"]) for r in store.execute(Q.count_relationships())))
    return nodes, rels


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_change_nothing(kb, text):
    searcher = EvidenceSearch.from_kb(kb)
    before = _counts(kb.store)
    profile = parse_profile({"nationality": "SV", "third_countries": ["HN"], "narrative": text,
                             "persecutor_at_home": text[:500], "social_groups": [text[:300]],
                             "other": text[:1000]})
    out = searcher.for_profile(profile)
    assert out["countries"][0]["country"] == "HN"
    research = searcher.for_research(["HN"], [], text=text[:2000], nationality="SV")
    assert research["countries"][0]["country"] == "HN"
    assert _counts(kb.store) == before


def _files_containing(root: Path, needles: list[str]) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_socket():
            data = path.read_bytes()
            hits += [f"{path}: {n}" for n in needles if n.encode() in data]
    return hits


def test_profile_leaves_no_trace(kb, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    searcher = EvidenceSearch.from_kb(kb)
    profile = parse_profile({
        "nationality": "VE", "third_countries": ["HN", "GT"], "sexual_orientation": "gay",
        "narrative": f"{MARKERS[0]} was beaten by police; my name is {MARKERS[1]}.",
        "other": f"lives at {MARKERS[2]}", "social_groups": [MARKERS[0]],
        "persecutor_at_home": MARKERS[1]})
    out = searcher.for_profile(profile)
    assert out["countries"] and not any(m in str(out) for m in MARKERS)
    assert not _files_containing(kb.settings.data_path, MARKERS)
    logs = caplog.text + "".join(capsys.readouterr())
    assert not any(m in logs for m in MARKERS)
