"""ReliefWeb API v2 /reports answers: one item per report that carries its HTML body."""

from __future__ import annotations

import logging

from scrapy.http import Response

from core.countries import iso3_to_iso2
from crawlers.pages.base import PageError, field, json_body, parse_date

log = logging.getLogger(__name__)


def _iso2(entries: object) -> list[str]:
    rows = entries if isinstance(entries, list) else [entries]
    return [c for c in (iso3_to_iso2(str(r.get("iso3", ""))) for r in rows
                        if isinstance(r, dict)) if c]


def report(record: dict, url: str, covered: list[str]) -> dict | None:
    fields = field(record, "fields", url)
    assert isinstance(fields, dict)
    if not fields.get("body-html"):
        log.info("skipping ReliefWeb report %s: no body-html (PDF-only)", record.get("id"))
        return None
    primary = _iso2(fields.get("primary_country"))
    countries = primary + [c for c in _iso2(fields.get("country")) if c in covered
                           and c not in primary]
    sources = field(fields, "source", url)
    languages = fields.get("language") or []
    return {
        "url": field(fields, "url", url),
        "title": field(fields, "title", url),
        "publisher": sources[0]["name"] if isinstance(sources, list) else str(sources),
        "countries": countries,
        "language": languages[0].get("code") if languages else None,
        "published": parse_date((fields.get("date") or {}).get("original")),
        "html": fields["body-html"],
        "original_url": fields.get("origin"),
    }


def reports(response: Response, covered: list[str]) -> tuple[list[dict], str | None]:
    """Items of one answer page and the next page's URL (None on the last page)."""
    data = json_body(response)
    rows = data.get("data")
    if not isinstance(rows, list):
        raise PageError(f"{response.url}: JSON field 'data' missing")
    items = [i for i in (report(r, response.url, covered) for r in rows) if i]
    nxt = ((data.get("links") or {}).get("next") or {}).get("href")
    return items, nxt
