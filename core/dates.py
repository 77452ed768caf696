"""Publication dates as sites write them: ISO, English and Spanish, one reader for all pages.

A full calendar date gives a date; a month and year alone ("marzo de 2024") is a partial
date and gives None, never a guessed day (a guessed day is worse than no date in an exhibit).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

_MONTHS = {
    # English, full and abbreviated.
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
    # Spanish (accents are stripped before lookup), with 'setiembre' and abbreviations.
    "enero": 1, "ene": 1, "febrero": 2, "marzo": 3, "abril": 4, "abr": 4, "mayo": 5,
    "junio": 6, "julio": 7, "agosto": 8, "ago": 8, "septiembre": 9, "setiembre": 9, "set": 9,
    "octubre": 10, "noviembre": 11, "diciembre": 12, "dic": 12,
}
_MONTH = r"(?P<month>[a-z]+)\.?"
_YEAR = r"(?P<year>\d{4})"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|º|°|o)?"
# "12 de marzo de 2024", "12 de marzo, 2024", "12 March 2024", "1º de enero del 2025".
_DAY_MONTH_YEAR = re.compile(rf"\b{_DAY}\s+(?:de\s+)?{_MONTH},?\s+(?:de(?:l)?\s+)?{_YEAR}\b")
# "March 12, 2024", "Mar. 12 2024".
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b")
# "marzo de 2024", "March 2024".
_MONTH_YEAR = re.compile(rf"\b{_MONTH},?\s+(?:de(?:l)?\s+)?{_YEAR}\b")
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


class UnreadableDate(ValueError):
    """Text that is not a date in a format this module reads."""


def _fold(value: str) -> str:
    text = unicodedata.normalize("NFKD", value.replace("º", "o").replace("°", "o"))
    return re.sub(r"\s+", " ", "".join(c for c in text if not unicodedata.combining(c))
                  ).strip().lower()


def read_date(value: str) -> date | None:
    """The date in `value`; None for a month and year without a day.

    Raises UnreadableDate when `value` holds no date at all, or an impossible one.
    """
    raw = value.strip()
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    m = _ISO.match(raw)
    try:
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
        text = _fold(raw)
        for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
            for m in pattern.finditer(text):
                if m["month"] in _MONTHS:
                    return date(int(m["year"]), _MONTHS[m["month"]], int(m["day"]))
        for m in _MONTH_YEAR.finditer(text):
            if m["month"] in _MONTHS:
                return None
    except ValueError:
        raise UnreadableDate(f"impossible date {value!r}") from None
    raise UnreadableDate(f"unreadable date {value!r}")
