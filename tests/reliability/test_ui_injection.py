"""Cypher, Redis and HTML/JS payloads typed into every text input of the UI change nothing.

Why: the UI is the one place where text typed by a person reaches the graph (searches), the
browser (rendered cards, captions) and the exhibits (PDF/DOCX). A payload must stay data: the
graph keeps every node and relationship, no payload reaches the page as live HTML (every
markdown block that may carry HTML holds it escaped), and the exported files print it as text.
The app runs under Streamlit's AppTest against a real knowledge base and the real model.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document as Word
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from graph import queries as Q
from graph.stats import node_counts, relationship_counts
from tests.small_kb import DOCS, open_small_kb, streamlit_env
from ui import state

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "ui" / "app.py"
CYPHER = "') MATCH (n) DETACH DELETE n //"
CYPHER_DQ = '\\"}) MATCH (n) DETACH DELETE n RETURN 1 //'
REDIS = "FLUSHALL\r\n"
REDIS_INLINE = "x\r\nFLUSHALL\r\nGRAPH.DELETE cckb\r\n"
SCRIPT = "<script>alert('xss')</script>"
IMG = '<img src=x onerror="alert(1)">'
PAYLOADS = [CYPHER, CYPHER_DQ, REDIS, REDIS_INLINE, SCRIPT, IMG]
LIVE = ("<script", "<img", "onerror=")  # what must never reach the page unescaped
TEXT_FIELDS = ["sex", "gender_identity", "sexual_orientation", "race_ethnicity", "religion",
               "political_opinion", "persecutor_at_home", "other"]
LIST_FIELDS = ["social_groups", "languages"]
CAPTION_FIELDS = ["respondent", "a_number", "court", "judge", "hearing_date"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    kb_dir = tmp_path_factory.mktemp("inj-kb")
    open_small_kb(kb_dir).close()
    with streamlit_env(kb_dir):
        yield kb_dir


def graph_counts() -> tuple[dict, dict]:
    store = state.knowledge_base().store
    return node_counts(store), relationship_counts(store)


def rendered(at: AppTest) -> list[tuple[bool, str]]:
    """(may carry HTML, text) of every markdown-like block the page sent to the browser."""
    out = []
    for node in at.get("markdown"):
        out.append((bool(node.proto.allow_html), node.value))
    for kind in ("success", "info", "warning", "error", "caption", "html"):
        for node in at.get(kind):
            out.append((kind == "html", getattr(node, "value", "") or ""))
    return out


def assert_nothing_live(at: AppTest, where: str) -> None:
    assert not at.exception, (where, [e.value for e in at.exception])
    for may_html, text in rendered(at):
        if may_html:
            low = text.lower()
            for live in LIVE:
                assert live not in low, (where, text[:300])


def test_payloads_in_every_input_stay_data(data_dir: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    before = graph_counts()
    assert before[0]["Document"] == len(DOCS) and before[0]["Passage"] > 0

    # the profile: every text input and text area, each with a payload plus real content
    at.selectbox(key="pf_nationality").set_value("VE")
    at.multiselect(key="pf_third_countries").set_value(["HN", "GT"])
    for i, name in enumerate(TEXT_FIELDS):
        value = "gay " + PAYLOADS[i % len(PAYLOADS)] if name == "sexual_orientation" else \
            PAYLOADS[i % len(PAYLOADS)]
        at.text_input(key=f"pf_{name}").input(value)
    for i, name in enumerate(LIST_FIELDS):
        at.text_area(key=f"pf_{name}").input("\n".join(PAYLOADS[i::2]))
    at.text_area(key="pf_narrative").input(
        "He was beaten by gang members because he is gay. " + " ".join(PAYLOADS))
    next(b for b in at.button if b.label == "Find evidence").click()
    at.run()
    assert_nothing_live(at, "profile")
    assert not at.error, [e.value for e in at.error]
    assert at.session_state[state.RESULTS], "the search did not run"
    assert graph_counts() == before

    at.switch_page("pages/evidence.py").run()
    assert_nothing_live(at, "evidence")
    # the check sees the cards: the crawled <script> of the GT document is there, escaped
    assert any(h and "&lt;script&gt;" in t for h, t in rendered(at)), "no HTML card seen"
    boxes = [c for c in at.checkbox if c.key and c.key.startswith("sel_")]
    assert len(boxes) >= 2
    boxes[0].check().run()
    boxes[1].check().run()

    # the bundle: caption fields, exhibit descriptions and the cover title
    at.switch_page("pages/bundle.py").run()
    for i, name in enumerate(CAPTION_FIELDS):
        at.text_input(key=f"cap_{name}").input(PAYLOADS[i % len(PAYLOADS)]).run()
    described = [t for t in at.text_input if t.key and t.key.startswith("desc_")]
    assert described
    for t in described:
        t.input(f"Exhibit {SCRIPT} {IMG} {CYPHER}").run()
    at.text_input(key="cover_title").input(f"Title {IMG} {REDIS_INLINE}").run()
    next(b for b in at.button if b.label == "Build the bundle").click().run()
    assert_nothing_live(at, "bundle")
    assert not at.error, [e.value for e in at.error]
    files = at.session_state[state.EXPORT]
    assert set(files) == {"pdf", "docx", "csv", "json"}
    assert graph_counts() == before

    # the exports print the payloads as text (an <img> read as markup would vanish or fail)
    pdf = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(
        io.BytesIO(files["pdf"])).pages)
    assert "<script>alert('xss')</script>" in pdf and 'onerror="alert(1)"' in pdf
    docx = "\n".join(p.text for p in Word(io.BytesIO(files["docx"])).paragraphs)
    docx += "\n".join(c.text for t in Word(io.BytesIO(files["docx"])).tables
                      for r in t.rows for c in r.cells)
    assert SCRIPT in docx and IMG in docx

    for page in ("pages/profile.py", "pages/browse.py", "pages/sources.py"):
        at.switch_page(page).run()
        assert_nothing_live(at, page)
    assert graph_counts() == before


def test_payloads_as_graph_parameters_stay_data(data_dir: Path) -> None:
    """The same payloads straight into parameterised queries (ids, keys, full-text terms)."""
    kb = state.knowledge_base()
    before = graph_counts()
    for payload in PAYLOADS + [CYPHER + "\x00", "\\", '"', "'", "`", "$q"]:
        assert kb.store.execute(Q.passage_by_id(payload)) == []
        assert kb.store.execute(Q.document_state(payload)) == []
        assert kb.store.execute(Q.get_meta(payload)) == []
        assert kb.store.execute(Q.passages_about(payload, 5)) == []
        kb.store.execute(Q.FALKOR.fulltext_search([payload], 5))
    assert graph_counts() == before
