"""The taxonomy (legal elements, grounds, risk factors, actors, demonyms) as validated data.

The vocabulary lives in data/taxonomy.yaml so that lawyers can extend it without touching
code; this module is the contract that keeps that file honest (unknown keys, unknown grounds,
bad ISO codes and broken regexes fail at load time with the offending entry named) and turns
its terms into compiled, accent- and case-insensitive whole-word patterns.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator
from pydantic import ValidationError as PydanticValidationError

from core.countries import COUNTRIES
from core.errors import ConfigError, ValidationError

# Shipped inside the `core` package (core/data/, package data of the wheel); data/taxonomy.yaml
# in the checkout is a link to it. CCKB_TAXONOMY points at an edited copy.
DEFAULT_PATH = Path(str(resources.files("core") / "data" / "taxonomy.yaml"))


def default_path() -> Path:
    """The taxonomy in use: $CCKB_TAXONOMY when set, else the packaged file."""
    return Path(os.environ.get("CCKB_TAXONOMY") or DEFAULT_PATH)

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
ActorKind = Literal["state_force", "gang", "cartel", "armed_group", "vigilante", "foreign_state"]

_PUNCT = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                        "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-",
                        "\u00a0": " "})

# Country names that are also ordinary words, first names or other places in the region
# (Santa Elena is an Ecuadorian province, Granada a Nicaraguan city, "reunión" a meeting).
_AMBIGUOUS_COUNTRY_NAMES = frozenset({
    "Georgia", "Jersey", "Guernsey", "Chad", "Jordan", "Granada", "Guadalupe", "Reunion",
    "Santa Elena", "Santa Lucia", "Man", "Christmas Island", "Isla de Navidad",
})


def strip_accents(text: str) -> str:
    """NFKD-decompose and drop combining marks, keeping case (for proper-noun matching)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_PUNCT))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Accent- and case-insensitive form: what every term and every passage is compared in."""
    return strip_accents(text).casefold()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Bilingual(_Model):
    en: str = Field(min_length=1)
    es: str = Field(min_length=1)


class ProtectedGround(_Model):
    id: Id
    label: Bilingual
    description: Bilingual


class LegalElement(_Model):
    id: Id
    label: Bilingual
    description: Bilingual
    terms_en: list[str] = Field(default_factory=list)
    terms_es: list[str] = Field(default_factory=list)


class RiskFactor(_Model):
    id: Id
    label: Bilingual
    description: Bilingual
    grounds: list[Id]
    elements: list[Id] = Field(default_factory=list)
    terms_en: list[str] = Field(min_length=1)
    terms_es: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _anchored(self) -> RiskFactor:
        if not self.grounds and not self.elements:
            raise ValueError(f"risk factor {self.id!r} needs at least one ground or element")
        return self


class Actor(_Model):
    """`names` are unambiguous and always link; `terms_*` are generic and need country context."""

    id: Id
    name: str = Field(min_length=1)
    kind: ActorKind
    operates_in: list[str] = Field(min_length=1)
    names: list[str] = Field(default_factory=list)
    terms_en: list[str] = Field(default_factory=list)
    terms_es: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _matchable(self) -> Actor:
        if not (self.names or self.terms_en or self.terms_es):
            raise ValueError(f"actor {self.id!r} has no names or terms, so it can never match")
        return self


class Demonym(_Model):
    en: list[str] = Field(min_length=1)
    es: list[str] = Field(min_length=1)


class Taxonomy(_Model):
    version: int
    protected_grounds: list[ProtectedGround] = Field(min_length=1)
    legal_elements: list[LegalElement] = Field(min_length=1)
    risk_factors: list[RiskFactor] = Field(min_length=1)
    actors: list[Actor] = Field(default_factory=list)
    demonyms: dict[str, Demonym] = Field(default_factory=dict)
    country_aliases: dict[str, list[str]] = Field(default_factory=dict)

    _patterns: TermPatterns | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _cross_references(self) -> Taxonomy:
        for section in ("protected_grounds", "legal_elements", "risk_factors", "actors"):
            _check_unique(section, [item.id for item in getattr(self, section)])
        grounds = {g.id for g in self.protected_grounds}
        elements = {e.id for e in self.legal_elements}
        for rf in self.risk_factors:
            _check_known(f"risk_factors[{rf.id}].grounds", rf.grounds, grounds, "protected ground")
            _check_known(f"risk_factors[{rf.id}].elements", rf.elements, elements, "legal element")
        for actor in self.actors:
            _check_iso2(f"actors[{actor.id}].operates_in", actor.operates_in)
        _check_iso2("demonyms", list(self.demonyms))
        _check_iso2("country_aliases", list(self.country_aliases))
        for where, terms in self._all_terms():
            for term in terms:
                _check_term(where, term)
        return self

    def _all_terms(self) -> Iterable[tuple[str, list[str]]]:
        for item in [*self.legal_elements, *self.risk_factors]:
            yield f"{item.id}.terms_en", item.terms_en
            yield f"{item.id}.terms_es", item.terms_es
        for actor in self.actors:
            yield f"actors[{actor.id}]", [*actor.names, *actor.terms_en, *actor.terms_es]

    def risk_factor(self, rf_id: str) -> RiskFactor:
        return next(rf for rf in self.risk_factors if rf.id == rf_id)

    def actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)


def _check_unique(section: str, ids: list[str]) -> None:
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"{section}: duplicate id(s) {', '.join(dupes)}")


def _check_known(where: str, used: list[str], known: set[str], what: str) -> None:
    for value in used:
        if value not in known:
            raise ValueError(f"{where}: unknown {what} {value!r} "
                             f"(known: {', '.join(sorted(known))})")


def _check_iso2(where: str, codes: list[str]) -> None:
    for code in codes:
        if not re.fullmatch(r"[A-Z]{2}", code) or code not in COUNTRIES:
            raise ValueError(f"{where}: {code!r} is not an ISO 3166-1 alpha-2 code")


def _check_term(where: str, term: str) -> None:
    try:
        re.compile(term_regex(term))
    except re.error as exc:
        raise ValueError(f"{where}: term {term!r} is not a valid pattern ({exc})") from None


def term_regex(term: str) -> str:
    """Regex source for one taxonomy term, to be run on `fold`ed text.

    Plain words match whole words; a trailing `*` makes a word a prefix; spaces match any
    whitespace or hyphen run and a hyphen is optional, so "MS-13" also finds "MS 13"/"MS13";
    a `re:` prefix passes the rest through as a raw regex.
    """
    if term.startswith("re:"):
        return term[3:]
    tokens = []
    for word in fold(term).split():
        stem = word.endswith("*")
        pieces = [re.escape(p) for p in word.rstrip("*").split("-")]
        tokens.append("[\\s-]?".join(pieces) + ("\\w*" if stem else ""))
    return "(?<!\\w)" + "[\\s-]+".join(tokens) + "(?!\\w)"


def compile_terms(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One alternation for a label's terms, longest first so specific phrases win."""
    sources = sorted({term_regex(t) for t in terms if t.strip()}, key=len, reverse=True)
    return re.compile("|".join(f"(?:{s})" for s in sources)) if sources else None


