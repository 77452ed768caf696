"""The small knowledge base the exhibit and UI tests share: four documents (English, Spanish, a
hostile title, an old report) put through the real ingest path and embedding model."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.models import DocumentItem
from core.settings import load_settings
from ingest.kb import KnowledgeBase

SCRIPT = "<script>alert(1)</script>"
STATE = "U.S. Department of State"
DOCS = [
    DocumentItem(
        url="https://example.org/hn-2023", title="Honduras 2023 Human Rights Report",
        publisher=STATE, countries=["HN"], published="2024-04-22", language="en",
        text="SEXUAL ORIENTATION\n\nCivil society groups reported 47 killings of lesbian, gay, "
             "bisexual and transgender persons during the year.\n\nPolice rarely investigated "
             "these hate crimes, and transgender women were beaten by gang members because of "
             "their gender identity.\n\nGANGS\n\nGangs such as MS-13 extorted bus drivers in "
             "San Pedro Sula and Tegucigalpa and threatened gay men who refused to pay."),
    DocumentItem(
        url="https://example.org/hn-es", title="Informe sobre personas LGBTI en Honduras",
        publisher="CIDH", countries=["HN"], published="2023-11-02", language="es",
        text="La Comisión registró asesinatos de personas LGBTI en Honduras, en particular de "
             "mujeres trans.\n\nLa impunidad de estos crímenes de odio por su orientación sexual "
             "o identidad de género es casi total."),
    DocumentItem(
        url="https://example.org/gt-2023", title="Guatemala <b>2023</b> report",
        publisher="Example <Watch>", countries=["GT"], published="2024-04-22", language="en",
        text="Venezuelan migrants in Guatemala reported xenophobic insults and <b>bold</b> "
             "threats from gang members.\n\nA website quoted the payload "
             f"{SCRIPT} used by attackers against a refugee organisation that helps gay "
             "asylum seekers, and police officers extorted migrants at checkpoints."),
    DocumentItem(
        url="https://example.org/gt-2019", title="Guatemala 2019 Human Rights Report",
        publisher=STATE, countries=["GT"], published="2020-03-11", language="en",
        text="LGBTI persons in Guatemala suffered violence and killings, and transgender women "
             "were attacked by gang members, with little police investigation."),
]


DECISIONS = Path(__file__).parent / "fixtures" / "crawlers" / "unhcr_rdf" / "site" / \
    "population" / "v1" / "asylum-decisions"
DECISIONS_URL = "https://api.unhcr.org/population/v1/asylum-decisions/?coa={coa}&page=1"


def load_decisions(kb: KnowledgeBase, coa: str, iso2: str) -> bytes:
    """Load the recorded UNHCR answer for country of asylum `coa` (ISO3) through the real
    statistics path (archive + graph); returns the answer's bytes."""
    from scrapy.http import TextResponse

    from core.models import StatisticsItem
    from crawlers.pages import unhcr_rdf
    from ingest.statistics import ingest_statistics

    body = (DECISIONS / f"{coa}.page1.json").read_bytes()
    response = TextResponse(url=DECISIONS_URL.format(coa=coa), body=body,
                            headers={"Content-Type": "application/json"})
    rows, _, _ = unhcr_rdf.decisions(response, coa)
    ingest_statistics(kb.store, kb.archive, StatisticsItem(
        url=response.url, title="Asylum decisions", publisher="UNHCR", countries=[iso2],
        rows=rows, raw=body, source_id="unhcr_rdf",
        retrieved_at=datetime(2026, 1, 2, tzinfo=UTC)))
    return body


def open_small_kb(data_dir: Path, docs: list[DocumentItem] = DOCS) -> KnowledgeBase:
    """An open knowledge base in `data_dir` holding `docs`; the caller closes it."""
    kb = KnowledgeBase.open(load_settings({"CCKB_DATA_DIR": str(data_dir)}))
    try:
        kb.init()
        for item in docs:
            kb.ingestor.ingest_item(item)
    except BaseException:
        kb.close()
        raise
    return kb


@contextmanager
def streamlit_env(data_dir: Path) -> Iterator[Path]:
    """The environment an AppTest run of the UI needs: `CCKB_DATA_DIR` set to `data_dir`,
    Streamlit's caches cleared before and after, and the app's cached knowledge base closed."""
    import streamlit as st

    from ui import state

    mp = pytest.MonkeyPatch()
    mp.setenv("CCKB_DATA_DIR", str(data_dir))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        yield data_dir
    finally:
        try:
            state.knowledge_base().close()
        finally:
            st.cache_resource.clear()
            st.cache_data.clear()
            mp.undo()
