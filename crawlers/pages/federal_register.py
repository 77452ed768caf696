"""Federal Register API: the search answer (which documents) and a document's full-text HTML."""

from __future__ import annotations

import re

from scrapy.http import Response

from core.countries import country_name
from crawlers.pages.base import PageError, content_type, field, json_body, parse_date

REQUIRED = ("document_number", "title", "html_url", "body_html_url", "publication_date")


def listing(response: Response) -> tuple[list[dict], str | None]:
    """The results (each checked for the fields we rely on) and the next page's URL."""
    results, next_url, _ = search(response)
    return results, next_url


def search(response: Response) -> tuple[list[dict], str | None, int]:
    """`listing` plus the answer's `count` (how many documents match the whole search)."""
    data = json_body(response)
    results = data.get("results", [] if data.get("count") == 0 else None)
    if not isinstance(results, list):
        raise PageError(f"{response.url}: JSON field 'results' missing or not a list")
    for record in results:
        for key in REQUIRED:
            field(record, key, response.url)
    count = data.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise PageError(f"{response.url}: JSON field 'count' missing or not a number")
    return results, data.get("next_page_url"), count


def countries_named(record: dict, covered: list[str]) -> list[str]:
    """Covered countries named in the title or abstract (ingest infers them when none are)."""
    text = f"{record.get('title', '')} {record.get('abstract') or ''}"
    return [c for c in covered if re.search(rf"\b{re.escape(country_name(c))}\b", text)]


def text_path_values(record: dict) -> dict[str, str]:
    """The GovInfo text URL's values (publication date, document number), checked."""
    number, day = str(record["document_number"]), str(record["publication_date"])
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", number):
        raise PageError(f"document number {number!r} cannot name a GovInfo file")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        raise PageError(f"publication date {day!r} is not YYYY-MM-DD")
    parse_date(day)  # a real calendar day, or PageError
    return {"date": day, "document_number": number}


def names_it(response: Response, record: dict) -> None:
    """The text must name this notice: its document number ("FR Doc No: 2019-25137") or its
    citation ("84 FR 63994"). A gate, search or error page served in its place names neither."""
    text = re.sub(r"\s+", " ", response.body.decode("utf-8", "replace"))
    wanted = [str(record["document_number"]), *([record["citation"]]
                                               if record.get("citation") else [])]
    if not any(w in text for w in wanted):
        raise PageError(f"{response.url}: the text names neither document number "
                        f"{wanted[0]} nor citation {record.get('citation') or '(none)'}: not "
                        "this notice (a gate or error page in its place?)")


def document(response: Response, record: dict, covered: list[str], selected: list[str]) -> dict:
    """A notice or rule; one that names no country (e.g. the 2019 rule) concerns them all.

    The official citation ("84 FR 63994") and FR document number ("2019-25137") travel as their
    own fields; the title stays the document's title.
    """
    if not response.body.strip():
        raise PageError(f"{response.url}: empty full text")
    names_it(response, record)
    return {
        "url": record["html_url"],
        "title": record["title"],
        "citation": record.get("citation") or None,
        "document_number": record["document_number"],
        "countries": countries_named(record, covered) or selected,
        "published": parse_date(record["publication_date"]),
        "raw": response.body,
        "content_type": content_type(response),
    }