@dataclass(frozen=True)
class FormIndex:
    """A single alternation over surface forms plus the lookup from a match to its ISO2."""

    pattern: re.Pattern[str]
    codes: dict[str, str]

    def code_for(self, matched: str) -> str:
        return self.codes[" ".join(matched.split())]


@dataclass(frozen=True)
class TermPatterns:
    """Everything enrichment matches with, compiled once per taxonomy."""

    risk_factors: dict[str, re.Pattern[str]]
    elements: dict[str, re.Pattern[str]]
    actor_names: dict[str, re.Pattern[str]]
    actor_terms: dict[str, re.Pattern[str]]
    demonyms: FormIndex
    countries: FormIndex


def _label_patterns(items: Iterable[LegalElement | RiskFactor]) -> dict[str, re.Pattern[str]]:
    out = {}
    for item in items:
        pattern = compile_terms([*item.terms_en, *item.terms_es])
        if pattern is not None:
            out[item.id] = pattern
    return out


def _form_index(forms: dict[str, str], case_sensitive: bool) -> FormIndex:
    """Alternation over literal forms; case-sensitive indexes also accept ALL-CAPS headings."""
    codes = dict(forms)
    if case_sensitive:
        codes.update({form.upper(): code for form, code in forms.items()})
    alternatives = sorted(codes, key=len, reverse=True)
    body = "|".join("\\s+".join(re.escape(w) for w in form.split()) for form in alternatives)
    return FormIndex(re.compile(f"(?<!\\w)(?:{body})(?!\\w)"), codes)


