"""A state.gov country chapter of the Country Reports on Human Rights Practices."""

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

BODY = "section.entry-content, div.entry-content, div.report__content"


def parse(response: Response, source: SourceConfig, iso2: str, year: int | None,
          edition_note: str | None) -> dict:
    """`year` None: a custom-report page (`/report/custom/<id>/`), which shows no edition."""
    page = text_response(response)
    country = required_text(page, "h1", "country heading (h1)", page.url)
    body = required(page, BODY, "report body", page.url)
    if not body.css("h2"):
        raise PageError(f"{page.url}: report body has no section headings (h2)")
    if year is not None and str(year) not in (meta(page, "og:title") or "") + page.url:
        raise PageError(f"{page.url}: page is not the {year} edition")
    return {
        "url": page.url,
        "title": f"{year} {source.name}: {country}" if year else f"{source.name}: {country}",
        "countries": [iso2],
        "published": parse_date(meta(page, "article:published_time")),
        "raw": page.body,
        "content_type": content_type(page),
        "edition_note": edition_note,
    }
