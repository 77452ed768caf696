"""The Asylum Cooperative Agreement (ACA) registry: schema, loader and applicability.

DHS moves to pretermit asylum claims under INA 208(a)(2)(A) / 8 CFR 1240.11(h) by pointing at an
ACA with a third country. Whether that agreement even reaches the respondent (8 CFR
1240.11(h)(2)(i)-(ii): nationality, exclusions, exceptions, the agreement's status) is a question
of fact about each instrument, and advocates must be able to cite every fact. So the registry
(data/agreements.yaml) is strict: every known value carries a citation URL and a confidence tag,
and anything not established is the literal "unknown" - the code never fills a gap with a guess.
"""

from __future__ import annotations

import os
import re
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticError

from core.countries import COUNTRIES
from core.errors import ValidationError

# Shipped inside the `core` package (core/data/, package data of the wheel); data/agreements.yaml
# in the checkout is a link to it. CCKB_AGREEMENTS points at an edited copy.
DEFAULT_PATH = Path(str(resources.files("core") / "data" / "agreements.yaml"))
UNKNOWN = "unknown"


def default_path() -> Path:
    """The registry in use: $CCKB_AGREEMENTS when set, else the packaged file."""
    return Path(os.environ.get("CCKB_AGREEMENTS") or DEFAULT_PATH)
_URL = re.compile(r"^https?://\S+$")

Confidence = Literal["primary", "secondary", "weak", "unknown"]
Status = Literal["in_force", "signed_not_implemented", "announced", "suspended", "terminated",
                 "unknown"]
# aca: an agreement under INA 208(a)(2)(A); aca_unconfirmed: a reported arrangement to receive
# third-country nationals whose legal basis (an INA 208(a)(2)(A) agreement or not) is unknown;
# removal_deal: a deportation arrangement that is not an ACA and cannot ground the ACA bar.
Kind = Literal["aca", "aca_unconfirmed", "removal_deal"]
ExceptionKind = Literal["unaccompanied_children", "criminal_record", "criminal_conduct",
                        "receiving_state_discretion", "visa_holders", "prior_arrival",
                        "public_interest", "other"]
ExclusionKind = Literal["own_nationals", "reported_exclusion"]
GroupName = Literal["spanish_speaking_latin_america", "central_america", "caribbean"]

# Definitional country groups used to read reported nationality rules ("Spanish-speaking Latin
# American countries", "Central American countries"). They are cckb's interpretation of a rule's
# words, not sourced facts, so every answer that relies on one says so.
GROUPS: dict[str, frozenset[str]] = {
    "spanish_speaking_latin_america": frozenset(
        "AR BO CL CO CR CU DO EC SV GT HN MX NI PA PY PE UY VE".split()),
    "central_america": frozenset("BZ CR SV GT HN NI PA".split()),
    "caribbean": frozenset("AG BS BB CU DM DO GD HT JM KN LC VC TT".split()),
}

# Pick the agreement that can ground a pretermission motion today before historical ones.
_STATUS_RANK = {"in_force": 0, "unknown": 1, "signed_not_implemented": 2, "announced": 3,
                "suspended": 4, "terminated": 5}


def _iso2(code: str) -> str:
    code = str(code).strip().upper()
    if code not in COUNTRIES:
        raise ValueError(f"unknown ISO 3166-1 alpha-2 country code {code!r}")
    return code


def _date_or_unknown(value: str) -> str:
    if value == UNKNOWN:
        return value
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is neither an ISO date (YYYY-MM-DD) nor 'unknown'") from None
    return value


ISO2 = Annotated[str, AfterValidator(_iso2)]
DateStr = Annotated[str, AfterValidator(_date_or_unknown)]


