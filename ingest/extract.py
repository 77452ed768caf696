"""Turn fetched bytes (HTML, PDF, plain text) into one canonical text plus its section map.

The text built here is the single source of truth that passage offsets point into, so an
exhibit can quote `text[start:end]` verbatim. Every format is reduced to blocks (headings
and paragraphs) and assembled the same way: blocks separated by blank lines, headings kept
in the text for readability but outside every section's body range, so they never become
passages. Bad input raises ExtractionError with a reason a batch report can show.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag

from core.errors import ExtractionError

MAX_BYTES = 20 * 1024 * 1024
_KINDS = {"html": "html", "htm": "html", "pdf": "pdf", "txt": "txt", "text": "txt"}
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_MAGIC = ((b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
          (b"%PDF-", "PDF document"), (b"PK\x03\x04", "ZIP/Office archive"),
          (b"\x1f\x8b", "gzip archive"), (b"\x7fELF", "executable"))
_CONTROL_BYTES = (*range(1, 9), 11, *range(14, 32), 127)  # never in text encodings we accept
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
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
_TERMINAL = tuple('.!?:;"”)')
_PAGE_NO = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.I)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_LIST_ITEM = re.compile(r"^([-*•▪◦]|\d{1,3}[.)])\s+")
_PDF_HEADING = re.compile(
    r"^(section \d+[.:]?|chapter \d+|[a-z]\.|[ivx]+\.|\d+(\.\d+)*\.?)\s", re.I)


@dataclass(frozen=True)
class Section:
    """The body under one heading: `text[start:end]`, the heading line itself excluded.

    `path` holds the enclosing headings, outermost first, ending with `heading`, so an
    exhibit can cite "Section 1. ... > a. Arbitrary ..." where report letters repeat.
    """

    heading: str
    start: int
    end: int
    level: int = 0
    path: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    """A heading (level 1-6) or paragraph (level 0); `pages` = (page, offset in text)."""

    text: str
    level: int = 0
    pages: tuple[tuple[int, int], ...] = ()


@dataclass
class Extracted:
    """What `extract` returns; `pages[i]` is the text range of page i+1 (PDF only)."""

    text: str
    sections: list[Section]
    title: str | None = None
    published: str | None = None
    language: str | None = None
    kind: str = "txt"
    pages: list[tuple[int, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def page_numbers(self, start: int, end: int) -> list[int]:
        """1-based pages a passage touches, for pinpoint citations ("pp. 4-5")."""
        return [i + 1 for i, (lo, hi) in enumerate(self.pages) if lo < max(end, start + 1)
                and hi > start]


def extract(data: bytes, kind: str, url: str = "", *, content_type: str | None = None,
            max_bytes: int = MAX_BYTES) -> Extracted:
    """Extract main text and sections; `content_type` is the HTTP header, if any."""
    norm = _KINDS.get(kind.strip().lower())
    if norm is None:
        raise ExtractionError(f"unknown document kind {kind!r} (expected html, pdf or txt)")
    if len(data) > max_bytes:
        raise ExtractionError(f"document too large: {len(data):,} bytes (limit {max_bytes:,})")
    if not data.strip():
        raise ExtractionError("empty document")
    if norm == "pdf":
        result = _extract_pdf(data)
    else:
        text = decode_text(data, content_type, html=norm == "html")
        if not text.strip():
            raise ExtractionError("empty document")
        result = _extract_html(text, url) if norm == "html" else _extract_txt(text)
    if not result.text.strip():
        raise ExtractionError(f"empty document: no {norm} text left after extraction")
    return result


# --- decoding -------------------------------------------------------------------------------

def decode_text(data: bytes, content_type: str | None = None, html: bool = False) -> str:
    """BOM, valid UTF-8, the declared charset, charset-normalizer's guess, cp1252, latin-1.

    Valid UTF-8 beats a declared charset because multi-byte UTF-8 almost never happens by
    accident, while stale `charset=` labels are common; a failing label is ignored, so
    Latin-1 text labelled utf-8 still comes out readable instead of full of U+FFFD.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _check_controls(data.decode(codec, errors="replace"))
    _check_binary(data)
    for codec in ["utf-8", *_declared(data, content_type, html), *_guess(data), "cp1252"]:
        try:
            return _check_controls(data.decode(codec))
        except (UnicodeDecodeError, LookupError):
            continue
    return _check_controls(data.decode("latin-1"))  # maps every byte; never fails


