"""One real browser (Debian's headless Chromium) through the advocate's whole path.

Set-up (README, `make test-deps`): `apt-get install -y chromium chromium-driver`. Without them
this test fails rather than skips, so a missing browser is never mistaken for a pass.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.ui.conftest import APP, ROOT, SCRIPT

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
OUTPUT = ROOT / "tests" / "output"
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
        except Exception:  # noqa: BLE001 - the page is still changing under us
            value = None
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture(scope="module")
def server(ui_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = {**__import__("os").environ, "CCKB_DATA_DIR": str(ui_data_dir)}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true",
             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read()
                 == b"ok", 60, "the Streamlit server")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("Chromium is missing: run `make test-deps` "
                    "(apt-get install -y chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 "--window-size=1400,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        yield driver, downloads
    finally:
        driver.quit()


def body(driver: Any) -> str:
    return driver.find_element("tag name", "body").text


def click_text(driver: Any, tag: str, text: str, timeout: float = 30) -> None:
    """Click the first visible `tag` (or `*[@role='tab']`) whose text contains `text`."""
    xpath = f"//{tag}[contains(normalize-space(.), '{text}')]"
    element = wait_for(lambda: next(e for e in driver.find_elements("xpath", xpath)
                                    if e.is_displayed()), timeout, f"{tag} '{text}'")
    element.click()


def choose(driver: Any, testid: str, label: str, values: list[str]) -> None:
    from selenium.webdriver.common.keys import Keys

    box = wait_for(lambda: next(e for e in driver.find_elements(
        "css selector", f'[data-testid="{testid}"]') if label in e.text), 30, label)
    field = box.find_element("css selector", "input")
    for value in values:
        field.click()
        field.send_keys(value)
        option = wait_for(lambda v=value: next(
            o for o in driver.find_elements("css selector", '[role="option"]')
            if v in o.text and o.is_displayed()), 10, f"option {value}")
        option.click()
    if testid == "stMultiSelect":  # closes the list; on a selectbox Escape clears the choice
        field.send_keys(Keys.ESCAPE)


def test_profile_to_pdf_in_a_real_browser(server: str, browser: tuple[Any, Path]) -> None:
    driver = browser[0]
    try:
        advocate_path(server, *browser)
    except Exception:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(OUTPUT / "ui-failure.png"))
        (OUTPUT / "ui-failure.txt").write_text(body(driver), encoding="utf-8")
        raise


def advocate_path(server: str, driver: Any, downloads: Path) -> None:
    driver.get(server)
    wait_for(lambda: "Find evidence" in body(driver), 120, "the profile form")
    choose(driver, "stSelectbox", "Nationality", ["Venezuela"])
    choose(driver, "stMultiSelect", "Third countries", ["Honduras", "Guatemala"])
    driver.find_element("css selector", 'input[aria-label="Sexual orientation"]').send_keys("gay")
    driver.find_element("css selector", 'textarea[aria-label="Narrative (as you would write it)"]'
                        ).send_keys("Beaten by gang members because he is gay.")
    click_text(driver, "button", "Find evidence")
    wait_for(lambda: re.search(r"Evidence ready for HN, GT in [\d.]+ s", body(driver)),
             60, "search results")  # latency is measured in bench/load.py, not asserted here

    click_text(driver, "a", "Open the evidence")
    click_text(driver, "*[@role='tab']", "GT")
    wait_for(lambda: SCRIPT in body(driver), 30, "the <script> passage as literal text")
    injected = driver.execute_script(
        "return document.querySelectorAll('.cckb-quote script, .cckb-quote b').length")
    assert injected == 0, "crawled markup reached the DOM as elements"
    assert driver.execute_script("return document.querySelectorAll('.cckb-quote mark').length")
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - raising proves no alert fired

    boxes = [e for e in driver.find_elements("css selector", '[data-testid="stCheckbox"] label')
             if e.is_displayed() and "Select for the exhibit bundle" in e.text]
    assert len(boxes) >= 2
    for n, box in enumerate(boxes[:3], 1):
        box.click()
        wait_for(lambda n=n: f"{n} item(s) selected" in body(driver), 30, f"{n} selected")

    click_text(driver, "a", "Exhibit bundle")
    wait_for(lambda: "Build the bundle" in body(driver), 30, "the bundle page")
    fields = driver.find_elements("css selector", 'input[aria-label^="Exhibit "]')
    planned = [(f.get_attribute("aria-label").removeprefix("Exhibit "), f.get_attribute("value"))
               for f in fields]  # one editable description per planned exhibit
    assert planned and all(title for _, title in planned), "no planned exhibits listed"
    click_text(driver, "button", "Build the bundle")
    click_text(driver, "button", "Download PDF", timeout=120)
    pdf_path = downloads / "bundle.pdf"
    wait_for(lambda: pdf_path.exists() and not list(downloads.glob("*.crdownload")), 60,
             "the downloaded PDF")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(OUTPUT / "ui-bundle.png"))
    click_text(driver, "a", "Evidence")
    click_text(driver, "*[@role='tab']", "GT")
    wait_for(lambda: SCRIPT in body(driver), 30, "the evidence page again")
    quote = next(q for q in driver.find_elements("css selector", ".cckb-quote")
                 if "alert(1)" in q.text)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", quote)
    driver.save_screenshot(str(OUTPUT / "ui-evidence.png"))

    reader = PdfReader(pdf_path)
    texts = [page.extract_text() or "" for page in reader.pages]
    total = len(texts)
    assert total >= 1 + len(planned)
    for number, text in enumerate(texts, 1):
        assert f"Page {number} of {total}" in text
    marks = [o for o in reader.outline if not isinstance(o, list)
             and o.title.startswith("Exhibit ")]
    assert [o.title for o in marks] == [f"Exhibit {tab}: {title}" for tab, title in planned]
    toc = " ".join(texts[1].split())
    for tab, title in planned:
        assert f"{tab} {' '.join(title.split())}" in toc
    for mark, (tab, _) in zip(marks, planned, strict=True):
        assert f"EXHIBIT {tab}" in texts[reader.get_destination_page_number(mark)]
