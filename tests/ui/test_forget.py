"""'Forget this client' leaves nothing of the profile in the form, the results or the selection,
and 'Find evidence' afterwards cannot rebuild the search (issue 18). Streamlit's AppTest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.small_kb import streamlit_env
from tests.ui.conftest import PROFILE
from tests.ui.test_apptest import new_app, submit_profile
from ui import state


@pytest.fixture(scope="module")
def app_env(ui_data_dir: Path) -> Iterator[Path]:
    with streamlit_env(ui_data_dir) as data_dir:
        yield data_dir


def _form_values(at) -> dict:
    values = {"pf_nationality": at.selectbox(key="pf_nationality").value,
              "pf_third_countries": at.multiselect(key="pf_third_countries").value,
              "pf_unaccompanied_child": at.radio(key="pf_unaccompanied_child").value}
    values |= {w.key: w.value for w in [*at.text_input, *at.text_area]
               if w.key and w.key.startswith("pf_")}
    return values


def test_forget_clears_form_results_and_selection(app_env: Path) -> None:
    at = new_app()
    at.session_state["pf_languages"] = "Spanish"
    submit_profile(at, unaccompanied_child="yes")
    at.text_input(key="pf_persecutor_at_home").input("MS-13")
    at.text_input(key="pf_other").input("tattoo on the arm")
    assert at.session_state[state.RESULTS]["countries"]
    at.switch_page("pages/evidence.py").run()
    next(c for c in at.checkbox if c.key and c.key.startswith("sel_")).check().run()
    assert at.session_state[state.SELECTED]
    at.switch_page("pages/profile.py").run()
    assert at.text_area(key="pf_narrative").value == PROFILE["narrative"]

    next(b for b in at.button if b.label == "Forget this client").click().run()
    assert not at.exception, [e.value for e in at.exception]
    values = _form_values(at)
    assert values["pf_nationality"] is None and values["pf_third_countries"] == []
    assert values["pf_unaccompanied_child"] == "not stated"
    filled = {k: v for k, v in values.items() if k.startswith("pf_") and isinstance(v, str)
              and k != "pf_unaccompanied_child" and v}
    assert filled == {}, filled
    assert at.session_state[state.PROFILE] is None and at.session_state[state.RESULTS] is None
    assert at.session_state[state.SELECTED] == [] and at.session_state[state.ITEMS] == {}
    assert not at.success and not at.get("download_button")
    # The browser keeps a widget's old value unless the run sends the new one (set_value):
    # a form only emptied in the server's session state would still show the narrative.
    for widget in (at.selectbox(key="pf_nationality"), at.multiselect(key="pf_third_countries"),
                   at.text_area(key="pf_narrative"), at.text_input(key="pf_persecutor_at_home"),
                   at.text_area(key="pf_languages"), at.radio(key="pf_unaccompanied_child")):
        assert widget.proto.set_value, f"{widget.key} not reset in the browser"
    page_text = " ".join(str(getattr(e, "value", "")) for e in
                         [*at.markdown, *at.text, *at.caption, *at.success, *at.error])
    for secret in (PROFILE["narrative"], "MS-13", "tattoo", "Spanish"):
        assert secret not in page_text

    next(b for b in at.button if b.label == "Find evidence").click().run()
    assert at.session_state[state.RESULTS] is None and at.session_state[state.PROFILE] is None
    assert at.error and "nationality" in at.error[0].value

    at.switch_page("pages/evidence.py").run()
    assert not at.exception and not [c for c in at.checkbox if c.key and
                                     c.key.startswith("sel_")]
