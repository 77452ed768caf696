"""ISO 3166-1 countries with English and Spanish names (from pycountry's data files)."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry


@lru_cache(maxsize=1)
def _load() -> dict[str, dict[str, str]]:
    es = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"], fallback=True)
    out: dict[str, dict[str, str]] = {}
    for c in pycountry.countries:
        name = getattr(c, "common_name", None) or c.name
        out[c.alpha_2] = {"iso2": c.alpha_2, "iso3": c.alpha_3, "name": name,
                          "name_es": es.gettext(c.name)}
    out["XK"] = {"iso2": "XK", "iso3": "XKX", "name": "Kosovo", "name_es": "Kosovo"}
    return out


class _Countries(dict):
    def __missing__(self, key: str) -> dict[str, str]:
        raise KeyError(f"unknown country code {key!r}")


COUNTRIES: dict[str, dict[str, str]] = _Countries(_load())


def country_name(iso2: str) -> str:
    return COUNTRIES[iso2.upper()]["name"]


def iso3_to_iso2(iso3: str) -> str | None:
    for code, c in COUNTRIES.items():
        if c["iso3"] == iso3.upper():
            return code
    return None
