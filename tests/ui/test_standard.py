"""The standard each legal element must meet is shown beside its gap and its evidence (issue 15):
the registry's summary with the law it rests on, linked, never a bare element name."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.agreements import load_agreements


def _gaps(rows: list) -> None:
    from ui import components

    components.gaps(rows, [])


def test_a_gap_shows_the_standard_it_must_meet_with_its_law() -> None:
    registry = load_agreements()
    element = registry.standards[0].element
    rule = registry.standard(element)
    assert rule and rule["law"], "the registry's first standard rests on no law entry"
    rows = [{"element": element, "label": "Harm <b>rising</b>", "strength": "none",
             "evidence_count": 0, "specific_count": 0, "standard": rule}]
    at = AppTest.from_function(_gaps, args=(rows,)).run()
    assert not at.exception, [e.value for e in at.exception]
    (caption,) = [c.value for c in at.caption if "the standard" in c.value]
    assert rule["text"][:60] in caption
    first = rule["law"][0]
    assert f"]({first['citation']})" in caption and first["label"][:20] in caption
    assert "<b>" not in caption and "&lt;b&gt;" in caption  # labels are escaped


def test_no_standard_no_caption() -> None:
    rows = [{"element": "x", "label": "X", "strength": "weak", "evidence_count": 1,
             "specific_count": 0, "standard": None}]
    at = AppTest.from_function(_gaps, args=(rows,)).run()
    assert not at.exception
    assert not [c.value for c in at.caption if "the standard" in c.value]
    assert [w.value for w in at.warning if "X (weak, 1)" in w.value]
