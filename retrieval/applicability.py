"""Does the agreement with a third country apply to this client at all? (8 CFR
1240.11(h)(2)(i)-(ii)).

The answer is the agreements registry's (core/agreements.py, data/agreements.yaml), with its
citations; retrieval only adds a one-line `reason`. A missing registry is a configuration error
(`ConfigError`), never an `unknown` answer: an installation that lost its data must say so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core import agreements
from core.errors import ConfigError, ValidationError


def _unknown(reason: str) -> dict[str, Any]:
    return {"status": "unknown", "reason": reason, "citations": []}


def applicability(country: str, nationality: str | None,
                  path: Path | None = None,
                  unaccompanied_child: bool | None = None) -> dict[str, Any]:
    """The registry's answer for a national of `nationality` sent to `country` (and, when the
    profile states it, whether they were an unaccompanied child)."""
    registry = Path(path or agreements.default_path())
    if not registry.is_file():
        raise ConfigError(f"agreements registry not found: {registry} (set CCKB_AGREEMENTS or "
                          "reinstall cckb: the registry ships as package data of core)")
    if nationality is None:
        return _unknown("no nationality given: coverage depends on it")
    try:
        answer = agreements.applicability(nationality, country, unaccompanied_child, path=path)
    except ValidationError as exc:
        return _unknown(f"agreements registry not usable: {exc}")
    return {**answer, "reason": "; ".join(answer["reasons"])}
