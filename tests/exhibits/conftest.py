"""One small knowledge base per module: three documents through the real ingest path."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.models import DocumentItem
from core.settings import load_settings
from ingest.kb import KnowledgeBase

STATE = "U.S. Department of State"
DOCS = [
    DocumentItem(
        url="https://example.org/hn-2023", title="Honduras 2023 Human Rights Report",
        publisher=STATE, countries=["HN"], published="2024-04-22", language="en",
        text="SEXUAL ORIENTATION\n\nCivil society groups reported 47 killings of lesbian, gay, "
             "bisexual and transgender persons during the year.\n\nPolice rarely investigated "
             "these hate crimes, and transgender women were beaten by gang members because of "
             "their gender identity.\n\nGANGS\n\nGangs such as MS-13 extorted bus drivers in "
             "San Pedro Sula and Tegucigalpa."),
    DocumentItem(
        url="https://example.org/hn-es", title="Informe sobre personas LGBTI en Honduras",
        publisher="CIDH", countries=["HN"], published="2023-11-02", language="es",
        text="La Comisión registró asesinatos de personas LGBTI en Honduras, en particular de "
             "mujeres trans.\n\nLa impunidad de estos crímenes de odio por su orientación sexual "
             "o identidad de género es casi total."),
    DocumentItem(
        url="https://example.org/gt-2023", title="Guatemala <b>2023</b> report",
        publisher="Example <Watch>", countries=["GT"], published="2024-04-22", language="en",
        text="Venezuelan migrants in Guatemala reported xenophobic insults.\n\nA website "
             "quoted the payload <script>alert(1)</script> used by attackers against a "
             "refugee organisation, and police officers extorted migrants at checkpoints."),
]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    data_dir = tmp_path_factory.mktemp("kb")
    with KnowledgeBase.open(load_settings({"CCKB_DATA_DIR": str(data_dir)})) as base:
        base.init()
        for item in DOCS:
            base.ingestor.ingest_item(item)
        yield base


@pytest.fixture(scope="module")
def passages(kb: KnowledgeBase) -> dict[str, list[dict]]:
    """Passages per document URL, in document order."""
    rows = kb.store.run("MATCH (p:Passage)-[:PART_OF]->(d:Document) "
                        "RETURN d.url AS url, p.id AS id, p.text AS text ORDER BY p.ordinal")
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row["url"], []).append(row)
    return out
