"""ecoi.net: a country page's document links, and a document page cited at its original source.

ecoi.net republishes other publishers' documents. The item's `url` is the ecoi.net page (what
was fetched and archived); `publisher`, `original_url` and `published` come from the page's
document-metadata block ("Source", "Original link", "Published"), so the citation names the
original publisher. The block is read by its labels (<dt>/<dd> pairs), not by CSS classes.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse
from scrapy.selector import SelectorList

from core.countries import COUNTRIES
from core.dates import UnreadableDate, read_date
from crawlers.pages.base import PageError, clean, content_type, required_text, text_response

log = logging.getLogger(__name__)

DOCUMENT_PATH = re.compile(r"^/en/document/(\d+)\.html$")
ROLE = re.compile(r"\s*\((?:author|publisher|editor|co-author)\)\s*$", re.IGNORECASE)
LANGUAGES = {"english": "en", "spanish": "es", "french": "fr", "german": "de",
             "portuguese": "pt", "russian": "ru", "arabic": "ar"}
# the document's own text: paragraphs, list items, cells and subheadings outside the metadata
# block and the page chrome
TEXT = ("//body//*[self::p or self::li or self::td or self::h2 or self::h3 or self::h4]"
        "[not(ancestor::dl or ancestor::nav or ancestor::header or ancestor::footer)]//text()")
_NAMES = {c["name"].lower(): iso2 for iso2, c in COUNTRIES.items()}


def document_links(response: Response, limit: int) -> list[str]:
    """Absolute URLs of the ecoi.net document pages a country page links to (page order)."""
    page = text_response(response)
    found: list[str] = []
    for href in page.css("a::attr(href)").getall():
        url = page.urljoin(href.strip()).split("#", 1)[0]
        if DOCUMENT_PATH.match(urlsplit(url).path) and url not in found:
            found.append(url)
    if not found:
        raise PageError(f"{page.url}: no link to an ecoi.net document (/en/document/<id>.html)")
    return found[:limit]


def fields(page: TextResponse) -> dict[str, SelectorList]:
    """The metadata block as label -> its <dd> selectors ("Original link:" -> "original link")."""
    out: dict[str, SelectorList] = {}
    for dt in page.css("dt"):
        label = clean(" ".join(dt.css("::text").getall())).rstrip(":").strip().lower()
        dd = dt.xpath("following-sibling::*[1][self::dd]")
        if label and dd:
            out.setdefault(label, dd)
    return out


def _text(values: dict[str, SelectorList], label: str) -> str:
    nodes = values.get(label)
    return clean(" ".join(nodes.css("::text").getall())) if nodes else ""


def _required(values: dict[str, SelectorList], label: str, url: str) -> str:
    text = _text(values, label)
    if not text:
        raise PageError(f"{url}: document-metadata block has no {label.capitalize()!r} field; "
                        f"not stored (the citation would be incomplete)")
    return text


def _date(value: str, url: str) -> date:
    """The shared reader (core/dates.py: English and Spanish); a month alone is no date."""
    try:
        found = read_date(value)
    except UnreadableDate:
        found = None
    if found is None:
        raise PageError(f"{url}: unreadable 'Published' date {value!r}")
    return found


def _publisher(values: dict[str, SelectorList], url: str) -> str:
    """The first source marked (Author), else the first source; the role suffix dropped."""
    nodes = values.get("source")
    names = [clean(" ".join(a.css("::text").getall())) for a in nodes.css("a")] if nodes else []
    names = [n for n in names if n] or [_required(values, "source", url)]
    authors = [n for n in names if re.search(r"\(author\)\s*$", n, re.IGNORECASE)]
    return ROLE.sub("", (authors or names)[0]).strip()


def _countries(values: dict[str, SelectorList], iso2: str, covered: list[str],
               url: str) -> list[str]:
    label = "countries" if "countries" in values else "country"
    names = [clean(t) for t in values[label].css("a::text").getall()] if label in values else []
    names = [n for n in names if n] or re.split(r"\s*[;,]\s*", _required(values, label, url))
    codes = [_NAMES.get(n.lower()) for n in names]
    if iso2 not in codes:
        raise PageError(f"{url}: document is about {', '.join(names)}, not "
                        f"{COUNTRIES[iso2]['name']} (the country page that linked it)")
    return [iso2] + [c for c in codes if c and c in covered and c != iso2]


def document(response: Response, iso2: str, covered: list[str]) -> dict | None:
    """The item for one document page; None for a PDF-only document (skipped, logged)."""
    page = text_response(response)
    title = required_text(page, "h1", "document title (h1)", page.url)
    values = fields(page)
    if not values:
        raise PageError(f"{page.url}: no document-metadata block (<dt>/<dd> fields)")
    original = values.get("original link")
    original_url = clean((original.css("a::attr(href)").get() or _text(values, "original link"))
                         if original else "")
    if not original_url:
        raise PageError(f"{page.url}: document-metadata block has no 'Original link' field; "
                        f"not stored (the citation would be incomplete)")
    if not re.match(r"^https?://", original_url):
        raise PageError(f"{page.url}: 'Original link' is not a URL: {original_url!r}")
    published = _date(_required(values, "published", page.url), page.url)
    publisher = _publisher(values, page.url)
    countries = _countries(values, iso2, covered, page.url)
    if not clean(" ".join(page.xpath(TEXT).getall())):
        if page.css('a[href*="/file/local/"]'):
            log.info("skipping ecoi.net document %s: PDF-only (no HTML text)", page.url)
            return None
        raise PageError(f"{page.url}: document has no text and no file link")
    language = LANGUAGES.get(_text(values, "language").split(",")[0].strip().lower())
    return {
        "url": page.url,
        "title": title,
        "publisher": publisher,
        "countries": countries,
        "language": language,
        "published": published,
        "original_url": original_url,
        "raw": page.body,
        "content_type": content_type(page),
    }
