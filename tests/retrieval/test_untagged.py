"""Recall first: a passage that no taxonomy term matches is still found for a client whose
account it answers (tags are ranking features, never gates)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.models import DocumentItem
from core.settings import load_settings
from graph import queries as Q
from ingest.kb import KnowledgeBase
from retrieval.profile import parse_profile
from retrieval.search import EvidenceSearch

RELEVANT = ("https://example.org/apiarists",
            "Beekeepers in the Olancho highlands said armed men burned their hives and ordered "
            "them to abandon the valley; two apiarists who stayed have not been seen since.")
DISTRACTORS = [
    ("coffee", "Coffee exports rose by four percent and the central bank kept rates unchanged."),
    ("football", "The national football team qualified for the regional cup after a late goal."),
    ("roads", "A new highway between the capital and the northern coast opened to traffic."),
    ("weather", "Heavy rains flooded rice fields in the south; the harvest will be smaller."),
    ("tourism", "Cruise ship arrivals at Roatan reached a record number of visitors this year."),
    ("gangs", "Gangs extorted bus drivers and shopkeepers and killed those who refused to pay."),
    ("lgbti", "LGBTI persons were killed and police rarely investigated the hate crimes."),
    ("migrants", "Migrants and asylum seekers faced xenophobic insults and extortion by police."),
    ("prisons", "Prison conditions were harsh and overcrowded, with deaths in custody."),
]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    settings = load_settings({"CCKB_DATA_DIR": str(tmp_path_factory.mktemp("untagged"))})
    with KnowledgeBase.open(settings) as base:
        base.init()
        docs = [RELEVANT] + [(f"https://example.org/{k}", t) for k, t in DISTRACTORS]
        for url, text in docs:
            base.ingestor.ingest_item(DocumentItem(
                url=url, title="Country note", publisher="Example Monitor", countries=["HN"],
                published="2025-06-01", language="en", text=text))
        yield base


def test_a_passage_without_any_tag_is_found(kb):
    searcher = EvidenceSearch.from_kb(kb)
    profile = parse_profile({
        "nationality": "NI", "third_countries": ["HN"],
        "narrative": "She kept bees in the mountains. Armed men burned her hives and told her "
                     "to leave the valley; she fears the same will happen to beekeepers there."})
    ids = [r["id"] for r in kb.store.execute(Q.passages_about("HN", 100))]
    rows = {r["url"]: r for r in kb.store.execute(Q.passage_evidence(ids))}
    untagged = rows[RELEVANT[0]]
    assert not [link for link in untagged["links"] if link[0] in ("EVIDENCES", "SUPPORTS")], \
        "the test needs a passage that enrichment could not tag"
    tagged = [url for url, r in rows.items() if any(link[0] == "EVIDENCES" for link in r["links"])]
    assert tagged, "the distractors must include tagged passages, or the test proves nothing"
    found = searcher.for_profile(profile, top=10)["countries"][0]
    top = [item["document_url"] for item in found["evidence"]]
    assert RELEVANT[0] in top[:3], top
    for general in ("lgbti", "gangs", "prisons"):  # tagged, but not about her
        assert top.index(RELEVANT[0]) < top.index(f"https://example.org/{general}"), top
    item = found["evidence"][top.index(RELEVANT[0])]
    assert item["specificity"] == "general" and "client's account" in item["why"]
