"""Block and gate pages: an answer that stands where the page should be is a failure, never a
document.

Sites refuse programs in ways that look like pages: a CDN's 403 "Technical Difficulties", a
CAPTCHA or "Request Access" page served with status 200, a redirect to an `unblock.` host, a
notice that the page is "not available for scraping". `detect()` names such an answer;
`crawlers.middlewares.blocks` turns it into a `Blocked` failure before any spider, cache or
pipeline sees it, so it is counted per source as `blocked` (with the host and what to do) and
never archived or ingested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse

# statuses that mean "not you": authentication, refusal, proxy authentication, legal block
REFUSED = {401, 403, 407, 451}
# gate titles and headings (matched on <title> and <h1> only, never on report text)
GATE_TITLE = re.compile(
    r"request access|captcha|are you (?:a )?(?:robot|human)|verify you are (?:a )?human"
    r"|access denied|attention required|just a moment|technical difficulties"
    r"|not available for scraping|pardon our interruption|bot detection", re.I)
# phrases explicit enough to mark a page anywhere in its text
GATE_PHRASE = re.compile(r"not available for scraping|this page is reserved for human visitors",
                         re.I)
# challenge widgets: a gate only on a short page (a long report may embed a comment form)
WIDGET = re.compile(r"g-recaptcha|h-captcha|cf-turnstile|/cdn-cgi/challenge-platform"
                    r"|captcha-delivery|px-captcha", re.I)
SHORT_PAGE = 5_000  # characters of visible text
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
_H1 = re.compile(rb"<h1[^>]*>(.*?)</h1>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_SCRIPT = re.compile(rb"<(script|style)\b.*?</\1\s*>", re.I | re.S)
HEAD = 200_000  # bytes of the body inspected

ADVICE = {
    "refused": "the site refuses this crawler; do not spoof a browser: ask the operator to "
               "allow our User-Agent (CCKB_CONTACT), or use the source's documented fallback",
    "gate": "the site put a human check (CAPTCHA / access request) in place of the page; use "
            "the official alternative named in the source's YAML or ask the operator for "
            "programmatic access",
    "unblock": "the site redirects programs to an unblock form meant for people; use the "
               "official alternative named in the source's YAML or ask the operator for "
               "programmatic access",
    "robots": "robots.txt itself could not be read, so nothing was fetched from this host; "
              "check the host in a browser and contact its operator",
}


@dataclass(frozen=True)
class Block:
    host: str
    kind: str  # refused | gate | unblock | robots
    detail: str

    @property
    def advice(self) -> str:
        return ADVICE[self.kind]

    @property
    def reason(self) -> str:
        return f"blocked by {self.host}: {self.detail}"


class Blocked(IgnoreRequest):
    """A request answered by a block or gate page (or by an unreadable robots.txt)."""

    def __init__(self, block: Block) -> None:
        super().__init__(block.reason)
        self.block = block


def _text(fragment: bytes) -> str:
    return re.sub(r"\s+", " ", _TAG.sub(" ", fragment.decode("utf-8", "replace"))).strip()


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def detect(response: Response) -> Block | None:
    """The block this answer is, or None for an ordinary answer (a page, a 404, a 500)."""
    host = _host(response.url)
    location = response.headers.get(b"Location")
    if 300 <= response.status < 400 and location:
        target = urljoin(response.url, location.decode("latin-1"))
        if _host(target).startswith("unblock."):
            return Block(host, "unblock", f"HTTP {response.status} redirect to {target}")
    if host.startswith("unblock."):
        return Block(host, "unblock", f"answer served by the unblock host {host}")
    body = response.body[:HEAD]
    gate = None
    if isinstance(response, TextResponse) or b"<html" in body[:2000].lower():
        for pattern in (_TITLE, _H1):
            m = pattern.search(body)
            if m and GATE_TITLE.search(_text(m.group(1))):
                gate = f"gate page titled {_text(m.group(1))[:80]!r}"
                break
        if gate is None:
            text = _text(_SCRIPT.sub(b" ", body))
            if m2 := GATE_PHRASE.search(text):
                gate = f"page says {m2.group(0)!r}"
            elif WIDGET.search(body.decode("latin-1")) and len(text) < SHORT_PAGE:
                gate = "short page with a CAPTCHA/challenge widget"
    if response.status in REFUSED:
        return Block(host, "refused", f"HTTP {response.status}" + (f", {gate}" if gate else ""))
    if gate:
        return Block(host, "gate", f"HTTP {response.status} {gate}")
    return None
