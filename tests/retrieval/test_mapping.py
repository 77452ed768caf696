"""Profile -> taxonomy: fields and narrative in English or Spanish, the persecutor's reach."""

from __future__ import annotations

import pytest

from core.taxonomy import load_taxonomy
from ingest.enrich import Enricher
from retrieval.mapping import expansion_terms, map_profile, map_research, query_texts
from retrieval.profile import parse_profile


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher(load_taxonomy())


def _map(enricher: Enricher, **fields):
    return map_profile(parse_profile({"nationality": "VE", "third_countries": ["HN"], **fields}),
                       enricher)


def test_english_fields_map_to_risk_factors(enricher):
    m = _map(enricher, sexual_orientation="gay", political_opinion="opposition activist")
    assert m.risk_factors["lgbti"] == 1.0 and "political_opposition" in m.risk_factors
    assert {"social_group", "political_opinion", "nationality"} <= set(m.grounds)
    assert {"harm", "nexus", "non_nationals"} <= set(m.elements)


def test_spanish_narrative_maps_like_english(enricher):
    es = _map(enricher, narrative="Soy una mujer trans y las pandillas me extorsionaban.")
    en = _map(enricher, narrative="I am a trans woman and the gangs extorted me.")
    for m in (es, en):
        assert "lgbti" in m.risk_factors and "gang_violence_extortion" in m.risk_factors


def test_every_foreigner_gets_xenophobia_and_asylum_access(enricher):
    m = _map(enricher)
    assert {"xenophobia", "migrants_deportees", "asylum_procedure"} <= set(m.risk_factors)


def test_home_state_is_a_persecutor_with_reach(enricher):
    m = _map(enricher, persecutor_at_home="Venezuelan police and colectivos")
    assert "ve_state" in m.actors and "reach" in m.elements


def test_home_gang_named_in_narrative(enricher):
    m = map_profile(parse_profile({"nationality": "SV", "third_countries": ["GT"],
                                   "narrative": "MS-13 threatened my family"}), enricher)
    assert "ms13" in m.actors


def test_expansion_has_both_languages_and_no_regex(enricher):
    m = _map(enricher, sexual_orientation="lesbian")
    terms = expansion_terms(m, enricher.taxonomy)
    assert "gay" in terms and "orientacion sexual" in terms and "Venezuelan" in terms
    assert "venezolanos" in terms and not any(t.startswith("re:") or "*" in t for t in terms)


def test_query_texts_include_spanish_descriptions(enricher):
    m = _map(enricher, sexual_orientation="gay")
    groups = query_texts(m, enricher.taxonomy)
    assert any("LGBTIQ+" in t for t in groups[0]) and any("LGBTQI+" in t for t in groups[0])


def test_research_mode_refuses_unknown_risk(enricher):
    with pytest.raises(Exception, match="unknown risk factor"):
        map_research(enricher.taxonomy, enricher, ["lgbtx"], "", None)
    m = map_research(enricher.taxonomy, enricher, ["lgbti"], "", "NI")
    assert m.risk_factors == {"lgbti": 1.0} and "ni_state" in m.actors


def test_own_words_join_every_free_text_field(enricher):
    m = _map(enricher, political_opinion="independent journalist",
             social_groups=["Venezuelan migrants"], narrative="Agents raided the newsroom.")
    assert len(m.free_text) == 1
    own = m.free_text[0]
    for part in ("independent journalist", "Venezuelan migrants", "Agents raided the newsroom."):
        assert part in own
    assert [own[:2000]] in query_texts(m, enricher.taxonomy)
    assert _map(enricher).free_text == []


def test_a_trans_woman_is_mapped_as_trans_not_to_violence_against_women(enricher):
    """The female default (violence against women) is for women; a trans woman's risk factor is
    lgbti, from the same field, unless her own account names gender-based violence."""
    woman = _map(enricher, sex="female")
    assert woman.risk_factors["gender_based_violence"] == 0.6
    for identity in ("trans woman", "mujer trans", "transgender woman", "transsexual woman",
                     "mujer transexual"):
        trans = _map(enricher, sex="female", gender_identity=identity)
        assert "lgbti" in trans.risk_factors
        assert "gender_based_violence" not in trans.risk_factors
    raped = _map(enricher, gender_identity="trans woman",
                 narrative="Police officers raped her in a cell.")
    assert "gender_based_violence" in raped.risk_factors
