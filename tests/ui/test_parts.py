"""The UI's pure helpers: escaping before highlighting, the network layout, freshness."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from core.taxonomy import load_taxonomy
from ui.browse_data import freshness
from ui.highlight import highlight, item_patterns, spans
from ui.network import graph


def test_markup_is_escaped_before_terms_are_marked() -> None:
    out = highlight("<script>alert(1)</script> <b>gay</b> men", [re.compile(r"gay")])
    assert out == "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;<mark>gay</mark>&lt;/b&gt; men"


def test_a_term_that_matches_markup_never_unescapes_it() -> None:
    out = highlight("a <script> tag", [re.compile(r"script")])
    assert "<script>" not in out and "&lt;<mark>script</mark>&gt;" in out


def test_accented_and_cased_text_maps_back_to_the_original_characters() -> None:
    text = "La POLICÍA golpeó a personas trans."
    assert [text[a:b] for a, b in spans(text, [re.compile("policia")])] == ["POLICÍA"]


def test_overlapping_matches_are_merged_into_one_mark() -> None:
    assert spans("gang violence", [re.compile("gang"), re.compile("gang violence")]) == [(0, 13)]


def test_item_patterns_come_from_the_taxonomy() -> None:
    taxonomy = load_taxonomy()
    patterns = item_patterns(taxonomy, ["lgbti", "unknown"], ["harm"])
    assert "<mark>" in highlight("Transgender women were killed.", patterns)


def test_network_links_documents_to_what_their_passages_mention() -> None:
    rows = [{"document": "d1", "title": "<b>T</b>", "countries": ["HN"],
             "risk_factors": ["lgbti"], "actors": ["ms13"]}]
    nodes, edges = graph("country", "HN", rows, {})
    assert nodes[("document", "d1")] == "<b>T</b>"  # Vega draws it as text, not HTML
    assert (("country", "HN"), ("document", "d1")) in edges
    assert (("document", "d1"), ("actor", "ms13")) in edges
    assert (("document", "d1"), ("country", "HN")) not in edges


def test_freshness_buckets() -> None:
    now = datetime(2026, 11, 26, tzinfo=UTC)
    assert freshness("2026-11-20T00:00:00+00:00", now).startswith("fresh")
    assert freshness("2026-01-01T00:00:00+00:00", now).startswith("stale")
    assert freshness(None, now) == "never retrieved"
