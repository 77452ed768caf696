"""A UNHCR Help country site: the home page's asylum links, and each asylum information page."""

from __future__ import annotations

from urllib.parse import urlsplit

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

BODY = "div.entry-content, article"


def asylum_links(response: Response, slug: str, keywords: list[str]) -> list[str]:
    """Absolute URLs (in page order, once each) of the site's pages about applying for asylum."""
    page = text_response(response)
    found: list[str] = []
    for href in page.css("a::attr(href)").getall():
        url = page.urljoin(href.strip()).split("#", 1)[0]
        path = urlsplit(url).path.lower()
        if (path.startswith(f"/{slug}/") and path.rstrip("/") != f"/{slug}"
                and any(k in path for k in keywords) and url not in found):
            found.append(url)
    if not found:
        raise PageError(f"{page.url}: no link to an asylum page (keywords {keywords})")
    return found


def parse(response: Response, iso2: str, country: str) -> dict:
    page = text_response(response)
    heading = required_text(page, "h1", "page heading (h1)", page.url)
    body = required(page, BODY, "page body", page.url)
    if not clean(" ".join(body.css("p::text, li::text").getall())):
        raise PageError(f"{page.url}: page body has no text")
    lang = clean(page.css("html::attr(lang)").get()).split("-")[0].lower() or None
    return {
        "url": page.url,
        "title": f"UNHCR Help {country}: {heading}",
        "countries": [iso2],
        "language": lang,
        "published": parse_date(meta(page, "article:modified_time")
                                or meta(page, "article:published_time")),
        "raw": page.body,
        "content_type": content_type(page),
    }
