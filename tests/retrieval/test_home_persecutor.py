"""'Home-country persecutor' names only the home country's actors, never the third country's
police (issue 18: Honduran police for a Salvadoran, Ecuadorian police for a Haitian, the Uganda
Police Force for a Congolese). Real taxonomy and enrichment rules."""

from __future__ import annotations

from datetime import date

import pytest

from core.taxonomy import load_taxonomy
from ingest.enrich import Enricher
from retrieval.mapping import map_profile
from retrieval.profile import parse_profile
from retrieval.ranking import score

TODAY = date(2026, 11, 1)
HOME = "home-country persecutor present"


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher(load_taxonomy())


def _map(enricher: Enricher, nationality: str, third: list[str], **fields):
    return map_profile(parse_profile({"nationality": nationality, "third_countries": third,
                                      **fields}), enricher)


def _why(enricher: Enricher, mapping, actors: list[str]) -> list[str]:
    row = {"id": "p", "text": "x", "published": "2025-04-01", "publisher": "UNHCR",
           "risk_factors": {"lgbti": 0.9}, "elements": {"harm": 0.8}, "nationalities": [],
           "actors": actors, "countries": ["HN"]}
    return score(row, {"dense": 1}, mapping, enricher.taxonomy, TODAY, country="HN").reasons


def test_salvadoran_in_honduras_ms13_yes_honduran_police_no(enricher):
    m = _map(enricher, "SV", ["HN", "GT"], persecutor_at_home="MS-13",
             narrative="MS-13 extorted and beat me in San Salvador because I am gay. I fled to "
                       "Honduras, where the police of Honduras and the Honduran national police "
                       "ignored my complaint.")
    assert "ms13" in m.actors
    assert not {"hn_police", "gt_pnc"} & set(m.actors)
    why = _why(enricher, m, ["hn_police", "ms13"])
    home = [r for r in why if r.startswith(HOME)]
    assert home == [f"{HOME}: {enricher.taxonomy.actor('ms13').name}"]
    assert not any(r.startswith(HOME) for r in _why(enricher, m, ["hn_police"]))
    # Even a mapping that lists the third country's police does not name it the persecutor.
    m.actors.append("hn_police")
    assert [r for r in _why(enricher, m, ["hn_police", "ms13"]) if r.startswith(HOME)] == home


@pytest.mark.parametrize("nationality,third,narrative,foreign", [
    ("HT", ["EC"], "In Guayaquil the Ecuadorian police beat me and called me racist names.",
     "ec_police"),
    ("CD", ["UG"], "In Kampala the Uganda Police Force arrested me for being gay and took my "
                   "HIV medicine.", "ug_police"),
])
def test_third_country_police_is_never_the_home_persecutor(enricher, nationality, third,
                                                           narrative, foreign):
    m = _map(enricher, nationality, third, narrative=narrative)
    assert foreign not in m.actors
    assert not any(r.startswith(HOME) for r in _why(enricher, m, [foreign]))


def test_home_states_police_is_the_home_persecutor_for_its_own_nationals(enricher):
    m = _map(enricher, "HN", ["GT"], persecutor_at_home="Honduran national police")
    assert "hn_police" in m.actors
    assert f"{HOME}: Policía Nacional de Honduras" in _why(enricher, m, ["hn_police"])
