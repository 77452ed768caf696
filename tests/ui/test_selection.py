"""One selection model for every country tab (issue 18): a passage shown in the HN and the GT
tab is one selection, ticked or unticked in either, and the bundle takes exactly what is ticked.
Streamlit's AppTest, then the same in the real headless browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.models import DocumentItem
from tests.small_kb import DOCS, open_small_kb, streamlit_env
from tests.ui.test_apptest import new_app, submit_profile
from tests.ui.test_browser import body, browser, choose, click_text, server, wait_for
from ui import state

__all__ = ["browser", "server"]  # the browser test's fixtures, used here by name

SHARED_TEXT = ("Gang members in Honduras and Guatemala threatened and beat gay men who refused "
               "to pay them, and the police of both countries rarely investigated.")
SHARED = DocumentItem(
    url="https://example.org/northern-triangle", title="Northern Triangle gangs and gay men",
    publisher="Example Regional Watch", countries=["HN", "GT"], published="2024-06-01",
    language="en", text=SHARED_TEXT)


@pytest.fixture(scope="module")
def ui_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The shared small KB plus one document about both third countries."""
    data_dir = tmp_path_factory.mktemp("ui-kb-shared")
    open_small_kb(data_dir, [*DOCS, SHARED]).close()
    yield data_dir


def shared_boxes(at: Any) -> dict[str, Any]:
    """The select box of the shared passage in each country tab, by country."""
    results = at.session_state[state.RESULTS]["countries"]
    pid = {b["country"]: next((i["passage_id"] for i in b["evidence"]
                               if i["text"] == SHARED_TEXT), None) for b in results}
    assert pid["HN"] and pid["HN"] == pid["GT"], f"the shared passage is not in both tabs: {pid}"
    return {c: at.checkbox(key=f"sel_{c}_{p}") for c, p in pid.items()}


def test_one_selection_across_tabs_apptest(ui_data_dir: Path) -> None:
    with streamlit_env(ui_data_dir):
        at = new_app()
        submit_profile(at)
        at.switch_page("pages/evidence.py").run()
        boxes = shared_boxes(at)
        assert not boxes["HN"].value and not boxes["GT"].value

        boxes["HN"].check().run()
        boxes = shared_boxes(at)
        assert boxes["GT"].value, "ticked in HN, not shown ticked in GT"
        pid = boxes["HN"].key.removeprefix("sel_HN_")
        assert at.session_state[state.SELECTED] == [pid]

        boxes["GT"].uncheck().run()
        boxes = shared_boxes(at)
        assert not boxes["HN"].value, "unticked in GT, still ticked in HN"
        assert at.session_state[state.SELECTED] == []

        boxes["GT"].check().run()
        at.switch_page("pages/bundle.py").run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.session_state[state.SELECTED] == [pid]
        listed = [m.value for m in at.markdown if m.value.startswith("**1.**")]
        assert len(listed) == 1 and SHARED.title in listed[0]
        assert not [m for m in at.markdown if m.value.startswith("**2.**")]


CARD_STATE = """
const want = arguments[0];
return [...document.querySelectorAll('.cckb-quote')]
  .filter(q => q.offsetParent !== null && q.textContent.includes(want))
  .map(q => {
    let card = q;
    while (card && !card.querySelector('[data-testid="stCheckbox"] input')) {
      card = card.parentElement;
    }
    return card.querySelector('[data-testid="stCheckbox"] input').checked;
  });
"""

CARD_LABEL = """
const want = arguments[0];
const q = [...document.querySelectorAll('.cckb-quote')]
  .find(q => q.offsetParent !== null && q.textContent.includes(want));
let card = q;
while (card && !card.querySelector('[data-testid="stCheckbox"] label')) {
  card = card.parentElement;
}
const label = card.querySelector('[data-testid="stCheckbox"] label');
label.scrollIntoView({block: 'center'});
return label;
"""


def visible_state(driver: Any) -> list[bool]:
    return driver.execute_script(CARD_STATE, "refused to pay them")


def in_tab(driver: Any, country: str) -> list[bool]:
    click_text(driver, "*[@role='tab']", country)
    return wait_for(lambda: visible_state(driver) or None, 30, f"the shared card in {country}")


@pytest.mark.browser
@pytest.mark.slow
def test_one_selection_across_tabs_in_a_real_browser(server: str,
                                                     browser: tuple[Any, Path]) -> None:
    driver = browser[0]
    driver.get(server)
    wait_for(lambda: "Find evidence" in body(driver), 120, "the profile form")
    choose(driver, "stSelectbox", "Nationality", ["Venezuela"])
    choose(driver, "stMultiSelect", "Third countries", ["Honduras", "Guatemala"])
    driver.find_element("css selector", 'input[aria-label="Sexual orientation"]').send_keys("gay")
    driver.find_element("css selector", 'textarea[aria-label="Narrative (as you would write it)"]'
                        ).send_keys("Beaten by gang members because he is gay.")
    click_text(driver, "button", "Find evidence")
    wait_for(lambda: "Evidence ready for HN, GT" in body(driver), 60, "search results")
    click_text(driver, "a", "Open the evidence")

    assert in_tab(driver, "HN") == [False]
    driver.execute_script(CARD_LABEL, "refused to pay them").click()
    wait_for(lambda: "1 item(s) selected" in body(driver), 30, "1 selected")
    assert in_tab(driver, "GT") == [True], "ticked in HN, not ticked in GT"

    driver.execute_script(CARD_LABEL, "refused to pay them").click()
    wait_for(lambda: "0 item(s) selected" in body(driver), 30, "0 selected")
    assert in_tab(driver, "HN") == [False], "unticked in GT, still ticked in HN"

    driver.execute_script(CARD_LABEL, "refused to pay them").click()
    wait_for(lambda: "1 item(s) selected" in body(driver), 30, "1 selected again")
    assert in_tab(driver, "GT") == [True]
    click_text(driver, "a", "Exhibit bundle")
    wait_for(lambda: "Build the bundle" in body(driver), 30, "the bundle page")
    removes = [b for b in driver.find_elements("css selector", "button")
               if b.text.strip() == "✕" and b.is_displayed()]
    assert len(removes) == 1, "the bundle lists other than the one ticked passage"
    assert f"1. {SHARED.publisher} — {SHARED.title}" in body(driver)
