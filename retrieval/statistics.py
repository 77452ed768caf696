"""Statistics for a country, with their citation, for advocates and the UI.

Figures come back exactly as loaded (the API's counts, the exact query URL, the retrieval time and
the sha256 of the archived answer). `describe()` turns one into a sentence; that sentence is
computed from the dataset by cckb and says so: it is never offered as a quotation.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.countries import COUNTRIES
from graph import queries as Q
from graph.store import GraphStore

ASYLUM_DECISIONS = "asylum_decisions"
COMPUTED_NOTE = "Computed by cckb from the dataset; not a quotation."
# UNHCR decision-level codes spelled out only where the meaning is certain; others show the code.
LEVELS = {"FI": "first instance", "AR": "administrative review", "JR": "judicial review",
          "FA": "first instance and appeal"}


@dataclass(frozen=True)
class AsylumDecisions:
    """Asylum decisions of one year in one country of asylum (for one origin, procedure and
    decision level), as UNHCR's Refugee Data Finder gives them."""

    id: str
    year: int
    coa: str | None
    coa_name: str | None
    coo: str | None
    coo_iso3: str | None
    coo_name: str | None
    procedure_type: str | None
    dec_level: str | None
    dec_pc: str | None
    dec_recognized: int | None
    dec_other: int | None
    dec_rejected: int | None
    dec_closed: int | None
    dec_total: int
    total_recognition_rate: float | None
    refugee_recognition_rate: float | None
    url: str
    publisher: str
    retrieved_at: str
    sha256: str
    archive_path: str

    @classmethod
    def from_props(cls, props: dict) -> AsylumDecisions:
        return cls(**{k: props.get(k) for k in cls.__dataclass_fields__})

    @property
    def citation(self) -> str:
        return (f"{self.publisher}, asylum decisions, {self.coa_name or self.coa} {self.year}: "
                f"{self.url} (retrieved {self.retrieved_at[:10]}; archived copy sha256 "
                f"{self.sha256})")


def asylum_decisions(store: GraphStore, country: str, origin: str | None = None,
                     year_from: int | None = None, limit: int = 500) -> list[AsylumDecisions]:
    """Asylum decisions made in `country` (ISO2), newest first; `origin` keeps only those on
    nationals of one country (ISO2)."""
    country = country.strip().upper()
    if country not in COUNTRIES:
        raise ValueError(f"unknown country code {country!r} (ISO 3166-1 alpha-2 expected)")
    origin = origin.strip().upper() if origin else None
    rows = store.execute(Q.statistics_for_country(country, ASYLUM_DECISIONS, origin, year_from,
                                                  limit))
    return [AsylumDecisions.from_props(dict(r["stat"])) for r in rows]


def _n(value: int | None) -> str:
    return "unknown" if value is None else f"{value:,}"


def describe(stat: AsylumDecisions) -> str:
    """One readable sentence, clearly marked as computed (never as a quote), with its citation."""
    origin = stat.coo_name or stat.coo_iso3 or "all origins"
    level = LEVELS.get(stat.dec_level or "") or (f"decision level {stat.dec_level}"
                                                 if stat.dec_level else "all levels")
    unit = {"P": "persons", "C": "cases"}.get(stat.dec_pc or "", "decisions")
    rate = ("total recognition rate not computable (a count is missing or no substantive "
            "decision)" if stat.total_recognition_rate is None else
            f"total recognition rate {stat.total_recognition_rate:.1%} (recognized + "
            "complementary protection over recognized + complementary + rejected; otherwise "
            "closed excluded)")
    return (f"[{COMPUTED_NOTE}] In {stat.year}, {stat.coa_name or stat.coa} decided "
            f"{stat.dec_total:,} asylum claims ({unit}, {level}) of nationals of {origin}: "
            f"{_n(stat.dec_recognized)} recognized as refugees, {_n(stat.dec_other)} given "
            f"complementary protection, {_n(stat.dec_rejected)} rejected, "
            f"{_n(stat.dec_closed)} otherwise closed; {rate}. Source: {stat.citation}.")


SEARCH_YEARS = 5  # years of decisions shown next to the evidence
SEARCH_ROWS = 10


def for_search(store: GraphStore, country: str, origin: str | None,
               latest_year: int) -> list[dict]:
    """Asylum decisions of `country` on nationals of `origin` over the last SEARCH_YEARS years,
    as the search output carries them: the figures, the computed sentence and the citation."""
    if not origin:
        return []
    rows = asylum_decisions(store, country, origin, latest_year - SEARCH_YEARS + 1, SEARCH_ROWS)
    return [{
        "year": r.year, "origin": r.coo, "procedure_type": r.procedure_type,
        "decision_level": r.dec_level, "unit": r.dec_pc, "recognized": r.dec_recognized,
        "complementary_protection": r.dec_other, "rejected": r.dec_rejected,
        "otherwise_closed": r.dec_closed, "total": r.dec_total,
        "total_recognition_rate": r.total_recognition_rate,
        "refugee_recognition_rate": r.refugee_recognition_rate, "summary": describe(r),
        "source_url": r.url, "publisher": r.publisher, "retrieved_at": r.retrieved_at,
        "sha256": r.sha256} for r in rows]
