"""The client's own facts, one by one (issue 18): per third country, is there evidence specific
to the nationality, each characteristic and the persecutor; a characteristic that maps to no
risk factor is said plainly; the green 'all covered' never shows while a fact lacks specific
evidence."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from retrieval.profile import parse_profile
from retrieval.search import EvidenceSearch

CLIENT = {"nationality": "SV", "third_countries": ["HN", "GT"], "sexual_orientation": "gay",
          "race_ethnicity": "Black", "social_groups": ["people living with HIV"],
          "persecutor_at_home": "MS-13",
          "narrative": "MS-13 extorted and beat him because he is gay."}


@pytest.fixture(scope="module")
def blocks(kb) -> dict[str, dict]:
    result = EvidenceSearch.from_kb(kb).for_profile(parse_profile(CLIENT), today=date(2026, 1, 5))
    return {b["country"]: b for b in result["countries"]}


def facts(block: dict) -> dict[str, dict]:
    return {f["kind"]: f for f in block["fact_gaps"]}


def test_each_fact_is_checked_per_country(blocks) -> None:
    hn, gt = facts(blocks["HN"]), facts(blocks["GT"])
    assert set(hn) == {"nationality", "sexual_orientation", "race_ethnicity", "social_group",
                       "persecutor"}
    hn_ids = {i["passage_id"] for i in blocks["HN"]["evidence"]}
    assert hn["sexual_orientation"]["status"] == "specific"
    assert hn["sexual_orientation"]["items"] and set(hn["sexual_orientation"]["items"]) <= hn_ids
    # MS-13 is named in a Honduras passage and in no Guatemala one
    assert hn["persecutor"]["status"] == "specific"
    assert gt["persecutor"]["status"] == "none"
    assert "no evidence specific to the persecutor at home (ms13" in gt["persecutor"]["message"]
    for country in (hn, gt):
        assert country["nationality"]["status"] == "none"  # nothing on Salvadorans there
        assert country["social_group"]["risk_factors"] == ["hiv_status"]
        assert country["social_group"]["status"] == "none"
        assert country["race_ethnicity"]["status"] == "unmapped"
        assert ("race / ethnicity as entered maps to no risk factor"
                in country["race_ethnicity"]["message"])
        assert not any(w in str(list(country.values())) for w in ("Black", "HIV", "MS-13"))


def _render(rows: list, facts: list) -> None:
    from ui import components

    components.gaps(rows, facts)


def test_no_green_while_a_fact_lacks_specific_evidence(blocks) -> None:
    hn = blocks["HN"]["fact_gaps"]
    at = AppTest.from_function(_render, args=([], hn)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.success, "green 'all covered' shown while facts lack specific evidence"
    shown = " ".join(m.value for m in at.markdown)
    assert "maps to no risk factor" in shown and "social group 1 (hiv_status)" in shown
    covered = [f for f in hn if f["status"] == "specific"]
    at = AppTest.from_function(_render, args=([], covered)).run()
    assert at.success and "every fact of the client has specific evidence" in at.success[0].value
