"""Federal Register API: the search answer (which documents) and a document's full-text HTML."""

from __future__ import annotations

import re

from scrapy.http import Response

from core.countries import country_name
from crawlers.pages.base import PageError, content_type, field, json_body, parse_date

REQUIRED = ("document_number", "title", "html_url", "body_html_url", "publication_date")


def listing(response: Response) -> tuple[list[dict], str | None]:
    """The results (each checked for the fields we rely on) and the next page's URL."""
    data = json_body(response)
    results = data.get("results", [] if data.get("count") == 0 else None)
    if not isinstance(results, list):
        raise PageError(f"{response.url}: JSON field 'results' missing or not a list")
    for record in results:
        for key in REQUIRED:
            field(record, key, response.url)
    return results, data.get("next_page_url")


def countries_named(record: dict, covered: list[str]) -> list[str]:
    """Covered countries named in the title or abstract (ingest infers them when none are)."""
    text = f"{record.get('title', '')} {record.get('abstract') or ''}"
    return [c for c in covered if re.search(rf"\b{re.escape(country_name(c))}\b", text)]


def document(response: Response, record: dict, covered: list[str], selected: list[str]) -> dict:
    """A notice or rule; one that names no country (e.g. the 2019 rule) concerns them all."""
    if not response.body.strip():
        raise PageError(f"{response.url}: empty full text")
    citation = record.get("citation")
    cite = f"{citation}; FR Doc. {record['document_number']}" if citation else \
        f"FR Doc. {record['document_number']}"
    return {
        "url": record["html_url"],
        "title": f"{record['title']} ({cite})",
        "countries": countries_named(record, covered) or selected,
        "published": parse_date(record["publication_date"]),
        "raw": response.body,
        "content_type": content_type(response),
    }
