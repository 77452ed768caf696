"""A Freedom House 'Freedom in the World' country report (overview + indicators A1-G4)."""

from __future__ import annotations

import re

from scrapy.http import Response

from crawlers.pages.base import (
    PageError,
    clean,
    content_type,
    meta,
    parse_date,
    required_text,
    text_response,
)
from crawlers.source_config import SourceConfig

INDICATOR = re.compile(r"^[A-G][1-4]\b")


def indicators(response: Response) -> list[str]:
    """Indicator headings ('A1 Was the current head of government ...') in page order."""
    headings = (clean(" ".join(h.css("::text").getall()))
                for h in response.css("h2, h3, h4"))
    return [h for h in headings if INDICATOR.match(h)]


def parse(response: Response, source: SourceConfig, iso2: str, year: int,
          edition_note: str | None) -> dict:
    page = text_response(response)
    country = required_text(page, "h1", "country heading (h1)", page.url)
    found = indicators(page)
    if not found:
        raise PageError(f"{page.url}: no indicator headings (A1-G4)")
    if str(year) not in page.url and str(year) not in (meta(page, "og:title") or ""):
        raise PageError(f"{page.url}: page is not the {year} edition")
    return {
        "url": page.url,
        "title": f"{source.name} {year}: {country}",
        "countries": [iso2],
        "published": parse_date(meta(page, "article:published_time")),
        "raw": page.body,
        "content_type": content_type(page),
        "edition_note": edition_note,
    }