def _demonym_index(taxonomy: Taxonomy) -> FormIndex:
    forms = {}
    for code, demonym in taxonomy.demonyms.items():
        for form in [*demonym.en, *demonym.es]:
            forms[" ".join(fold(form).split())] = code
    return _form_index(forms, case_sensitive=False)


def country_names(aliases: dict[str, list[str]]) -> dict[str, str]:
    """Accent-stripped English/Spanish country names -> ISO2, minus ambiguous ones.

    "Congo, República Democrática del" becomes "Congo"; a short name shared by two codes
    (Congo, Corea, Virgin Islands) is dropped and must come back through `aliases`.
    """
    candidates: dict[str, set[str]] = {}
    for code, country in COUNTRIES.items():
        for raw in (country["name"], country["name_es"]):
            name = strip_accents(re.sub(r"\s*\(.*?\)", "", raw)).split(",")[0].strip()
            candidates.setdefault(name, set()).add(code)
    names = {name: codes.pop() for name, codes in candidates.items()
             if len(codes) == 1 and name not in _AMBIGUOUS_COUNTRY_NAMES}
    for code, extra in aliases.items():
        names.update({strip_accents(alias): code for alias in extra})
    return names


def _build_patterns(taxonomy: Taxonomy) -> TermPatterns:
    actor_names = {a.id: p for a in taxonomy.actors if (p := compile_terms(a.names))}
    actor_terms = {a.id: p for a in taxonomy.actors
                   if (p := compile_terms([*a.terms_en, *a.terms_es]))}
    return TermPatterns(
        risk_factors=_label_patterns(taxonomy.risk_factors),
        elements=_label_patterns(taxonomy.legal_elements),
        actor_names=actor_names,
        actor_terms=actor_terms,
        demonyms=_demonym_index(taxonomy),
        countries=_form_index(country_names(taxonomy.country_aliases), case_sensitive=True),
    )


def term_patterns(taxonomy: Taxonomy) -> TermPatterns:
    """Compiled patterns for a taxonomy, built on first use and kept on the object."""
    if taxonomy._patterns is None:
        taxonomy._patterns = _build_patterns(taxonomy)
    return taxonomy._patterns


def _location(data: Any, loc: tuple[Any, ...]) -> str:
    """`risk_factors.3.grounds` -> `risk_factors[lgbti].grounds`: ids beat list positions."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and key < len(node):
            node = node[key]
            item_id = node.get("id") if isinstance(node, dict) else None
            parts[-1] += f"[{item_id}]" if item_id else f"[{key}]"
            continue
        node = node.get(key) if isinstance(node, dict) else None
        parts.append(str(key))
    return ".".join(parts)


def _format_errors(data: Any, exc: PydanticValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = _location(data, err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"  - {loc}: {msg}" if loc else f"  - {msg}")
    return "\n".join(lines)


def parse_taxonomy(data: Any, source: str = "<taxonomy>") -> Taxonomy:
    """Validate already-parsed YAML; raise `core.errors.ValidationError` naming each problem."""
    try:
        return Taxonomy.model_validate(data)
    except PydanticValidationError as exc:
        raise ValidationError(f"{source}: invalid taxonomy\n{_format_errors(data, exc)}") from None


@lru_cache(maxsize=8)
def _load(path: str) -> Taxonomy:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"taxonomy file not found: {path}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValidationError(f"{path}: not valid YAML ({exc})") from None
    return parse_taxonomy(data, source=path)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load and validate the taxonomy (default data/taxonomy.yaml); cached per path."""
    return _load(str(Path(path or default_path()).resolve()))
