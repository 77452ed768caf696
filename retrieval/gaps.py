"""The client's own facts, one by one: is there evidence specific to each in a third country?

Counting passages per legal element (retrieval/search.py) says nothing about whether the
evidence concerns *this* client: a Honduras result set full of general LGBTI reports can cover
every element and still hold nothing on MS-13's reach into Honduras, on Salvadorans there or on
gay men. Each fact of the profile is checked on its own:

- the nationality as seen in the third country (an item naming the client's nationals),
- each protected characteristic and social group (an item tagged with a risk factor the fact
  maps to, and specific to the client rather than a roundup),
- the persecutor at home (an item naming one of its actors).

A characteristic that maps to no risk factor, or a persecutor that maps to no known actor, is
said plainly ("maps to no risk factor"): it cannot be searched for, so nothing can be found.
The facts are computed in memory from the confidential profile and never stored or logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from retrieval.mapping import FIELD_DEFAULTS, persecutor_actors
from retrieval.profile import ClientProfile

SPECIFIC, GENERAL, NONE, UNMAPPED = "specific", "general only", "none", "unmapped"
MAX_ITEMS = 5
FIELDS = {"sex": "sex", "gender_identity": "gender identity",
          "sexual_orientation": "sexual orientation", "race_ethnicity": "race / ethnicity",
          "religion": "religion", "political_opinion": "political opinion", "other": "other"}


@dataclass(frozen=True)
class Fact:
    kind: str                 # nationality | a profile field name | social_group | persecutor
    label: str                # the profile field, never the client's words: the answer is
                              # printed and exported, the profile is confidential
    risk_factors: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    nationality: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def mapped(self) -> bool:
        return bool(self.risk_factors or self.actors or self.nationality)


def client_facts(profile: ClientProfile, enricher: Any) -> list[Fact]:
    """The profile's key facts, each with what it maps to in the taxonomy."""
    home = [profile.nationality]
    facts = [Fact("nationality", f"nationals of {profile.nationality}",
                  nationality=profile.nationality)]
    values = [(name, FIELDS[name], getattr(profile, name)) for name in FIELDS]
    values += [("social_group", f"social group {n}", g)
               for n, g in enumerate(profile.social_groups, 1)]
    for name, label, value in values:
        if not value:
            continue
        rfs = list(enricher.rules(value, home).risk_factors)
        if name in FIELD_DEFAULTS:
            rfs.append(FIELD_DEFAULTS[name][0])
        facts.append(Fact(name, label, tuple(dict.fromkeys(rfs))))
    if profile.persecutor_at_home:
        actors = persecutor_actors(enricher, profile.nationality, profile.persecutor_at_home)
        facts.append(Fact("persecutor", "the persecutor at home", actors=tuple(actors)))
    return facts


def _concerns(fact: Fact, row: dict[str, Any]) -> bool:
    if fact.nationality:
        return fact.nationality in (row.get("nationalities") or [])
    if fact.actors:
        return bool(set(fact.actors) & set(row.get("actors") or []))
    return bool(set(fact.risk_factors) & set(row.get("risk_factors") or []))


def fact_gaps(facts: list[Fact], ranked: list[Any]) -> list[dict[str, Any]]:
    """Per fact: `specific` (with up to MAX_ITEMS passage ids), `general only` (items concern
    it only as part of a roundup), `none`, or `unmapped`, with a plain sentence."""
    out = []
    for fact in facts:
        specific: list[str] = []
        general: list[str] = []
        if fact.mapped:
            for r in ranked:
                if not _concerns(fact, r.row):
                    continue
                # Naming the nationality or the actor is specific by itself; a risk factor
                # counts only on a passage focused on the client (not a roundup).
                (specific if fact.nationality or fact.actors or r.specific
                 else general).append(r.row["id"])
        status = (UNMAPPED if not fact.mapped else SPECIFIC if specific
                  else GENERAL if general else NONE)
        out.append({"kind": fact.kind, "fact": fact.label, "status": status,
                    "risk_factors": list(fact.risk_factors), "actors": list(fact.actors),
                    "specific_count": len(specific), "general_count": len(general),
                    "items": specific[:MAX_ITEMS], "message": _message(fact, status)})
    return out


def _message(fact: Fact, status: str) -> str:
    mapped = ", ".join(fact.actors or fact.risk_factors)
    what = {"persecutor": f"{fact.label} ({mapped}: its reach into this country)"
            if mapped else fact.label, "nationality": fact.label}.get(
        fact.kind, f"{fact.label} ({mapped})" if mapped else fact.label)
    if status == UNMAPPED:
        kind = "known actor" if fact.kind == "persecutor" else "risk factor"
        return (f"{what} as entered maps to no {kind} of the taxonomy: evidence about it "
                "cannot be searched for, so none was found")
    return {SPECIFIC: f"evidence specific to {what} found",
            GENERAL: f"only general evidence touches {what}; nothing specific to it",
            NONE: f"no evidence specific to {what} was found"}[status]


def all_specific(rows: list[dict[str, Any]]) -> bool:
    """True only when every fact has specific evidence (the condition for 'all covered')."""
    return all(r["status"] == SPECIFIC for r in rows)
