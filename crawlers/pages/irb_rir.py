"""IRB Canada Responses to Information Requests: a country's results listing, and one RIR.

An RIR page carries the IRB's boilerplate (intro, disclaimer) and then the RIR: date, reference
(e.g. HND104994.E), title (the question), the line "Research Directorate, Immigration and
Refugee Board of Canada, Ottawa", and its sections. The header is found by that line and read
as text, so it does not depend on the markup around it.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

from scrapy.http import Response

from core.countries import iso3_to_iso2
from core.dates import UnreadableDate, read_date
from crawlers.pages.base import PageError, clean, content_type, text_response

REFERENCE = re.compile(r"\b([A-Z]{3})(\d{5,6})\.([A-Z]{1,2})\b")
DATE = re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4}$")
AUTHOR_LINE = "Research Directorate, Immigration and Refugee Board of Canada"
BLOCKS = ("//body//*[self::p or self::h1 or self::h2 or self::h3 or self::h4 or self::li]"
          "[not(ancestor::nav or ancestor::header or ancestor::footer)]")
EMPTY = re.compile(r"\bno (results|records|responses)\b|\b0 results\b", re.IGNORECASE)


def listing(response: Response) -> tuple[list[str], str | None]:
    """RIR page URLs of one results page and the next page's URL; ([], None) for no results.

    A page that is neither a results table (a header naming Reference and Title) nor a
    "no results" answer raises PageError: an error page must not pass as an empty listing.
    """
    page = text_response(response)
    table = None
    for candidate in page.css("table"):
        header = clean(" ".join(candidate.css("th ::text").getall())).lower()
        if "reference" in header and "title" in header:
            table = candidate
            break
    if table is None:
        if EMPTY.search(clean(" ".join(page.css("main ::text, body ::text").getall()))):
            return [], None
        raise PageError(f"{page.url}: not an RIR results listing (no table with Reference and "
                        f"Title columns, no 'no results' message)")
    urls: list[str] = []
    for href in table.css("td a::attr(href)").getall():
        url = page.urljoin(href.strip())
        if "doc" in parse_qs(urlsplit(url).query) and url not in urls:
            urls.append(url)
    if not urls and table.css("tbody tr td"):
        raise PageError(f"{page.url}: results table rows have no link to an RIR (?doc=<id>)")
    nxt = page.css('a[rel="next"]::attr(href)').get() or page.xpath(
        "//a[normalize-space(.)='Next' or normalize-space(.)='Next page']/@href").get()
    return urls, page.urljoin(nxt) if nxt else None


def _date(value: str, url: str) -> date:
    """The shared reader (core/dates.py, English and Spanish); a month alone is no date."""
    try:
        found = read_date(value)
    except UnreadableDate:
        found = None
    if found is None:
        raise PageError(f"{url}: unreadable RIR date {value!r}")
    return found


def parse(response: Response, iso2: str, covered: list[str]) -> dict:
    page = text_response(response)
    blocks = [b for b in (clean(n.xpath("string()").get()) for n in page.xpath(BLOCKS)) if b]
    try:
        at = next(i for i, b in enumerate(blocks) if b.startswith(AUTHOR_LINE))
    except StopIteration:
        raise PageError(f"{page.url}: no RIR header (the line {AUTHOR_LINE!r} is missing); "
                        f"not an RIR page") from None
    header = blocks[max(0, at - 4):at]
    dates = [b for b in header if DATE.match(b)]
    refs = [m for m in (REFERENCE.search(b) for b in header) if m]
    if not dates:
        raise PageError(f"{page.url}: RIR header has no date (e.g. '9 December 2014')")
    if not refs:
        raise PageError(f"{page.url}: RIR header has no reference (e.g. HND104994.E)")
    title = header[-1] if at else ""
    if not title or title in dates or REFERENCE.fullmatch(title):
        raise PageError(f"{page.url}: RIR header has no title before {AUTHOR_LINE!r}")
    if not any(len(b) > 40 for b in blocks[at + 1:]):
        raise PageError(f"{page.url}: RIR has no text after its header")
    reference = refs[-1].group(0)
    about = iso3_to_iso2(refs[-1].group(1))
    countries = [iso2] + ([about] if about and about in covered and about != iso2 else [])
    return {
        "url": page.url,
        "title": f"{title} [{reference}]",
        "countries": countries,
        "published": _date(dates[-1], page.url),
        "raw": page.body,
        "content_type": content_type(page),
    }