def _guess(data: bytes) -> list[str]:
    """charset-normalizer's best codec; decoded strictly by us, its text is not trusted."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return [best.encoding] if best is not None else []


def _declared(data: bytes, content_type: str | None, html: bool) -> list[str]:
    labels = re.findall(r"charset=[\"']?([\w.:-]+)", content_type or "", re.I)
    if html:
        labels += [m.decode("ascii", "ignore") for m in _META_CHARSET.findall(data[:4096])]
    # WHATWG: latin-1/ascii labels mean windows-1252 (curly quotes live in 0x80-0x9F).
    alias = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252"}
    return [alias.get(label.lower(), label) for label in labels]


def _check_binary(data: bytes) -> None:
    for magic, name in _MAGIC:
        if data.startswith(magic):
            raise ExtractionError(f"binary content, not HTML/text: {name} signature")
    if b"\x00" in data[:8192]:
        raise ExtractionError("binary content, not HTML/text: NUL bytes")
    sample = data[:65536]
    controls = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES)
    if controls > len(sample) * 0.02:
        raise ExtractionError(f"binary content, not HTML/text: {controls} control bytes")


def _check_controls(text: str) -> str:
    sample = text[:65536]
    controls = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r\f") or c == "\x7f")
    if sample and controls / len(sample) > 0.02:
        raise ExtractionError(f"binary content, not HTML/text: {controls} control characters")
    return text


# --- shared block assembly ------------------------------------------------------------------

def _clean(value: str) -> str:
    """Collapse whitespace runs and drop invisible characters that break exact quoting."""
    return " ".join(value.replace("\xad", "").replace("\u200b", "").replace("\ufeff", "").split())


def assemble(blocks: list[Block], n_pages: int = 0,
             ) -> tuple[str, list[Section], list[tuple[int, int]]]:
    """Join blocks with blank lines; return text, non-empty sections and page ranges.

    If every block looks like a heading, the heuristics misfired (or the page is a bare
    list of titles): the blocks are kept as body text rather than silently dropped.
    """
    if not any(block.level == 0 and block.text for block in blocks):
        blocks = [Block(block.text, 0, block.pages) for block in blocks]
    parts: list[str] = []
    sections: list[Section] = []
    starts: dict[int, int] = {}
    pos, body, stack = 0, None, [(0, "")]  # stack of (level, heading) above the body
    for block in filter(lambda b: b.text, blocks):
        if parts:
            parts.append("\n\n")
            pos += 2
        parts.append(block.text)
        for page, offset in block.pages:
            starts.setdefault(page, pos + offset)
        if block.level and body:
            sections.append(_section(stack, body))
        if block.level:
            while len(stack) > 1 and stack[-1][0] >= block.level:
                stack.pop()
            stack.append((block.level, block.text))
            body = None
        else:
            body = (body[0] if body else pos, pos + len(block.text))
        pos += len(block.text)
    if body:
        sections.append(_section(stack, body))
    return "".join(parts), sections, _page_ranges(starts, n_pages, pos)


def _page_ranges(starts: dict[int, int], n_pages: int, length: int) -> list[tuple[int, int]]:
    """Contiguous (start, end) per page; a page without text is empty where the next begins."""
    ranges: list[tuple[int, int]] = []
    nxt = length
    for page in reversed(range(n_pages)):
        ranges.append((min(starts.get(page, nxt), nxt), nxt))
        nxt = ranges[-1][0]
    return ranges[::-1]


def _section(stack: list[tuple[int, str]], body: tuple[int, int]) -> Section:
    path = tuple(heading for _, heading in stack[1:])
    return Section(stack[-1][1], body[0], body[1], stack[-1][0], path)


# --- HTML -----------------------------------------------------------------------------------

def _extract_html(text: str, url: str) -> Extracted:
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
            _flush(blocks, buf)
            if name in _HEADINGS:
                blocks.append(Block(_clean(child.get_text(" ")), int(name[1])))
            else:
                _walk(child, blocks, buf)
                _flush(blocks, buf)
        elif name in ("td", "th"):
            buf.append(" | " if "".join(buf).strip() else "")
            _walk(child, blocks, buf)
        else:
            buf.append(" " if name == "br" else "")
            _walk(child, blocks, buf)


def _flush(blocks: list[Block], buf: list[str]) -> None:
    text = _clean("".join(buf))
    if text:
        blocks.append(Block(text))
    buf.clear()


def _html_metadata(soup: BeautifulSoup) -> dict[str, str | None]:
    metas: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop") or ""
        key = (tag.get("http-equiv") or key).strip().lower()
        if key and tag.get("content") and key not in metas:
            metas[key] = str(tag["content"])
    dates = [metas.get(k) for k in _DATE_KEYS] + _jsonld_dates(soup)
    dates += [t.get("datetime") for t in soup.find_all("time", itemprop="datePublished")]
    titles = [metas.get(k) for k in ("citation_title", "dc.title", "og:title")]
    titles += [soup.title.get_text() if soup.title else None]
    html = soup.find("html")
    langs = [html.get("lang") if isinstance(html, Tag) else None]
    langs += [metas.get(k) for k in ("content-language", "dc.language", "language", "og:locale")]
    return {"title": next((_clean(t) for t in titles if t and _clean(t)), None),
            "published": next(filter(None, (_iso_date(d) for d in dates if d)), None),
            "language": next(filter(None, (_iso_lang(v) for v in langs if v)), None)}


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
    """Full calendar dates only: a guessed day is worse than no date in an exhibit."""
    value = value.strip()
    m = re.match(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", value)
    try:
        if m:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None
    for fmt in ("%B %d, %Y", "%d %B %Y", "%b %d, %Y", "%d %b %Y"):
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _iso_lang(value: str) -> str | None:
    m = re.match(r"\s*([a-zA-Z]{2})(?:[-_]|$)", value)
    return m[1].lower() if m else None


# --- plain text -----------------------------------------------------------------------------

def _extract_txt(text: str) -> Extracted:
    body, sections, _ = assemble(_txt_blocks(text))
    first = next((s.heading for s in sections if s.heading), None)
    return Extracted(body, sections, title=first, kind="txt")


def _txt_blocks(text: str) -> list[Block]:
    """Blank lines end paragraphs; `#` lines, lone CAPS lines and list bullets start blocks."""
    blocks: list[Block] = []
    para: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        md = _MD_HEADING.match(line)
        caps = not para and _is_caps_heading(line)
        if not line or md or caps or _LIST_ITEM.match(line):
            _flush(blocks, para)
        if md or caps:
            blocks.append(Block(_clean(md[2] if md else line), len(md[1]) if md else 1))
        elif line:
            para.append(line + " ")
    _flush(blocks, para)
    return blocks


def _is_caps_heading(line: str) -> bool:
    """Short ALL-CAPS line without a final period: how plain-text reports mark sections."""
    letters = sum(c.isalpha() for c in line)
    return (len(line) <= 80 and letters >= 3 and letters >= len(line) / 2
            and line.upper() == line and not line.endswith("."))


# --- PDF ------------------------------------------------------------------------------------

def _extract_pdf(data: bytes) -> Extracted:
    pages, meta, warnings = _pdf_pages(data)
    if not any(p.strip() for p in pages):
        raise ExtractionError("PDF has no extractable text (scanned images? needs OCR)")
    body, sections, ranges = assemble(_pdf_blocks(pages), len(pages))
    return Extracted(body, sections, meta.get("title"), None, meta.get("language"), "pdf",
                     ranges, warnings)


def _pdf_pages(data: bytes) -> tuple[list[str], dict[str, str], list[str]]:
    from pypdf import PasswordType, PdfReader

    if b"%PDF-" not in data[:1024]:
        raise ExtractionError("not a PDF / corrupt: no %PDF- header")
    pages: list[str] = []
    warnings: list[str] = []
    encrypted = False
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        if encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise ExtractionError("encrypted PDF: cannot be opened without a password")
        for number, page in enumerate(reader.pages, 1):
            try:
                pages.append(page.extract_text() or "")
            except Exception as exc:  # noqa: BLE001 - one bad page must not sink the rest
                warnings.append(f"page {number}: text extraction failed ({exc})")
                pages.append("")
        meta = _pdf_metadata(reader)
    except ExtractionError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for broken files
        reason = "encrypted PDF" if encrypted else "not a PDF / corrupt"
        raise ExtractionError(f"{reason}: {type(exc).__name__}: {exc}") from exc
    if not pages:
        raise ExtractionError("not a PDF / corrupt: no pages")
    return pages, meta, warnings


def _pdf_metadata(reader: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    title = _clean(str((reader.metadata or {}).get("/Title") or ""))
    if title and not re.match(r"(microsoft word|untitled|document\d*$)", title, re.I):
        meta["title"] = title
    lang = _iso_lang(str(reader.trailer["/Root"].get("/Lang") or ""))
    if lang:
        meta["language"] = lang
    return meta


def _pdf_blocks(pages: list[str]) -> list[Block]:
    """Re-flow PDF lines into paragraphs, dropping running headers/footers and page numbers."""
    lines = [[_clean(ln) for ln in page.splitlines()] for page in pages]
    repeated = _running_lines(lines)
    widths = sorted(len(ln) for page in lines for ln in page if ln)
    median = widths[len(widths) // 2] if widths else 0
    blocks: list[Block] = []
    para = _Paragraph()
    for number, page in enumerate(lines):
        for line in page:
            if _PAGE_NO.match(line) or _margin_key(line) in repeated:
                continue
            level = _heading_level(line, median) if para.ended() else 0
            if not line or level:
                para.flush(blocks)
            if level:
                blocks.append(Block(line, level, ((number, 0),)))
            elif line:
                para.add(line, number)
                if line.endswith(_TERMINAL) and len(line) < 0.8 * median:
                    para.flush(blocks)
        if para.parts and para.ended():  # a page ending mid-sentence continues on the next
            para.flush(blocks)
    para.flush(blocks)
    return blocks


@dataclass
class _Paragraph:
    """Lines being re-flowed into one paragraph, with the offset where each page starts."""

    parts: list[str] = field(default_factory=list)
    size: int = 0
    marks: list[tuple[int, int]] = field(default_factory=list)

    def ended(self) -> bool:
        return not self.parts or self.parts[-1].endswith(_TERMINAL)

    def add(self, line: str, page: int) -> None:
        """Join with a space; after "self-" + "reported" keep the hyphen and add no space."""
        if self.parts and not (self.parts[-1].endswith("-") and line[:1].islower()):
            self.parts.append(" ")
            self.size += 1
        if not self.marks or self.marks[-1][0] != page:
            self.marks.append((page, self.size))
        self.parts.append(line)
        self.size += len(line)

    def flush(self, blocks: list[Block]) -> None:
        if self.parts:  # lines were cleaned on input, so marks are exact offsets
            blocks.append(Block("".join(self.parts), 0, tuple(self.marks)))
        self.parts, self.size, self.marks = [], 0, []


def _margin_key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines repeated in the top/bottom 3 lines of at least half the pages (2+ pages)."""
    counts: Counter[str] = Counter()
    for page in pages:
        edge = [ln for ln in page if ln]
        counts.update({_margin_key(ln) for ln in edge[:3] + edge[-3:]})
    needed = max(2, (len(pages) + 1) // 2)
    return {key for key, n in counts.items() if n >= needed and key}


def _heading_level(line: str, median: int) -> int:
    """1 for ALL CAPS or "Section 2."; 2 for Title Case lines that are lettered or short.

    The length test keeps full-width wrapped lines full of proper nouns ("the National
    Autonomous University of Honduras") from being mistaken for headings.
    """
    if len(line) > 100 or line.endswith(tuple(".,;:")) or sum(c.isalpha() for c in line) < 3:
        return 0
    words = [w for w in re.findall(r"[^\W\d_]+", line) if len(w) >= 4]
    titled = bool(words) and sum(w[0].isupper() for w in words) >= 0.75 * len(words)
    if _is_caps_heading(line) or (titled and re.match(r"(section|chapter) \d", line, re.I)):
        return 1
    short = line[0].isupper() and len(line) < 0.7 * median
    return 2 if titled and (short or _PDF_HEADING.match(line)) else 0
