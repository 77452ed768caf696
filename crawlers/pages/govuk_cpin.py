"""GOV.UK Content API items: the CPIN collection, a publication and an HTML attachment."""

from __future__ import annotations

import re

from scrapy.http import Response

from crawlers.pages.base import PageError, field, json_body, parse_date


def collection(response: Response, names: dict[str, str]) -> list[tuple[str, str]]:
    """(ISO2, base_path) of each publication whose title names a covered country."""
    docs = field(json_body(response), "links.documents", response.url)
    out = []
    for doc in docs if isinstance(docs, list) else []:
        title, path = field(doc, "title", response.url), field(doc, "base_path", response.url)
        for iso2, name in names.items():
            if re.match(rf"{re.escape(name)}\b", str(title), re.IGNORECASE):
                out.append((iso2, str(path)))
    return out


def attachments(response: Response) -> list[str]:
    """Web URLs of the publication's HTML attachments (the notes themselves)."""
    data = json_body(response)
    found = [a["url"] for a in (data.get("details") or {}).get("attachments") or []
             if a.get("attachment_type") == "html" and a.get("url")]
    if not found:
        raise PageError(f"{response.url}: publication has no HTML attachment")
    return found


def note(response: Response, iso2: str, web_base: str) -> dict:
    data = json_body(response)
    if data.get("document_type") != "html_publication":
        raise PageError(f"{response.url}: expected an html_publication, got "
                        f"{data.get('document_type')!r}")
    return {
        "url": web_base.rstrip("/") + str(field(data, "base_path", response.url)),
        "title": field(data, "title", response.url),
        "countries": [iso2],
        "published": parse_date(data.get("public_updated_at") or data.get("first_published_at")),
        "html": field(data, "details.body", response.url),
    }