class Fact(BaseModel):
    """One cited statement. A value without a citation is not evidence, so it is rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: str | int
    citation: str | None = None
    confidence: Confidence
    note: str | None = None

    @property
    def known(self) -> bool:
        return self.value != UNKNOWN

    @model_validator(mode="after")
    def _cited(self) -> Fact:
        if self.citation is not None and not _URL.match(self.citation):
            raise ValueError(f"citation {self.citation!r} is not an http(s) URL")
        if not self.known:
            if self.confidence != "unknown":
                raise ValueError("an 'unknown' value must have confidence 'unknown'")
            return self
        if not self.citation:
            raise ValueError(f"value {str(self.value)[:60]!r} has no citation URL")
        if self.confidence == "unknown":
            raise ValueError("a known value needs confidence primary, secondary or weak")
        return self


class DateFact(Fact):
    """A date fact: ISO `YYYY-MM-DD` or 'unknown', never a free-text approximation."""

    value: DateStr


class ExceptionFact(Fact):
    kind: ExceptionKind


class Exclusion(Fact):
    """Nationals the agreement (or reporting on it) says it does not reach."""

    kind: ExclusionKind
    iso2: list[ISO2] = Field(min_length=1)


class Transfer(Fact):
    """A reported transfer count (or a report of none) as of `date`."""

    date: DateStr
    count: int | None = Field(default=None, ge=0)


class FederalRegister(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    citation: Fact
    document_number: Fact
    publication_date: DateFact
    url: Fact


class Coverage(BaseModel):
    """Who the agreement reaches: the reported rule, plus a machine-readable reading of it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: Fact
    groups: list[GroupName] = Field(default_factory=list)
    condition: str | None = None
    iso2: list[ISO2] | None = None


class LawEntry(Fact):
    id: str
    label: str


