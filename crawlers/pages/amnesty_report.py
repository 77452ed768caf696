"""An Amnesty International annual report country entry (latest edition, one page per country)."""

from __future__ import annotations

import re

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

BODY = "div.article-content, section.article-content, article"
_YEAR = re.compile(r"\b(19|20)\d{2}\b")


def parse(response: Response, source: SourceConfig, iso2: str) -> dict:
    page = text_response(response)
    heading = required_text(page, "h1", "report heading (h1)", page.url)
    body = required(page, BODY, "report body", page.url)
    if len(body.css("p")) < 2:
        raise PageError(f"{page.url}: report body has fewer than two paragraphs")
    year = _YEAR.search(heading)
    if not year:
        raise PageError(f"{page.url}: no report year in the heading {heading!r} "
                        "(not an annual report entry)")
    events = int(year.group(0))
    return {
        "url": page.url,
        "title": f"Amnesty International Report {events}/{str(events + 1)[2:]}: {heading}",
        "countries": [iso2],
        "published": parse_date(meta(page, "article:published_time")),
        "raw": page.body,
        "content_type": content_type(page),
        "edition_note": f"Amnesty International Report {events}/{events + 1} "
                        f"(events of {events}; the page shows the latest entry only)",
    }
