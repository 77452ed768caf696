"""HTML: trafilatura's main-content blocks, or a walk of the marked-up body when it fails."""

from __future__ import annotations

import json
import re
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag

from core.dates import UnreadableDate, read_date
from core.errors import ExtractionError
from ingest.extract.model import Block, Extracted, assemble, clean, flush, iso_lang

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_DROP = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
         "button", "iframe", "svg", "select", "textarea", "canvas", "object", "embed", "video",
         "audio", "map", "menu", "dialog", "head", "title", "meta", "link"}
_BLOCK = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "section", "article", "main", "tr",
          "blockquote", "pre", "table", "thead", "tbody", "tfoot", "figure", "figcaption",
          "address", "details", "summary", "body", "html", "center", "caption", "hr"}
_BOILER = re.compile(r"(^|[\s_-])(cookies?|consent|comments?|gdpr|banner|breadcrumbs?|sidebar|"
                     r"share|social|newsletter|related|skip|menu|navbar|nav|masthead|advert|ads|"
                     r"promo|popup|modal|footer|header)($|[\s_-])", re.I)
_DATE_KEYS = ("article:published_time", "citation_publication_date", "dcterms.date", "dc.date",
              "dcterms.issued", "dc.date.issued", "citation_date", "datepublished",
              "og:published_time", "publication_date", "pubdate", "date")


def extract_html(text: str, url: str) -> Extracted:
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str with an encoding decl.
    try:
        soup = BeautifulSoup(text, "lxml")
        meta = _html_metadata(soup)
        blocks = _trafilatura_blocks(text, url)
        fallback = _fallback_blocks(soup)
    except RecursionError as exc:
        raise ExtractionError("HTML nested too deeply to parse") from exc
    # Below ~250 chars trafilatura falls back to a flat dump of the page, nav included.
    if _size(blocks) < max(250, _size(fallback) / 4):
        blocks = fallback
    body, sections, _ = assemble(blocks)
    return Extracted(body, sections, meta["title"], meta["published"], meta["language"], "html")


def _size(blocks: list[Block]) -> int:
    return sum(len(b.text) for b in blocks if not b.level)


def _trafilatura_blocks(text: str, url: str) -> list[Block]:
    import trafilatura

    try:
        out = trafilatura.extract(text, url=url or None, output_format="html", favor_recall=True,
                                  include_formatting=True, include_tables=True,
                                  include_comments=False, include_links=False)
    except Exception:  # noqa: BLE001 - any trafilatura failure means "use the fallback"
        return []
    if not out:
        return []
    blocks: list[Block] = []
    _walk(BeautifulSoup(out, "lxml"), blocks, [])
    return blocks


def _fallback_blocks(soup: BeautifulSoup) -> list[Block]:
    """Walk <main>/<article>/<body> minus chrome; trusts authors who mark their content."""
    root = soup.find("main") or soup.find("article") or soup.body or soup
    for tag in root.find_all(True):
        # not `tag.decomposed`: on a live tag bs4 resolves it through Tag.__getattr__, i.e. a
        # search of the whole subtree per tag (quadratic: minutes on deeply nested HTML)
        if vars(tag).get("_decomposed") or not isinstance(tag.attrs, dict):
            continue
        marks = " ".join([tag.get("id") or "", *(tag.get("class") or []), tag.get("role") or ""])
        if _BOILER.search(marks) or tag.get("role") in ("navigation", "banner", "contentinfo"):
            tag.decompose()
    blocks: list[Block] = []
    _walk(root, blocks, [])
    return blocks


def _walk(node: Tag, blocks: list[Block], buf: list[str]) -> None:
    """Emit headings and paragraphs in document order; loose inline text becomes a paragraph."""
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # skips comments, CDATA, doctype, scripts
                buf.append(str(child))
            continue
        name = (child.name or "").lower()
        if name in _DROP or child.get("hidden") is not None or child.get("aria-hidden") == "true":
            continue
        if name in _HEADINGS or name in _BLOCK:
            flush(blocks, buf)
            if name in _HEADINGS:
                blocks.append(Block(clean(child.get_text(" ")), int(name[1])))
            else:
                _walk(child, blocks, buf)
                flush(blocks, buf)
        elif name in ("td", "th"):
            buf.append(" | " if "".join(buf).strip() else "")
            _walk(child, blocks, buf)
        else:
            buf.append(" " if name == "br" else "")
            _walk(child, blocks, buf)


def _html_metadata(soup: BeautifulSoup) -> dict[str, str | None]:
    metas: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop") or ""
        key = (tag.get("http-equiv") or key).strip().lower()
        if key and tag.get("content") and key not in metas:
            metas[key] = str(tag["content"])
    dates = [metas.get(k) for k in _DATE_KEYS] + _jsonld_dates(soup)
    dates += [t.get("datetime") or t.get_text()
              for t in soup.find_all("time", itemprop="datePublished")]
    titles = [metas.get(k) for k in ("citation_title", "dc.title", "og:title")]
    titles += [soup.title.get_text() if soup.title else None]
    html = soup.find("html")
    langs = [html.get("lang") if isinstance(html, Tag) else None]
    langs += [metas.get(k) for k in ("content-language", "dc.language", "language", "og:locale")]
    return {"title": next((clean(t) for t in titles if t and clean(t)), None),
            "published": next(filter(None, (_iso_date(d) for d in dates if d)), None),
            "language": next(filter(None, (iso_lang(v) for v in langs if v)), None)}


def _jsonld_dates(soup: BeautifulSoup) -> list[str]:
    found: list[str] = []

    def visit(node: Any, depth: int = 0) -> None:
        if depth > 6:
            return
        if isinstance(node, dict):
            if isinstance(node.get("datePublished"), str):
                found.append(node["datePublished"])
            for value in node.values():
                visit(value, depth + 1)
        elif isinstance(node, list):
            for value in node:
                visit(value, depth + 1)

    for script in soup.find_all("script", type="application/ld+json"):
        try:
            visit(json.loads(script.string or ""))
        except ValueError:
            continue
    return found


def _iso_date(value: str) -> str | None:
    """Full calendar dates only (ISO, English, Spanish): a guessed day is worse than no date."""
    try:
        found = read_date(value)
    except UnreadableDate:
        return None
    return found.isoformat() if found else None
