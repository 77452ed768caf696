"""Map a client profile onto the taxonomy: what to look for, in English and Spanish.

The enrichment rules that tag passages at ingest are reused on the profile's fields, so a
profile and a passage meet on the same vocabulary (a "gay man" profile and a Spanish passage
on "personas LGBTI" both land on `lgbti`). Explicit fields weigh more than the narrative, and
being a foreigner in the third country always makes xenophobia and the asylum procedure
relevant. What leaves this module is taxonomy ids, and for the search only, in memory, the
client's own words (`free_text`, `own_words_terms`): never logged, stored or cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.taxonomy import Taxonomy, fold
from ingest.enrich import Enricher
from retrieval.profile import ClientProfile

FIELD_WEIGHT = 1.0
NARRATIVE_WEIGHT = 0.8
DEFAULT_WEIGHTS = {"xenophobia": 0.5, "migrants_deportees": 0.4, "asylum_procedure": 0.35}
FIELD_DEFAULTS = {"political_opinion": ("political_opposition", 0.8),
                  "religion": ("religious", 0.5)}
_FEMALE = re.compile(r"\b(f|female|woman|girl|mujer|femenin[oa]|nina)\b")
# A trans woman's risk is as a trans person (lgbti, from the same field): reports on violence
# against women in general were graded 0-1 for trans clients by every annotator of the dev set.
_TRANS = re.compile(r"\btrans(gender|genero|s?exual)?\b")
MAX_TERMS = 80
MAX_VECTOR_FACTORS = 4  # strongest risk factors searched by vector; each costs one query
MAX_TERM_FACTORS = 4


@dataclass
class Mapping:
    """What retrieval looks for on behalf of one client (or one researcher question)."""

    nationality: str | None
    risk_factors: dict[str, float] = field(default_factory=dict)
    actors: list[str] = field(default_factory=list)
    elements: list[str] = field(default_factory=list)
    grounds: list[str] = field(default_factory=list)
    free_text: list[str] = field(default_factory=list)

    def add(self, rf_id: str, weight: float) -> None:
        self.risk_factors[rf_id] = max(self.risk_factors.get(rf_id, 0.0), weight)


def map_profile(profile: ClientProfile, enricher: Enricher) -> Mapping:
    """Risk factors, actors (incl. the home persecutor's reach), grounds and elements."""
    out = Mapping(profile.nationality)
    home = [profile.nationality]
    fields = {
        "sex": profile.sex, "gender_identity": profile.gender_identity,
        "sexual_orientation": profile.sexual_orientation, "race_ethnicity": profile.race_ethnicity,
        "religion": profile.religion, "political_opinion": profile.political_opinion,
        "social_groups": "; ".join(profile.social_groups), "other": profile.other,
    }
    for name, value in fields.items():
        if not value:
            continue
        for rf_id in enricher.rules(value, home).risk_factors:
            out.add(rf_id, FIELD_WEIGHT)
        if name in FIELD_DEFAULTS:
            out.add(*FIELD_DEFAULTS[name])
    female = _FEMALE.search(fold(profile.sex)) or _FEMALE.search(fold(profile.gender_identity))
    if female and not _TRANS.search(fold(profile.gender_identity)):
        out.add("gender_based_violence", 0.6)
    if profile.narrative:
        for rf_id, score in enricher.rules(profile.narrative, home).risk_factors.items():
            out.add(rf_id, NARRATIVE_WEIGHT * score)
    for rf_id, weight in DEFAULT_WEIGHTS.items():
        out.add(rf_id, weight)
    persecutor = " ".join(x for x in (profile.persecutor_at_home, profile.narrative) if x)
    out.actors = persecutor_actors(enricher, profile.nationality, persecutor)
    out.free_text = [own_words(profile)] if own_words(profile) else []
    return finish(out, enricher.taxonomy)


def own_words(profile: ClientProfile) -> str:
    """Every free-text field of the profile in one text: the private query that is embedded in
    memory (never cached or logged) and compared with each candidate passage."""
    parts = [profile.sex, profile.gender_identity, profile.sexual_orientation,
             profile.race_ethnicity, profile.religion, profile.political_opinion,
             *profile.social_groups, profile.persecutor_at_home, profile.other, profile.narrative]
    return "; ".join(p for p in parts if p)


def persecutor_actors(enricher: Enricher, nationality: str, text: str) -> list[str]:
    """Home-country actors named in the text, plus the home state when it hunts exiles.

    A foreign-state actor lists its own country first in `operates_in`; its presence abroad is
    what makes transnational repression (the `reach` element) possible. An actor that does not
    operate in the home country is never the home persecutor: a narrative about the police of
    the third country ("the police in Honduras ignored me", for a Salvadoran) names an actor of
    the third country, not the one the client fled.
    """
    actors = enricher.rules(text, [nationality]).actors if text else []
    for actor in enricher.taxonomy.actors:
        if actor.kind == "foreign_state" and actor.operates_in[0] == nationality:
            actors.append(actor.id)
    home = [a for a in actors if is_home_actor(enricher.taxonomy, a, nationality)]
    return list(dict.fromkeys(home))


def is_home_actor(taxonomy: Taxonomy, actor_id: str, nationality: str | None) -> bool:
    """True when the actor operates in the client's home country (MS-13 for a Salvadoran, the
    Uganda Police Force only for a Ugandan)."""
    return bool(nationality) and nationality in taxonomy.actor(actor_id).operates_in


def map_research(taxonomy: Taxonomy, enricher: Enricher, risks: list[str], text: str,
                 nationality: str | None) -> Mapping:
    """Researcher mode: the risk factors asked for, plus whatever the text maps to."""
    known = {rf.id for rf in taxonomy.risk_factors}
    unknown = [r for r in risks if r not in known]
    if unknown:
        from core.errors import ValidationError

        raise ValidationError(f"unknown risk factor(s) {', '.join(unknown)} "
                              f"(known: {', '.join(sorted(known))})")
    out = Mapping(nationality)
    for rf_id in risks:
        out.add(rf_id, FIELD_WEIGHT)
    if text:
        for rf_id, score in enricher.rules(text, [nationality] if nationality else []) \
                .risk_factors.items():
            out.add(rf_id, NARRATIVE_WEIGHT * score)
        out.free_text = [text]
    if nationality:
        out.actors = persecutor_actors(enricher, nationality, text)
    return finish(out, taxonomy)


def finish(out: Mapping, taxonomy: Taxonomy) -> Mapping:
    """Grounds and elements implied by the risk factors, strongest risk factor first."""
    out.risk_factors = dict(sorted(out.risk_factors.items(), key=lambda kv: -kv[1]))
    grounds: list[str] = []
    elements: list[str] = ["harm", "nexus"]
    for rf_id in out.risk_factors:
        rf = taxonomy.risk_factor(rf_id)
        grounds += rf.grounds
        elements += rf.elements
    if out.nationality:
        grounds.append("nationality")
    if out.actors:
        elements.append("reach")
    out.grounds = list(dict.fromkeys(grounds))
    out.elements = list(dict.fromkeys(elements))
    return out


def expansion_terms(mapping: Mapping, taxonomy: Taxonomy) -> list[str]:
    """Full-text terms in both languages: taxonomy terms, labels, demonyms and actor names.

    Regex terms are skipped and `*` prefixes become their stem: full-text engines take words.
    """
    terms: list[str] = []
    if mapping.nationality and mapping.nationality in taxonomy.demonyms:
        dem = taxonomy.demonyms[mapping.nationality]
        terms += [*dem.en, *dem.es]
    for actor_id in mapping.actors:
        terms += taxonomy.actor(actor_id).names
    for rf_id in list(mapping.risk_factors)[:MAX_TERM_FACTORS]:
        rf = taxonomy.risk_factor(rf_id)
        terms += [rf.label.en, rf.label.es, *rf.terms_en, *rf.terms_es]
    out = []
    for term in terms:
        if term.startswith("re:"):
            continue
        term = term.replace("*", "").strip()
        if len(term) >= 3 and term not in out:
            out.append(term)
    return out[:MAX_TERMS]


def query_texts(mapping: Mapping, taxonomy: Taxonomy) -> list[list[str]]:
    """Groups of texts to embed, one query vector per group (the group's mean): each main
    risk factor's EN and ES description, and the free text."""
    groups = []
    for rf_id in list(mapping.risk_factors)[:MAX_VECTOR_FACTORS]:
        rf = taxonomy.risk_factor(rf_id)
        groups.append([rf.description.en, rf.description.es])
    groups += [[t[:2000]] for t in mapping.free_text]
    return groups


# Function words of English and Spanish: they carry no topic, and OR-ed into a full-text query
# they would match nearly every passage.
_STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it its
itself just me more most my myself no nor not now of off on once only or other our ours out over
own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself told said says also one two three
al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el
ella ellas ellos en entre era eran es esa esas ese eso esos esta estaba estado estan estar este
esto estos fue fueron ha habia han hasta hay la las le les lo los mas me mi mis mucho muy nada ni
no nos o otra otras otro otros para pero por porque que quien se sea segun ser si sin sobre
son su sus tambien te tiene tienen todo todos tu un una uno unos y ya yo dijo le lo
""".split())
MAX_WORDS = 40
_WORD_RE = re.compile(r"[^\W\d_]{3,}")


def own_words_terms(mapping: Mapping) -> list[str]:
    """The content words of the client's own account, in order of first use, for the full-text
    channel: no taxonomy involved, so wording our vocabulary lacks is still searched. They
    reach the graph only as a parameter of a read-only query, like the query vectors."""
    words: dict[str, None] = {}
    for text in mapping.free_text:
        for word in _WORD_RE.findall(text.lower()):
            if fold(word) not in _STOPWORDS:
                words.setdefault(word, None)
    return list(words)[:MAX_WORDS]
