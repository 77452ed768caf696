"""Safe highlighting: the text is escaped first, then matches are wrapped in <mark>.

Crawled passages can contain markup (`<script>`, `<b>`); escaping before marking guarantees that
only our own `<mark>` tags reach the browser, and the matched spans are found with the same
accent- and case-insensitive taxonomy patterns enrichment used.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from core.taxonomy import Taxonomy, fold, term_patterns


def fold_map(text: str) -> tuple[str, list[int]]:
    """`fold(text)` plus, for every folded character, the index of its source character."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = fold(ch)
        out.append(folded)
        where.extend([i] * len(folded))
    return "".join(out), where


def spans(text: str, patterns: Iterable[re.Pattern[str]]) -> list[tuple[int, int]]:
    """Merged, sorted [start, end) spans of `text` matched by any pattern."""
    folded, where = fold_map(text)
    found: list[tuple[int, int]] = []
    for pattern in patterns:
        for m in pattern.finditer(folded):
            if m.end() > m.start():
                found.append((where[m.start()], where[m.end() - 1] + 1))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, patterns: Iterable[re.Pattern[str]]) -> str:
    """HTML with every character of `text` escaped and matched spans inside <mark>."""
    out, pos = [], 0
    for start, end in spans(text, patterns):
        out.append(html.escape(text[pos:start]))
        out.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def item_patterns(taxonomy: Taxonomy, risk_factors: Iterable[str],
                  elements: Iterable[str]) -> list[re.Pattern[str]]:
    """The taxonomy patterns behind an evidence item's risk factors and legal elements."""
    compiled = term_patterns(taxonomy)
    return ([compiled.risk_factors[r] for r in risk_factors if r in compiled.risk_factors]
            + [compiled.elements[e] for e in elements if e in compiled.elements])
