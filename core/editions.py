"""The edition year of an undated document, estimated from its title or URL, with its basis.

Many reports carry no publication date on the page but name their edition: "2016 Trafficking in
Persons Report - Guatemala", "World Report 2024: Honduras", ".../2023-country-reports-on-human-
rights-practices/honduras/". An estimate is never a date: it is shown as such ("undated; edition
estimated 2016 from the title") and used for staleness and ordering only where no date exists.

A year counts only as a whole word between FIRST_YEAR and next year, so document numbers
("doc=456245", "2019-25137") and street numbers do not pass for editions. A title's year wins
over the URL's; among several years in one place the latest is the edition ("Events of 2023" in
"World Report 2024" is the year reported on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import unquote, urlsplit

FIRST_YEAR = 1990
_YEAR = re.compile(r"(?<![\d.,/])(?:19|20)\d{2}(?![\d.,]\d)")
# In a URL a year is a path segment of its own or a word in a slug: /2016/, -2016-, _2016.
_URL_YEAR = re.compile(r"(?:^|[/_\-=])((?:19|20)\d{2})(?=$|[/_\-.&])")


@dataclass(frozen=True)
class Edition:
    year: int
    basis: str  # "title" or "URL"

    @property
    def note(self) -> str:
        return f"undated; edition estimated {self.year} from the {self.basis}"


def _plausible(years: list[int], today: date) -> list[int]:
    return [y for y in years if FIRST_YEAR <= y <= today.year + 1]


def estimate_edition(title: str | None, url: str | None,
                     today: date | None = None) -> Edition | None:
    """The edition named by the title (preferred) or the URL path; None when neither names one."""
    today = today or date.today()
    found = _plausible([int(m) for m in _YEAR.findall(title or "")], today)
    if found:
        return Edition(max(found), "title")
    if url:
        parts = urlsplit(url)
        path = unquote(parts.path + ("?" + parts.query if parts.query else ""))
        found = _plausible([int(m) for m in _URL_YEAR.findall(path)], today)
        if found:
            return Edition(max(found), "URL")
    return None


def dating(published: str | None, title: str | None, url: str | None,
           today: date | None = None) -> tuple[int | None, str]:
    """(year used for staleness and ordering, how to show the date): the publication date when
    known, else the estimated edition with its note, else (None, 'undated')."""
    if published:
        text = str(published).strip()
        try:
            return date.fromisoformat(text[:10]).year, text[:10]
        except ValueError:
            pass
        # a partial date as the source gave it ("2023-05", "2023") is a date, never "undated"
        year = re.match(r"((?:19|20)\d{2})(?:$|-)", text)
        if year:
            return int(year.group(1)), text
    edition = estimate_edition(title, url, today)
    if edition:
        return edition.year, edition.note
    return None, "undated; no edition named in the title or URL"
