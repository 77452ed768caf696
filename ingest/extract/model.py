"""The shapes every extractor produces, and the one way blocks become text and sections."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


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


def clean(value: str) -> str:
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


def flush(blocks: list[Block], buf: list[str]) -> None:
    text = clean("".join(buf))
    if text:
        blocks.append(Block(text))
    buf.clear()


def iso_lang(value: str) -> str | None:
    m = re.match(r"\s*([a-zA-Z]{2})(?:[-_]|$)", value)
    return m[1].lower() if m else None
