"""Cut an extracted document into passages: the unit that is embedded, retrieved and quoted.

A passage is a few sentences (about 300-900 characters) inside one section. That is
long enough to carry a complete factual claim with its source attribution, short enough
for an embedding to stay on topic, and small enough to quote in a court exhibit. Every
passage satisfies `passage.text == extracted.text[passage.start:passage.end]` exactly,
because exhibits quote by offset and a quote that differs from the source is worthless.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

MIN_CHARS = 300  # below this a passage closes only at a section end
MAX_CHARS = 900  # a passage stops growing past this (if it already has MIN_CHARS)
HARD_MAX = 1500  # never exceeded: longer sentences are cut at whitespace

_PARA_BREAK = re.compile(r"\n[^\S\n]*\n")
_CANDIDATE = re.compile(r"([.!?…]+[\"'”’»)\]]*)(\s+)")
_OPENERS = "\"'“‘«([¿¡"
# Abbreviations that never end a sentence in these reports (English and Spanish).
_TITLES = frozenset(
    "mr mrs ms dr dra drs sr sra srta sres st sto sta prof gen gov sen rep col lt capt sgt cmdr "
    "adm hon rev jr inc ltd corp co bros vs e.g i.e cf approx dept univ est lic ing av avda ud "
    "uds dña dn mt ft ee u.s u.n u.k ee.uu aprox pres gral ej".split())
# Abbreviations that end no sentence only when a number follows ("No. 5", "Art. 117").
_NUMBERED = frozenset(
    "no nos nº núm num art arts p pp vol fig sec ch cap pág págs para par ed jan feb mar apr jun "
    "jul aug sep sept oct nov dec ene abr ago dic".split())
_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")


class SectionLike(Protocol):
    heading: str
    start: int
    end: int


class ExtractedLike(Protocol):
    text: str
    sections: Sequence[SectionLike]


@dataclass(frozen=True)
class Segment:
    """One passage; `text == extracted.text[start:end]` and `section` is its heading."""

    text: str
    section: str
    ordinal: int
    start: int
    end: int


def segment(extracted: ExtractedLike) -> list[Segment]:
    """Passages in document order, numbered 0..n-1, never crossing a section boundary."""
    text = extracted.text
    sections = sorted(extracted.sections, key=lambda s: (s.start, s.end))
    if not sections:
        sections = [_Whole(len(text))]
    out: list[Segment] = []
    floor = 0
    for section in sections:
        lo, hi = max(section.start, floor, 0), min(section.end, len(text))
        if lo >= hi:
            continue
        for start, end in pack(list(_units(text, lo, hi))):
            out.append(Segment(text[start:end], section.heading, len(out), start, end))
        floor = hi
    return out


@dataclass(frozen=True)
class _Whole:
    """Stands in for the missing section list: the whole text under no heading."""

    end: int
    heading: str = ""
    start: int = 0


def pack(units: list[tuple[int, int, bool]]) -> list[tuple[int, int]]:
    """Greedily group sentence spans (start, end, opens_paragraph) into passage spans.

    A passage prefers to close at a paragraph end once it has MIN_CHARS, must close
    before passing MAX_CHARS unless it is still short, and can never pass HARD_MAX.
    A short trailing remainder joins the previous passage so no fragment stands alone.
    """
    spans: list[tuple[int, int]] = []
    for start, end, opens in units:
        if not spans:
            spans.append((start, end))
            continue
        first, last = spans[-1]
        size, merged = last - first, end - first
        if (opens and size >= MIN_CHARS) or merged > HARD_MAX or (
                merged > MAX_CHARS and size >= MIN_CHARS):
            spans.append((start, end))
        else:
            spans[-1] = (first, end)
    if len(spans) >= 2:
        (a, _), (b, c) = spans[-2], spans[-1]
        if c - b < MIN_CHARS and c - a <= HARD_MAX:
            spans[-2:] = [(a, c)]
    return spans


def _units(text: str, lo: int, hi: int) -> Iterator[tuple[int, int, bool]]:
    """Sentence spans (cut to HARD_MAX) with a flag for the first one of each paragraph."""
    for p_start, p_end in _paragraphs(text, lo, hi):
        opens = True
        for s_start, s_end in sentences(text, p_start, p_end):
            for c_start, c_end in _hard_split(text, s_start, s_end):
                yield c_start, c_end, opens
                opens = False


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _paragraphs(text: str, lo: int, hi: int) -> Iterator[tuple[int, int]]:
    cursor = lo
    for match in _PARA_BREAK.finditer(text, lo, hi):
        start, end = _strip(text, cursor, match.start())
        if start < end:
            yield start, end
        cursor = match.end()
    start, end = _strip(text, cursor, hi)
    if start < end:
        yield start, end


def sentences(text: str, lo: int, hi: int) -> Iterator[tuple[int, int]]:
    """Sentence spans in `text[lo:hi]`: a terminator, space, then an upper-case start."""
    cursor = lo
    for match in _CANDIDATE.finditer(text, lo, hi):
        if _is_boundary(text, match, hi):
            start, end = _strip(text, cursor, match.end(1))
            if start < end:
                yield start, end
            cursor = match.end()
    start, end = _strip(text, cursor, hi)
    if start < end:
        yield start, end


def _is_boundary(text: str, match: re.Match[str], hi: int) -> bool:
    """Reject candidates followed by lower case or preceded by a known abbreviation."""
    nxt = match.end()
    while nxt < hi and text[nxt] in _OPENERS:
        nxt += 1
    if nxt >= hi or not (text[nxt].isupper() or text[nxt].isdigit() or text[nxt - 1] in "¿¡"):
        return False
    if match.group(1) != ".":
        return True
    token = text[max(0, match.start() - 24):match.start()].split()
    word = token[-1].lstrip(_OPENERS).lower() if token else ""
    if word in _TITLES or _INITIALS.fullmatch(word):
        return False
    return not (word in _NUMBERED and text[nxt].isdigit())


def _hard_split(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut an over-long "sentence" (tables, lists without stops) at whitespace."""
    while end - start > HARD_MAX:
        cut = _last_space(text, start)
        if cut <= start:
            cut = start + HARD_MAX
        piece = _strip(text, start, cut)
        if piece[0] < piece[1]:
            yield piece
        start = _strip(text, cut, end)[0]
    if start < end:
        yield start, end


def _last_space(text: str, start: int) -> int:
    """Position of the last whitespace within MAX_CHARS after `start`, or -1."""
    for pos in range(min(start + MAX_CHARS, len(text) - 1), start, -1):
        if text[pos].isspace():
            return pos
    return -1