class Standard(BaseModel):
    """What the evidence for one legal element must show at the ACA stage (cckb's summary) and
    the governing_law entries it rests on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    element: str = Field(pattern=r"^[a-z][a-z_]*$")
    text: str = Field(min_length=20)
    law: list[str] = Field(min_length=1)


class Agreement(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^us-[a-z]{2}-\d{4}$")
    receiving_country: ISO2
    kind: Kind
    kind_basis: Fact | None = None
    status: Status
    status_basis: Fact
    title: Fact
    signed: DateFact
    in_force: DateFact
    suspended: DateFact | None = None
    terminated: DateFact | None = None
    federal_register: FederalRegister
    nationalities_covered: Coverage
    nationalities_excluded: list[Exclusion] = Field(default_factory=list)
    numerical_cap: Fact
    exceptions: list[ExceptionFact] = Field(default_factory=list)
    receiving_state_statements: list[Fact] = Field(default_factory=list)
    transfers: list[Transfer] = Field(default_factory=list)
    other: list[Fact] = Field(default_factory=list)

    @model_validator(mode="after")
    def _id_matches_country(self) -> Agreement:
        if self.id.split("-")[1] != self.receiving_country.lower():
            raise ValueError(f"id {self.id!r} does not name receiving country "
                             f"{self.receiving_country}")
        if self.kind != "aca" and self.kind_basis is None:
            raise ValueError(f"kind {self.kind!r} needs a cited kind_basis")
        return self


class Registry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    as_of: DateStr
    governing_law: list[LawEntry]
    standards: list[Standard] = Field(default_factory=list)
    agreements: list[Agreement]

    @model_validator(mode="after")
    def _unique_ids(self) -> Registry:
        for kind, ids in (("agreement", [a.id for a in self.agreements]),
                          ("governing_law", [g.id for g in self.governing_law])):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {kind} ids: {dupes}")
        elements = [st.element for st in self.standards]
        if len(set(elements)) < len(elements):
            raise ValueError(f"standards: an element appears twice: {sorted(elements)}")
        laws = {g.id for g in self.governing_law}
        for st in self.standards:
            missing = [i for i in st.law if i not in laws]
            if missing:
                raise ValueError(f"standards.{st.element}: no governing_law entry {missing}")
        return self

    def standard(self, element: str) -> dict[str, Any] | None:
        """The element's standard with its law entries' labels, citations and confidence."""
        st = next((x for x in self.standards if x.element == element), None)
        if st is None:
            return None
        return {"text": st.text, "law": [
            {"id": g.id, "label": g.label, "citation": g.citation, "confidence": g.confidence}
            for g in (self.law(i) for i in st.law) if g is not None]}

    def law(self, law_id: str) -> LawEntry | None:
        return next((g for g in self.governing_law if g.id == law_id), None)


def _where(loc: tuple[Any, ...], data: Any) -> str:
    """Name the entry (by its id) and the field, so a curator can fix the file directly."""
    parts = list(loc)
    if len(parts) >= 2 and parts[0] in ("agreements", "governing_law") and isinstance(parts[1],
                                                                                     int):
        section, index = parts[0], parts[1]
        try:
            entry_id = data[section][index].get("id") or f"#{index}"
        except (KeyError, IndexError, TypeError, AttributeError):
            entry_id = f"#{index}"
        field = ".".join(str(p) for p in parts[2:]) or "(entry)"
        label = "agreement" if section == "agreements" else "governing_law entry"
        return f"{label} {entry_id!r}, field {field}"
    return "field " + (".".join(str(p) for p in parts) or "(top level)")


def validate_registry(data: Any) -> Registry:
    """Validate a parsed registry; every problem is reported with its entry id and field."""
    try:
        return Registry.model_validate(data)
    except PydanticError as exc:
        problems = [f"{_where(tuple(e['loc']), data)}: {e['msg']}" for e in exc.errors()]
        raise ValidationError("agreements registry invalid: " + "; ".join(problems)) from None


@lru_cache(maxsize=8)
def _load(path: str) -> Registry:
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(f"agreements registry not found: {file}") from None
    except yaml.YAMLError as exc:
        raise ValidationError(f"agreements registry is not valid YAML: {exc}") from None
    return validate_registry(data)


def load_agreements(path: Path | str | None = None) -> Registry:
    """The validated registry (cached per path; edit the file, then `load_agreements.cache_clear`
    or restart, since a registry is data that changes by review, not at runtime)."""
    return _load(str(Path(path) if path else default_path()))


load_agreements.cache_clear = _load.cache_clear  # type: ignore[attr-defined]


# --- applicability ------------------------------------------------------------------------


def _pick(candidates: list[Agreement]) -> Agreement:
    """The most current agreement: best status first, then the most recently signed."""
    newest_first = sorted(candidates, key=lambda a: a.signed.value if a.signed.known else "",
                          reverse=True)
    return min(newest_first, key=lambda a: _STATUS_RANK[a.status])


class _Answer:
    """Collects reasons and the citations behind them while an answer is built."""

    def __init__(self) -> None:
        self.reasons: list[str] = []
        self.citations: list[dict[str, str]] = []

    def cite(self, fact_name: str, fact: Fact) -> None:
        if fact.citation:
            row = {"fact": fact_name, "url": fact.citation, "confidence": fact.confidence}
            if row not in self.citations:
                self.citations.append(row)

    def say(self, reason: str, fact_name: str | None = None, fact: Fact | None = None) -> None:
        self.reasons.append(reason)
        if fact_name and fact:
            self.cite(fact_name, fact)


def _exception_row(e: ExceptionFact | LawEntry, kind: str, name: str) -> dict[str, Any]:
    return {"kind": kind, "fact": name, "value": e.value, "citation": e.citation,
            "confidence": e.confidence, "note": e.note}


def _general_exceptions(reg: Registry) -> list[dict[str, Any]]:
    """Exceptions that come from the statute and the rule, not from any one instrument."""
    out = []
    statute = reg.law("ina-208-a-2-a")
    if statute:
        row = _exception_row(statute, "public_interest", "governing_law.ina-208-a-2-a")
        row["value"] = ("Public-interest exception (INA 208(a)(2)(A)); reported BIA precedent "
                        "reserves it to DHS, not the IJ.")
        out.append(row)
    ifr = reg.law("ifr-2019")
    if ifr:
        row = _exception_row(ifr, "prior_arrival", "governing_law.ifr-2019")
        row["value"] = ("The 2019 IFR applies only to aliens arriving on or after 2019-11-19 "
                        "(84 FR 63994).")
        out.append(row)
    return out


def applicability(nationality: str, third_country: str,
                  unaccompanied_child: bool | None = None,
                  path: Path | str | None = None) -> dict[str, Any]:
    """Does the ACA with `third_country` reach a national of `nationality`?

    For 8 CFR 1240.11(h)(2)(i)-(ii) arguments. `covered` is True, False or "unknown"; it is
    "unknown" whenever the registry does not establish the answer (unpublished nationality
    lists, unresolved conditions such as visa requirements). Every reason that rests on a fact
    contributes that fact's citation.
    """
    try:
        nat, country = _iso2(nationality), _iso2(third_country)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    reg = load_agreements(path)
    ans = _Answer()
    candidates = [a for a in reg.agreements if a.receiving_country == country]
    if not candidates:
        ans.say(f"The registry (as of {reg.as_of}) records no ACA with {country}; a "
                "pretermission motion naming one needs its instrument produced.")
        return {"agreement": None, "kind": None, "status": None, "covered": False,
                "excluded": False,
                "reasons": ans.reasons, "exceptions": [], "citations": [],
                "other_agreements": []}
    agreement = _pick(candidates)
    aid = agreement.id
    others = [{"id": a.id, "status": a.status} for a in candidates if a is not agreement]

    if agreement.kind == "removal_deal":
        ans.say(f"{aid} is a removal arrangement, not an Asylum Cooperative Agreement: it cannot "
                f"ground the ACA bar ({agreement.kind_basis.value})",
                f"{aid}.kind_basis", agreement.kind_basis)
    elif agreement.kind == "aca_unconfirmed":
        ans.say(f"Whether {aid} is an agreement under INA 208(a)(2)(A) at all is not established "
                f"({agreement.kind_basis.value})", f"{aid}.kind_basis", agreement.kind_basis)
    basis = agreement.status_basis
    if agreement.status in ("terminated", "suspended"):
        ans.say(f"{aid} is {agreement.status}: it cannot ground an ACA bar today "
                f"({basis.value})", f"{aid}.status_basis", basis)
    elif agreement.status == "announced":
        ans.say(f"{aid} is announced, not an operating agreement: it cannot ground an ACA bar "
                f"today ({basis.value})", f"{aid}.status_basis", basis)
    elif agreement.status == "signed_not_implemented":
        ans.say(f"{aid} is signed but not implemented ({basis.value})",
                f"{aid}.status_basis", basis)
    elif agreement.status == "unknown":
        ans.say(f"Entry into force / implementation of {aid} is not established "
                f"({basis.value})", f"{aid}.status_basis", basis)
    else:
        ans.cite(f"{aid}.status_basis", basis)

    excluded: bool | str = False
    for i, excl in enumerate(agreement.nationalities_excluded):
        if nat in excl.iso2:
            excluded = True
            ans.say(f"{nat} nationals are excluded from {aid}: {excl.value}",
                    f"{aid}.nationalities_excluded[{i}]", excl)
    statute = reg.law("ina-208-a-2-a")
    if nat == country and excluded is not True:
        excluded = True
        if statute:
            ans.say("INA 208(a)(2)(A) only permits removal to a country other than the alien's "
                    "country of nationality", "governing_law.ina-208-a-2-a", statute)

    cov = agreement.nationalities_covered
    covered: bool | str
    if excluded is True:
        covered = False
    elif cov.iso2 is not None:
        covered = nat in cov.iso2
        ans.say(f"{nat} is {'' if covered else 'not '}on the list of covered nationalities",
                f"{aid}.nationalities_covered.rule", cov.rule)
    elif cov.groups and cov.rule.known:
        members = frozenset().union(*(GROUPS[g] for g in cov.groups))
        named = " / ".join(g.replace("_", " ") for g in cov.groups)
        if nat not in members:
            covered = False
            ans.say(f"{nat} is not a national of a {named} country, so it falls outside the "
                    f"reported rule: {cov.rule.value} (country grouping is cckb's reading of "
                    "the rule's words)", f"{aid}.nationalities_covered.rule", cov.rule)
        elif cov.condition:
            covered = UNKNOWN
            ans.say(f"{nat} is within the reported rule ({cov.rule.value}) only if it "
                    f"{cov.condition}; the registry does not establish that",
                    f"{aid}.nationalities_covered.rule", cov.rule)
        else:
            covered = True
            ans.say(f"{nat} is within the reported rule: {cov.rule.value}",
                    f"{aid}.nationalities_covered.rule", cov.rule)
    else:
        covered = UNKNOWN
        ans.say(f"Covered nationalities under {aid} are not established: {cov.rule.value}",
                f"{aid}.nationalities_covered.rule", cov.rule)

    uac = [(i, e) for i, e in enumerate(agreement.exceptions)
           if e.kind == "unaccompanied_children"]
    uac_known = [(i, e) for i, e in uac if e.known]
    if unaccompanied_child:
        if uac_known:
            excluded = True
            for i, e in uac_known:
                ans.say(f"Unaccompanied child: {e.value}", f"{aid}.exceptions[{i}]", e)
        else:
            if excluded is not True:
                excluded = UNKNOWN
            ans.say(f"How {aid} treats unaccompanied children is not established")
    elif unaccompanied_child is None and uac_known:
        ans.say("Whether the respondent was an unaccompanied child was not given; "
                f"{aid} has an unaccompanied-children exception")

    exceptions = [_exception_row(e, e.kind, f"{aid}.exceptions[{i}]")
                  for i, e in enumerate(agreement.exceptions) if e.known]
    exceptions += _general_exceptions(reg)
    return {"agreement": aid, "kind": agreement.kind, "status": agreement.status,
            "covered": covered,
            "excluded": excluded, "reasons": ans.reasons, "exceptions": exceptions,
            "citations": ans.citations, "other_agreements": others}
