"""Old and undated evidence carry a visible mark on the card, not only 'n.d.' (issue 18)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

BASE = {"text": "Gangs threatened gay men.", "title": "A report", "publisher": "Example",
        "document_url": "https://example.org/r", "elements": [], "risk_factors": [],
        "why": "", "corroborating": []}
ITEMS = [
    {**BASE, "passage_id": "p-fresh", "published": "2025-05-01", "stale": False,
     "age_note": ""},
    {**BASE, "passage_id": "p-old", "published": "2016-06-30", "stale": True,
     "age_note": "published 2016-06-30, over three years before the search"},
    {**BASE, "passage_id": "p-undated", "published": None, "stale": False,
     "age_note": "publication date unknown: treated as not recent"},
]


def _cards(items: list) -> None:
    from core.taxonomy import load_taxonomy
    from ui import components

    taxonomy = load_taxonomy()
    for item in items:
        components.evidence_card(item, taxonomy, f"sel_{item['passage_id']}")


def _provenance(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "published" in m.value and "Example" in m.value]


def test_old_and_undated_items_carry_a_visible_mark() -> None:
    at = AppTest.from_function(_cards, args=(ITEMS,)).run()
    assert not at.exception, [e.value for e in at.exception]
    fresh, old, undated = _provenance(at)
    assert "⚠" not in fresh
    assert "⚠" in old and "over three years" in old
    assert "n.d." in undated and "⚠ publication date unknown" in undated
