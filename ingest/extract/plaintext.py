"""Plain text: blank lines end paragraphs; Markdown `#` and lone CAPS lines are headings."""

from __future__ import annotations

import re

from ingest.extract.model import Block, Extracted, assemble, clean, flush

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_LIST_ITEM = re.compile(r"^([-*•▪◦]|\d{1,3}[.)])\s+")


def extract_txt(text: str) -> Extracted:
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
        caps = not para and is_caps_heading(line)
        if not line or md or caps or _LIST_ITEM.match(line):
            flush(blocks, para)
        if md or caps:
            blocks.append(Block(clean(md[2] if md else line), len(md[1]) if md else 1))
        elif line:
            para.append(line + " ")
    flush(blocks, para)
    return blocks


def is_caps_heading(line: str) -> bool:
    """Short ALL-CAPS line without a final period: how plain-text reports mark sections."""
    letters = sum(c.isalpha() for c in line)
    return (len(line) <= 80 and letters >= 3 and letters >= len(line) / 2
            and line.upper() == line and not line.endswith("."))
