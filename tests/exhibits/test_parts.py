"""Pieces of a bundle that need no knowledge base: tab letters, excerpts, escaping, CSV cells."""

from __future__ import annotations

import pytest

from exhibits.citations import _cell
from exhibits.collect import ids_from_search
from exhibits.excerpt import OMITTED, excerpt
from exhibits.model import Passage, tab_letter
from exhibits.styles import highlighted, safe

TEXT = "\n\n".join(f"Paragraph {i} says something about country conditions." for i in range(10))


def _passage(index: int, pid: str = "p1") -> Passage:
    start = TEXT.index(f"Paragraph {index} ")
    end = TEXT.index("\n\n", start)
    return Passage(pid, TEXT[start:end], start, end)


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB"),
                                                 (51, "AZ"), (52, "BA"), (701, "ZZ"),
                                                 (702, "AAA")])
def test_tab_letters_continue_past_z(index: int, letters: str) -> None:
    assert tab_letter(index) == letters


def test_excerpt_keeps_a_window_and_marks_omissions() -> None:
    paras = excerpt(TEXT, [_passage(5)], window=1)
    texts = ["".join(r.text for r in p.runs) for p in paras]
    assert [t.split()[1] for t in texts[:3]] == ["4", "5", "6"]
    assert paras[0].gap_before and not paras[1].gap_before
    assert texts[-1] == OMITTED
    assert paras[1].starts == ["p1"]
    assert [r.text for r in paras[1].runs if r.passage] == [_passage(5).text]


def test_excerpt_full_text_shows_every_paragraph() -> None:
    paras = excerpt(TEXT, [_passage(5)], full_text=True)
    assert len(paras) == 10 and not any(p.gap_before for p in paras)


def test_passage_inside_a_paragraph_is_cut_exactly() -> None:
    start = TEXT.index("something", TEXT.index("Paragraph 2"))
    passage = Passage("p2", "something about", start, start + len("something about"))
    runs = excerpt(TEXT, [passage], window=0)[0].runs
    assert [(r.text, r.passage) for r in runs] == [
        ("Paragraph 2 says ", None), ("something about", "p2"), (" country conditions.", None)]


def test_markup_is_escaped_and_highlighted() -> None:
    paras = excerpt("<script>alert(1)</script> & <b>bold</b>",
                    [Passage("p", "<script>alert(1)</script>", 0, 25)])
    markup = highlighted(paras[0].runs)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup and "<b>" not in markup
    assert markup.startswith('<span backColor=')
    assert safe(None) == "" and safe("a<b") == "a&lt;b"


def test_ids_from_search_keeps_order_and_top() -> None:
    result = {"countries": [
        {"country": "HN", "evidence": [{"passage_id": "a"}, {"passage_id": "b"},
                                       {"passage_id": "c"}]},
        {"country": "GT", "evidence": [{"passage_id": "b"}, {"passage_id": "d"}]}]}
    assert ids_from_search(result) == ["a", "b", "c", "d"]
    assert ids_from_search(result, top=1) == ["a", "b"]


def test_csv_cells_never_start_a_formula() -> None:
    assert _cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert _cell("Report") == "Report"
