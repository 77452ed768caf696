"""Cut the surrounding text of selected passages into paragraphs with highlighted runs.

A judge reads a highlighted quote in its context, so each passage is shown inside a window of
neighbouring paragraphs of the archived text (or the whole text); omitted stretches are marked.
Offsets come from the extracted text itself, so highlighted runs are verbatim by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exhibits.model import Passage

CONTEXT_CHARS = 1200  # longest unhighlighted stretch kept from a neighbouring paragraph
OMITTED = "[…]"


@dataclass(frozen=True)
class Run:
    """A piece of a paragraph; `passage` is the selected passage it belongs to, if any."""

    text: str
    passage: str | None = None


@dataclass
class Para:
    runs: list[Run]
    gap_before: bool = False
    starts: list[str] = field(default_factory=list)  # passages whose first run is here


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each block; extraction separates blocks with blank lines."""
    out, pos = [], 0
    for part in text.split("\n\n"):
        if part.strip():
            out.append((pos, pos + len(part)))
        pos += len(part) + 2
    return out


def excerpt(text: str, passages: list[Passage], window: int = 1,
            full_text: bool = False) -> list[Para]:
    """Paragraphs to print: those touching a passage, `window` either side, or all of them."""
    blocks = paragraphs(text)
    hit = {i for i, (lo, hi) in enumerate(blocks)
           for p in passages if p.start < hi and p.end > lo}
    keep = set(range(len(blocks))) if full_text else {
        j for i in hit for j in range(i - window, i + window + 1) if 0 <= j < len(blocks)}
    out: list[Para] = []
    seen: set[str] = set()
    previous = -1
    for i in sorted(keep):
        lo, hi = blocks[i]
        if i not in hit and not full_text:
            lo, hi = _trim(lo, hi, before=i < min(hit, key=lambda h: abs(h - i)))
        runs = _runs(text, lo, hi, passages)
        if lo > blocks[i][0]:
            runs.insert(0, Run("…"))
        if hi < blocks[i][1]:
            runs.append(Run("…"))
        para = Para(runs, gap_before=i != previous + 1)
        para.starts = [r.passage for r in runs if r.passage and r.passage not in seen]
        seen.update(para.starts)
        out.append(para)
        previous = i
    if out and blocks and max(keep) < len(blocks) - 1:
        out.append(Para([Run(OMITTED)]))
    return out


def _trim(lo: int, hi: int, before: bool) -> tuple[int, int]:
    """Keep the end of a paragraph before a passage, the start of one after it."""
    if hi - lo <= CONTEXT_CHARS:
        return lo, hi
    return (hi - CONTEXT_CHARS, hi) if before else (lo, lo + CONTEXT_CHARS)


def _runs(text: str, lo: int, hi: int, passages: list[Passage]) -> list[Run]:
    """Split text[lo:hi] at passage boundaries; overlapping passages go to the first one."""
    cuts = sorted({lo, hi, *(x for p in passages for x in (p.start, p.end) if lo < x < hi)})
    runs: list[Run] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        owner = next((p.id for p in passages if p.start <= a and b <= p.end), None)
        if runs and runs[-1].passage == owner:
            runs[-1] = Run(runs[-1].text + text[a:b], owner)
        else:
            runs.append(Run(text[a:b], owner))
    return runs
