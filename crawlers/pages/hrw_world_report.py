"""A Human Rights Watch World Report country chapter."""

from __future__ import annotations

from scrapy.http import Response

from crawlers.pages.base import (
    PageError,
    content_type,
    meta,
    parse_date,
    required,
    required_text,
    text_response,
)
from crawlers.source_config import SourceConfig

BODY = "div.rich-text, article"


def parse(response: Response, source: SourceConfig, iso2: str, year: int,
          edition_note: str | None) -> dict:
    page = text_response(response)
    heading = required_text(page, "h1", "chapter heading (h1)", page.url)
    body = required(page, BODY, "chapter body", page.url)
    if len(body.css("p")) < 2:
        raise PageError(f"{page.url}: chapter body has fewer than two paragraphs")
    if f"events of {year - 1}" not in (heading + " " + (meta(page, "og:title") or "")).lower():
        raise PageError(f"{page.url}: not the World Report {year} chapter "
                        f"(no 'Events of {year - 1}' in {heading!r})")
    return {
        "url": page.url,
        "title": f"World Report {year}: {heading}",
        "countries": [iso2],
        "published": parse_date(meta(page, "article:published_time")),
        "raw": page.body,
        "content_type": content_type(page),
        "edition_note": edition_note,
    }
