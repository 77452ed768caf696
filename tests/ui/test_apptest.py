"""Every page launched with Streamlit's AppTest, and the advocate's path driven end to end."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from tests.small_kb import streamlit_env
from tests.ui.conftest import APP, PROFILE, SCRIPT
from ui import state

PAGES = ["pages/profile.py", "pages/evidence.py", "pages/bundle.py", "pages/browse.py",
         "pages/sources.py"]


@pytest.fixture(scope="module")
def app_env(ui_data_dir: Path) -> Iterator[Path]:
    with streamlit_env(ui_data_dir) as data_dir:
        yield data_dir


def new_app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=120)


def submit_profile(at: AppTest, unaccompanied_child: str | None = None) -> AppTest:
    at.run()
    if unaccompanied_child is not None:
        assert at.radio(key="pf_unaccompanied_child").value == "not stated"
        at.radio(key="pf_unaccompanied_child").set_value(unaccompanied_child)
    at.selectbox(key="pf_nationality").set_value(PROFILE["nationality"])
    at.multiselect(key="pf_third_countries").set_value(PROFILE["third_countries"])
    at.text_input(key="pf_sexual_orientation").input(PROFILE["sexual_orientation"])
    at.text_area(key="pf_narrative").input(PROFILE["narrative"])
    next(b for b in at.button if b.label == "Find evidence").click()
    return at.run()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_launches(app_env: Path, page: str) -> None:
    at = new_app()
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, f"{page} rendered no title"


def test_browse_shows_counts_chart_and_network(app_env: Path) -> None:
    at = new_app()
    at.run()
    at.switch_page("pages/browse.py").run()
    assert not at.exception
    assert at.dataframe, "no counts table"
    charts = at.get("vega_lite_chart")
    assert len(charts) >= 2, "expected the timeline chart and the network view"
    for by in ("Risk factor", "Actor", "Source"):
        at.radio(key="browse_by").set_value(by).run()
        assert not at.exception, by
    at.radio(key="browse_by").set_value("Country").run()
    at.selectbox(key="browse_doc").set_value(at.selectbox(key="browse_doc").options[0]).run()
    assert not at.exception


def test_profile_submit_evidence_select_export(app_env: Path) -> None:
    at = new_app()
    submit_profile(at, unaccompanied_child="no")
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[state.RESULTS]["countries"], "no results after submit"
    assert at.session_state[state.PROFILE].unaccompanied_child is False

    at.switch_page("pages/evidence.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.label for t in at.tabs] == ["HN", "GT"]
    at.switch_page("pages/profile.py").run()
    assert at.selectbox(key="pf_nationality").value == PROFILE["nationality"]
    assert at.text_area(key="pf_narrative").value == PROFILE["narrative"]
    at.switch_page("pages/evidence.py").run()
    html = "\n".join(m.value for m in at.markdown)
    assert "<mark>" in html, "no highlighted terms"
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    decisions = [t.value for t in at.text if "Computed by cckb" in t.value]
    assert len(decisions) == 1 and "In 2024, Honduras decided 41 asylum claims" in decisions[0]
    assert len(at.dataframe) == 1  # HN only: the recorded answers have none for Guatemala

    boxes = [c for c in at.checkbox if c.key and c.key.startswith("sel_")]
    assert len(boxes) >= 2
    boxes[0].check().run()
    boxes[1].check().run()
    assert len(at.session_state[state.SELECTED]) == 2

    at.switch_page("pages/bundle.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="cap_respondent").input("J. Doe").run()
    first = list(at.session_state[state.SELECTED])
    at.button(key=f"down_{first[0]}").click().run()
    assert at.session_state[state.SELECTED] == first[::-1]
    described = [t for t in at.text_input if t.key and t.key.startswith("desc_")]
    assert described and described[0].label == "Exhibit A"
    described[0].input("Exhibit described by the advocate").run()
    at.text_input(key="cover_title").input("Country conditions for the hearing").run()
    next(b for b in at.button if b.label == "Build the bundle").click().run()
    assert not at.exception, [e.value for e in at.exception]
    files = at.session_state[state.EXPORT]
    assert set(files) == {"pdf", "docx", "csv", "json"}
    assert files["pdf"].startswith(b"%PDF") and files["docx"].startswith(b"PK")
    assert len(at.get("download_button")) == 4
    pages = PdfReader(io.BytesIO(files["pdf"])).pages
    assert len(pages) >= 2
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert "Exhibit described by the advocate" in text
    assert "COUNTRY CONDITIONS FOR THE HEARING" in text


def test_invalid_profile_names_the_field(app_env: Path) -> None:
    at = new_app()
    at.run()
    next(b for b in at.button if b.label == "Find evidence").click().run()
    assert at.error and "nationality" in at.error[0].value
    assert at.session_state[state.RESULTS] is None


def test_sources_show_freshness_and_last_run_failures(app_env: Path) -> None:
    log = app_env / "runs" / "last.json"
    log.parent.mkdir(exist_ok=True)
    log.write_text('{"ok": false, "sources": [{"source": "state_hrr", "failures": '
                   '[{"url": "https://example.org/x", "reason": "HTTP 500"}]}]}')
    try:
        at = new_app()
        at.run()
        at.switch_page("pages/sources.py").run()
        assert not at.exception
        assert "freshness" in at.dataframe[0].value.columns
        assert at.error and "1 failure" in at.error[0].value
    finally:
        log.unlink()
