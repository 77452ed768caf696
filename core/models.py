"""Typed records shared by every layer: what a document is on its way in and in the graph."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ISO2 = re.compile(r"^[A-Z]{2}$")


def _iso2_codes(value: list[str]) -> list[str]:
    from core.countries import COUNTRIES

    out = []
    for code in value:
        code = code.strip().upper()
        if not ISO2.match(code) or code not in COUNTRIES:
            raise ValueError(f"unknown country code {code!r} (ISO 3166-1 alpha-2 expected)")
        out.append(code)
    return out


def _checked_url(value: str) -> str:
    if not re.match(r"^(https?|file)://", value):
        raise ValueError(f"url must start with http://, https:// or file://, got {value!r}")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Fetched(Strict):
    """What a spider or an import hands on: its `url` and `countries` are checked the same way
    (the subclass declares both fields)."""

    @field_validator("countries", check_fields=False)
    @classmethod
    def _iso2(cls, value: list[str]) -> list[str]:
        return _iso2_codes(value)

    @field_validator("url", check_fields=False)
    @classmethod
    def _url(cls, value: str) -> str:
        return _checked_url(value)


class DocumentItem(Fetched):
    """One document as a spider or `cckb import` hands it to ingest.

    Exactly one of `text`, `html`, `pdf` or `raw` (original bytes of a fetched or imported file,
    with `content_type` or the URL's suffix telling its kind) carries the content. `countries` may
    be empty only for a file import, where they are inferred from the text. Provenance fields
    (`retrieved_at`, `sha256`, `archive_path`) are stamped by the pipeline, never by a spider.
    """

    url: str = Field(min_length=1)
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    countries: list[str] = Field(default_factory=list)
    language: str | None = None
    published: date | None = None
    text: str | None = None
    html: str | None = None
    pdf: bytes | None = None
    raw: bytes | None = None
    content_type: str | None = None
    source_id: str = "import"
    edition_note: str | None = None
    original_url: str | None = None
    intermediary: str | None = None
    citation: str | None = None  # official citation, e.g. "84 FR 63994" (Federal Register)
    document_number: str | None = None  # Federal Register document number, e.g. "2019-25137"
    retrieved_at: datetime | None = None
    sha256: str | None = None
    archive_path: str | None = None

    @model_validator(mode="after")
    def _one_body(self) -> DocumentItem:
        bodies = [b for b in (self.text, self.html, self.pdf, self.raw) if b]
        if len(bodies) != 1:
            raise ValueError("exactly one non-empty body is required: text, html or pdf")
        return self


class PassageRecord(Strict):
    """A passage as the loader writes it (enrichment links included)."""

    id: str
    text: str = Field(min_length=1)
    section: str = ""
    ordinal: int = Field(ge=0)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    language: str = "und"
    embedding: list[float] | None = None
    countries: list[str] = Field(default_factory=list)
    nationalities: list[str] = Field(default_factory=list)
    risk_factors: dict[str, float] = Field(default_factory=dict)
    actors: list[str] = Field(default_factory=list)
    elements: dict[str, float] = Field(default_factory=dict)


class DocumentRecord(Strict):
    """A document as the loader writes it, with its source and passages."""

    id: str
    url: str
    title: str
    publisher: str
    source_id: str
    source_name: str = ""
    source_url: str = ""
    source_publisher: str = ""
    published: str | None = None
    retrieved_at: str
    first_seen: str | None = None
    last_seen: str | None = None
    language: str = "und"
    sha256: str = Field(min_length=64, max_length=64)
    archive_path: str = ""
    edition_note: str | None = None
    original_url: str | None = None
    intermediary: str | None = None
    citation: str | None = None
    document_number: str | None = None
    pipeline: str = ""
    countries: list[str] = Field(default_factory=list)
    passages: list[PassageRecord] = Field(default_factory=list)


# --- statistics (structured numbers with their citation, never passages) --------------------

ISO3 = re.compile(r"^[A-Z]{3}$")
Count = Field(default=None, ge=0)


class AsylumDecisionsRow(Strict):
    """One row of UNHCR's asylum-decisions dataset, with the API's own field names.

    A count the API leaves out (null) stays None: unknown is not zero.
    """

    year: int = Field(ge=1950, le=2100)
    coa_iso: str = Field(pattern=ISO3.pattern)
    coa_name: str | None = None
    coo_iso: str | None = None
    coo_name: str | None = None
    procedure_type: str | None = None
    dec_level: str | None = None
    dec_pc: str | None = None
    dec_recognized: int | None = Count
    dec_other: int | None = Count
    dec_rejected: int | None = Count
    dec_closed: int | None = Count
    dec_total: int = Field(ge=0)


class StatisticsItem(Fetched):
    """One answer page of a statistics API as a spider hands it on: the parsed rows and the
    exact response bytes (archived, hashed and cited). Loaded all-or-nothing."""

    kind: Literal["statistics"] = "statistics"
    dataset: Literal["asylum_decisions"] = "asylum_decisions"
    url: str = Field(min_length=1, description="the exact API query")
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    countries: list[str] = Field(default_factory=list)
    rows: list[AsylumDecisionsRow] = Field(min_length=1)
    raw: bytes = Field(min_length=1)
    content_type: str | None = None
    source_id: str = Field(min_length=1)
    language: str | None = None
    intermediary: str | None = None
    retrieved_at: datetime | None = None
    sha256: str | None = None
    archive_path: str | None = None


class StatisticRecord(Strict):
    """A statistic as the loader writes it: the counts, what is computed from them, and the
    citation of the archived response they were read from."""

    id: str
    dataset: str
    year: int
    coa: str | None = None
    coa_iso3: str
    coa_name: str | None = None
    coo: str | None = None
    coo_iso3: str | None = None
    coo_name: str | None = None
    procedure_type: str | None = None
    dec_level: str | None = None
    dec_pc: str | None = None
    dec_recognized: int | None = None
    dec_other: int | None = None
    dec_rejected: int | None = None
    dec_closed: int | None = None
    dec_total: int
    total_recognition_rate: float | None = None
    refugee_recognition_rate: float | None = None
    source_id: str
    source_name: str = ""
    source_url: str = ""
    url: str = Field(min_length=1, description="the exact API query the numbers came from")
    publisher: str = Field(min_length=1)
    retrieved_at: str
    sha256: str = Field(min_length=64, max_length=64)
    archive_path: str = ""
