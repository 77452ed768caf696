"""One small knowledge base per test module, built through the real ingest path and model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.models import DocumentItem
from core.settings import load_settings
from ingest.kb import KnowledgeBase

STATE = "U.S. Department of State"
DOCS = [
    ("https://example.org/hn-2023-lgbti", "Honduras 2023 Human Rights Report", STATE, ["HN"],
     "2024-04-22", "en",
     "Acts of Violence, Discrimination, and Other Abuses Based on Sexual Orientation or Gender "
     "Identity. Civil society groups reported 47 killings of lesbian, gay, bisexual and "
     "transgender persons during the year, and police rarely investigated these hate crimes. "
     "Transgender women were beaten and threatened by gang members because of their gender "
     "identity."),
    ("https://example.org/hn-2023-gangs", "Honduras 2023 Human Rights Report (gangs)", STATE,
     ["HN"], "2024-04-22", "en",
     "Gangs such as MS-13 and Barrio 18 extorted bus drivers and small businesses in San Pedro "
     "Sula and Tegucigalpa. The government blamed gangs for most homicides."),
    ("https://example.org/hn-economy", "Honduras economic note", "Example Bank", ["HN"],
     "2024-01-10", "en",
     "Coffee exports grew by four percent and the central bank kept interest rates unchanged. "
     "Remittances remained an important part of the Honduran economy."),
    ("https://example.org/hn-es", "Informe sobre personas LGBTI en Honduras", "CIDH", ["HN"],
     "2023-11-02", "es",
     "La Comisión registró asesinatos de personas LGBTI en Honduras, en particular de mujeres "
     "trans, y la impunidad de estos crímenes de odio por su orientación sexual o identidad de "
     "género."),
    ("https://example.org/gt-2023", "Guatemala 2023 Human Rights Report", STATE, ["GT"],
     "2024-04-22", "en",
     "Venezuelan migrants in Guatemala reported xenophobic insults and extortion by police "
     "officers at checkpoints. Asylum seekers waited more than a year for a decision of the "
     "refugee status commission."),
    ("https://example.org/gt-2016", "Guatemala 2016 Human Rights Report", STATE, ["GT"],
     "2017-03-03", "en",
     "LGBTI persons in Guatemala suffered violence and killings, and transgender women were "
     "attacked by gang members, with little police investigation."),
]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    data_dir = tmp_path_factory.mktemp("kb")
    settings = load_settings({"CCKB_DATA_DIR": str(data_dir)})
    with KnowledgeBase.open(settings) as base:
        base.init()
        for url, title, pub, countries, published, lang, text in DOCS:
            base.ingestor.ingest_item(DocumentItem(
                url=url, title=title, publisher=pub, countries=countries, published=published,
                language=lang, text=text))
        yield base


@pytest.fixture(scope="module")
def data_dir(kb: KnowledgeBase) -> Path:
    return kb.settings.data_path
