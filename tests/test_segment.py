"""Passage contract: exact offsets, a few sentences each, never across a section boundary."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embeddings.segment import HARD_MAX, MAX_CHARS, MIN_CHARS, Segment, segment, sentences
from ingest.extract import Extracted, Section, extract

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
DOCS = [("state_dept_report.html", "html"), ("guatemala_es_latin1.html", "html"),
        ("el_salvador_utf16.txt", "txt")]
SENTENCE = ("Security forces detained {n} returnees at the checkpoint near San Pedro Sula, "
            "according to the National Human Rights Commissioner. ")


def check_invariants(doc: Extracted, passages: list[Segment]) -> None:
    """The guarantees exhibits rely on, shared by the example and property tests."""
    assert [p.ordinal for p in passages] == list(range(len(passages)))
    for passage in passages:
        assert doc.text[passage.start:passage.end] == passage.text
        assert passage.text == passage.text.strip() and passage.text
        assert len(passage.text) <= HARD_MAX
        assert any(s.start <= passage.start and passage.end <= s.end
                   and s.heading == passage.section for s in doc.sections)
    for before, after in zip(passages, passages[1:], strict=False):
        assert before.end <= after.start


def covered(doc: Extracted, passages: list[Segment]) -> bool:
    """Every non-blank character of every section body is in some passage: nothing lost."""
    inside = {i for p in passages for i in range(p.start, p.end)}
    return all(i in inside for s in doc.sections for i in range(max(s.start, 0),
               min(s.end, len(doc.text))) if not doc.text[i].isspace())


@pytest.mark.parametrize(("name", "kind"), DOCS)
def test_fixture_passages_are_exact_and_sectioned(name: str, kind: str) -> None:
    doc = extract((FIXTURES / name).read_bytes(), kind)
    passages = segment(doc)
    assert passages
    check_invariants(doc, passages)
    assert covered(doc, passages)
    headings = {s.heading for s in doc.sections}
    assert not any(p.text in headings for p in passages)  # a heading is never a passage


def test_state_dept_passages_have_target_size() -> None:
    doc = extract((FIXTURES / "state_dept_report.html").read_bytes(), "html")
    passages = segment(doc)
    sizes = [len(p.text) for p in passages]
    assert 250 <= sum(sizes) / len(sizes) <= MAX_CHARS
    killings = [p for p in passages if p.section.startswith("a. Arbitrary")]
    assert len(killings) == 2 and "No. 2023-117" in killings[1].text


def test_long_section_packs_a_few_sentences_per_passage() -> None:
    body = "".join(SENTENCE.format(n=n) for n in range(40)).strip()
    sections = [Section("Detention", 11, 11 + len(body))]
    doc = Extracted(text=f"Detention\n\n{body}", sections=sections)
    passages = segment(doc)
    check_invariants(doc, passages)
    assert covered(doc, passages)
    for passage in passages:
        assert MIN_CHARS <= len(passage.text) <= MAX_CHARS + len(SENTENCE)
        assert 2 <= passage.text.count("Security forces") <= 7
        assert passage.text.endswith("Commissioner.")  # sentences are never split


def test_overlong_sentence_is_cut_at_whitespace() -> None:
    body = " ".join(f"word{n}" for n in range(900))  # ~6,000 chars, no full stop
    doc = Extracted(text=body, sections=[Section("", 0, len(body))])
    passages = segment(doc)
    check_invariants(doc, passages)
    assert covered(doc, passages) and len(passages) >= 4
    for passage in passages[:-1]:
        assert body[passage.end].isspace()


def test_short_trailing_fragment_joins_previous_passage() -> None:
    body = "".join(SENTENCE.format(n=n) for n in range(6)).strip() + "\n\nThe case is pending."
    doc = Extracted(text=body, sections=[Section("Arrests", 0, len(body))])
    passages = segment(doc)
    assert passages[-1].text.endswith("The case is pending.")
    assert len(passages[-1].text) > len("The case is pending.")


def test_passages_never_cross_sections() -> None:
    first, second = SENTENCE.format(n=1) * 2, SENTENCE.format(n=2)
    text = f"{first.strip()}\n\nTorture\n\n{second.strip()}"
    split = len(first.strip())
    doc = Extracted(text=text, sections=[Section("Killings", 0, split),
                                         Section("Torture", split + 11, len(text))])
    passages = segment(doc)
    assert [p.section for p in passages] == ["Killings", "Torture"]
    check_invariants(doc, passages)


@pytest.mark.parametrize(("text", "expected"), [
    ("The U.S. Embassy said so. Killings rose 3.5 percent, per Dr. Torres. It ended.", 3),
    ("Charges were filed in case No. 2023-117 under Art. 117 of the code. Police denied it.", 2),
    ("Victims, e.g. returnees, were held. Sr. Pérez was freed. He said no. Then he left.", 4),
    ("La Dra. López declaró: «¿Cómo podemos confiar?». Según el Art. 5 de la Ley, no.", 2),
    ("¿Por qué? No se sabe. ¡Ninguna solicitud del expediente núm. 12 fue atendida!", 3),
    ("Se fue a EE. UU. en 2019. Dijo que no. Luego volvió.", 3),
    ("He arrived at 10 p.m. and left. The report (see section 1.a.) says so.", 2),
])
def test_sentence_splitting_handles_abbreviations(text: str, expected: int) -> None:
    spans = list(sentences(text, 0, len(text)))
    assert len(spans) == expected, [text[a:b] for a, b in spans]
    assert text[spans[0][0]:spans[-1][1]] == text.strip()


def test_no_sections_means_whole_text() -> None:
    doc = Extracted(text="  One sentence here. Another one.  ", sections=[])
    assert [p.text for p in segment(doc)] == ["One sentence here. Another one."]


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzáñ ABCDEFGÉÑ0123456789.,;!?¿¡«»\"'()-",
                min_size=1, max_size=40)
paragraphs = st.lists(words, min_size=1, max_size=30).map(" ".join)
sections = st.tuples(st.text(alphabet="ABCDEFGHIJ abc.", min_size=1, max_size=30),
                     st.lists(paragraphs, min_size=0, max_size=4))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sections, min_size=1, max_size=5))
def test_property_markdown_documents(doc_sections: list[tuple[str, list[str]]]) -> None:
    lines = []
    for heading, paras in doc_sections:
        lines.append(f"## {heading}")
        lines.extend(paras)
    try:
        doc = extract("\n\n".join(lines).encode(), "txt")
    except Exception as exc:  # only "empty document" is acceptable, for blank bodies
        assert "empty document" in str(exc)
        return
    passages = segment(doc)
    check_invariants(doc, passages)
    assert covered(doc, passages)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=4000), st.lists(st.tuples(st.integers(-5, 4100), st.integers(0, 4100)),
                                        max_size=6))
def test_property_arbitrary_text_and_ranges(text: str, ranges: list[tuple[int, int]]) -> None:
    doc = Extracted(text=text, sections=[Section(f"h{i}", a, b) for i, (a, b) in
                                         enumerate(ranges)])
    passages = segment(doc)
    for passage in passages:
        assert text[passage.start:passage.end] == passage.text
        assert passage.text and len(passage.text) <= HARD_MAX
    assert [p.ordinal for p in passages] == list(range(len(passages)))
    for before, after in zip(passages, passages[1:], strict=False):
        assert before.end <= after.start
