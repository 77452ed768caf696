"""A Human Rights Watch World Report country chapter.

The edition is read from what the page and its address say, in any of the forms seen on the
real site: the URL (`/world-report/{year}/country-chapters/{slug}`), a title such as "World
Report 2024: Honduras | Human Rights Watch" (the `<title>` of a stored copy of the real 2024
Honduras chapter), or a heading or `og:title` with "Events of {year - 1}". At least one must be
present and none may name another edition (a chapter of another year served or redirected in
its place is a PageError).
"""

from __future__ import annotations

import re

from scrapy.http import Response

from crawlers.pages.base import (
    PageError,
    clean,
    content_type,
    meta,
    parse_date,
    required,
    required_text,
    text_response,
)
from crawlers.source_config import SourceConfig

BODY = "div.rich-text, article"
URL_EDITION = re.compile(r"/world-report/(\d{4})/")
TITLE_EDITION = re.compile(r"\bworld report (\d{4})\b", re.I)
EVENTS = re.compile(r"\bevents of (\d{4})\b", re.I)
SITE_SUFFIX = re.compile(r"\s*\|\s*Human Rights Watch\s*$", re.I)


def editions(url: str, texts: list[str]) -> dict[int, str]:
    """Edition year -> where it was read (URL, a 'World Report N' title, an 'Events of N-1')."""
    found: dict[int, str] = {}
    if m := URL_EDITION.search(url):
        found.setdefault(int(m.group(1)), "the URL")
    for text in texts:
        for m in TITLE_EDITION.finditer(text):
            found.setdefault(int(m.group(1)), repr(m.group(0)))
        for m in EVENTS.finditer(text):
            found.setdefault(int(m.group(1)) + 1, repr(m.group(0)))
    return found


def parse(response: Response, source: SourceConfig, iso2: str, year: int,
          edition_note: str | None) -> dict:
    page = text_response(response)
    heading = required_text(page, "h1", "chapter heading (h1)", page.url)
    body = required(page, BODY, "chapter body", page.url)
    if len(body.css("p")) < 2:
        raise PageError(f"{page.url}: chapter body has fewer than two paragraphs")
    titles = [heading, meta(page, "og:title") or "", clean(page.css("title::text").get())]
    found = editions(page.url, titles)
    other = {y: where for y, where in found.items() if y != year}
    if other or year not in found:
        said = "; ".join(f"{where} names World Report {y}" for y, where in sorted(other.items()))
        raise PageError(f"{page.url}: not the World Report {year} chapter (no 'World Report "
                        f"{year}' or 'Events of {year - 1}' in the URL, title or heading"
                        + (f"; {said}" if said else "") + ")")
    heading = SITE_SUFFIX.sub("", heading)
    title = heading if TITLE_EDITION.match(heading) else f"World Report {year}: {heading}"
    return {
        "url": page.url,
        "title": title,
        "countries": [iso2],
        "published": parse_date(meta(page, "article:published_time")),
        "raw": page.body,
        "content_type": content_type(page),
        "edition_note": edition_note,
    }
