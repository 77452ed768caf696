"""Helpers every page object uses, so 'required part missing' always reads the same."""

from __future__ import annotations

import json
import re
from datetime import date

from scrapy.http import Response, TextResponse
from scrapy.selector import Selector, SelectorList

from core.dates import UnreadableDate, read_date
from core.errors import ValidationError

_SPACE = re.compile(r"\s+")


class PageError(ValidationError):
    """A page lacks a part the page object requires: layout changed or wrong page."""


def text_response(response: Response) -> TextResponse:
    if not isinstance(response, TextResponse):
        raise PageError(f"{response.url}: expected a text response, got "
                        f"{response.headers.get(b'Content-Type', b'?').decode(errors='replace')}")
    return response


def clean(value: str | None) -> str:
    return _SPACE.sub(" ", value or "").strip()


def required(nodes: Selector | SelectorList, css: str, what: str, url: str) -> SelectorList:
    """Nodes matching `css`; raises PageError naming `what` when none match."""
    found = nodes.css(css)
    if not found:
        raise PageError(f"{url}: no {what} (selector {css!r} matched nothing)")
    return found


def required_text(nodes: Selector | SelectorList, css: str, what: str, url: str) -> str:
    text = clean(" ".join(required(nodes, css, what, url)[0].css("::text").getall()))
    if not text:
        raise PageError(f"{url}: {what} is empty (selector {css!r})")
    return text


def meta(response: TextResponse, key: str) -> str | None:
    """A <meta name=...> or <meta property=...> value."""
    value = response.css(f'meta[name="{key}"]::attr(content), '
                         f'meta[property="{key}"]::attr(content)').get()
    return clean(value) or None


def parse_date(value: str | None) -> date | None:
    """ISO, English or Spanish date (core.dates.read_date) -> date; None when absent or only
    a month and year (no guessed day); PageError when it is not a date."""
    if not value or not clean(value):
        return None
    try:
        return read_date(value)
    except UnreadableDate as exc:
        raise PageError(str(exc)) from None


def json_body(response: Response) -> dict:
    try:
        data = json.loads(response.body)
    except ValueError as exc:
        raise PageError(f"{response.url}: not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise PageError(f"{response.url}: expected a JSON object")
    return data


def field(data: dict, key: str, url: str) -> object:
    """A required JSON field (dotted path); raises PageError when missing or empty."""
    value: object = data
    for part in key.split("."):
        if not isinstance(value, dict) or value.get(part) in (None, "", []):
            raise PageError(f"{url}: JSON field {key!r} missing")
        value = value[part]
    return value


def content_type(response: Response) -> str:
    return response.headers.get(b"Content-Type", b"").decode("latin-1") or "text/html"
