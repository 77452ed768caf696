"""The client profile: confidential input that lives in memory only.

A profile describes a real person, so it is validated strictly (unknown keys are refused, so a
typo never silently drops a fact) and errors name the field, never the value: nothing in an
error message, a log line or a file on disk may repeat what the advocate typed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticValidationError

from core.countries import COUNTRIES
from core.errors import ValidationError

MAX_TEXT = 20_000
MAX_FILE_BYTES = 1_000_000
MAX_LIST = 50
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
TEXT_FIELDS = ("sex", "gender_identity", "sexual_orientation", "race_ethnicity", "religion",
               "political_opinion", "persecutor_at_home", "other", "narrative")
LIST_FIELDS = ("social_groups", "languages")


def clean_text(value: str) -> str:
    """Control and invisible characters go: they hide text from the reader, not from a parser."""
    return _CONTROL.sub(" ", value).strip()


def _iso2(value: Any) -> str:
    code = str(value).strip().upper() if isinstance(value, str) else ""
    if not re.fullmatch(r"[A-Z]{2}", code) or code not in COUNTRIES:
        raise ValueError("not a known ISO 3166-1 alpha-2 country code")
    return code


class ClientProfile(BaseModel):
    """Everything optional except `nationality` and `third_countries` (ARCHITECTURE.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    nationality: str
    third_countries: list[str] = Field(min_length=1, max_length=MAX_LIST)
    sex: str = ""
    gender_identity: str = ""
    sexual_orientation: str = ""
    race_ethnicity: str = ""
    religion: str = ""
    political_opinion: str = ""
    social_groups: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    persecutor_at_home: str = ""
    languages: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    other: str = ""
    narrative: str = ""
    # Not a characteristic but a fact the agreements' exceptions turn on (8 CFR 1240.11(h)(2)(ii)):
    # true/false when known, null when not stated. Never used for retrieval.
    unaccompanied_child: bool | None = None

    @field_validator("unaccompanied_child", mode="before")
    @classmethod
    def _uac(cls, value: Any) -> bool | None:
        if value is not None and not isinstance(value, bool):
            raise ValueError("must be true, false or null")
        return value

    @field_validator("nationality", mode="before")
    @classmethod
    def _nationality(cls, value: Any) -> str:
        return _iso2(value)

    @field_validator("third_countries", mode="before")
    @classmethod
    def _third(cls, value: Any) -> list[str]:
        if not isinstance(value, list):
            raise ValueError("must be a list of ISO 3166-1 alpha-2 country codes")
        return list(dict.fromkeys(_iso2(v) for v in value))

    @field_validator(*TEXT_FIELDS, mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValueError("must be text")
        if len(value) > MAX_TEXT:
            raise ValueError(f"longer than {MAX_TEXT:,} characters")
        return clean_text(value)

    @field_validator(*LIST_FIELDS, mode="before")
    @classmethod
    def _texts(cls, value: Any) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("must be a list of text values")
        if sum(len(v) for v in value) > MAX_TEXT:
            raise ValueError(f"longer than {MAX_TEXT:,} characters in total")
        return [t for v in value if (t := clean_text(v))]


def _message(exc: PydanticValidationError) -> str:
    """Field names and reasons only; the values stay out of every message."""
    lines = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "profile"
        if err["type"] == "extra_forbidden":
            lines.append(f"  - unknown key {where!r} (allowed: "
                         f"{', '.join(ClientProfile.model_fields)})")
        else:
            lines.append(f"  - {where}: {err['msg'].removeprefix('Value error, ')}")
    return "invalid client profile\n" + "\n".join(lines)


def parse_profile(data: Any) -> ClientProfile:
    """Validate a parsed JSON object; raise `ValidationError` naming each bad field."""
    if not isinstance(data, dict):
        raise ValidationError("invalid client profile: a JSON object is expected")
    try:
        return ClientProfile.model_validate(data)
    except PydanticValidationError as exc:
        raise ValidationError(_message(exc)) from None


def load_profile(path: Path) -> ClientProfile:
    """Read a profile file the user chose; nothing derived from it is written anywhere."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValidationError(f"profile file {path.name} is larger than "
                                  f"{MAX_FILE_BYTES:,} bytes")
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"cannot read profile file {path.name}: {exc.strerror}") from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise ValidationError(f"profile file {path.name} is not valid UTF-8 JSON{where}") from None
    return parse_profile(data)
