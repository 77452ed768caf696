"""Render a bundle to one PDF: consecutive "Page N of M" footers, a table of contents whose
page ranges are the real ones, one bookmark per exhibit, and an embedded manifest.

Page ranges and the total are only known after layout, so the story is laid out until the
numbers it prints equal the numbers it produces (two passes normally).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, SimpleDocTemplate

from exhibits import manifest, pages
from exhibits.model import Bundle, Caption
from exhibits.styles import font

MAX_PASSES = 5


class _Doc(SimpleDocTemplate):
    """Records the page on which every Marker lands, and draws the footer."""

    def __init__(self, out: Any, total: int, **kw: Any) -> None:
        super().__init__(out, pagesize=LETTER, leftMargin=inch, rightMargin=inch,
                         topMargin=inch, bottomMargin=inch, **kw)
        self.total, self.last_page = total, 0
        self.marks: dict[tuple[str, str], int] = {}

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - reportlab hook
        if isinstance(flowable, pages.Marker):
            self.marks.setdefault((flowable.kind, flowable.key), self.page)

    def footer(self, canv: Any, _doc: Any) -> None:
        self.last_page = max(self.last_page, self.page)
        canv.saveState()
        canv.setFont(font(), 9)
        total = self.total or "?"
        canv.drawCentredString(LETTER[0] / 2, 0.5 * inch, f"Page {self.page} of {total}")
        canv.restoreState()


def render_pdf(bundle: Bundle, out: Path | str, caption: Caption | None = None,
               full_text: bool = False, window: int = 1) -> Path:
    """Write the bundle; fills in each exhibit's `pages` and `pinpoints` as laid out."""
    if not bundle.exhibits:
        raise ValueError("a bundle needs at least one exhibit")
    out = Path(out)
    total = 0
    for _ in range(MAX_PASSES):
        printed = [(ex.pages, ex.translation_pages) for ex in bundle.exhibits]
        data, doc = _layout(bundle, caption or Caption(), full_text, window, total)
        _apply_marks(bundle, doc.marks, doc.last_page)
        if total == doc.last_page and printed == [(ex.pages, ex.translation_pages)
                                                 for ex in bundle.exhibits]:
            break
        total = doc.last_page
    else:
        raise RuntimeError("page numbering did not settle; please report this bundle")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    manifest.embed(out, manifest.manifest(bundle))
    return out


def _layout(bundle: Bundle, caption: Caption, full_text: bool, window: int,
            total: int) -> tuple[bytes, _Doc]:
    buf = io.BytesIO()
    doc = _Doc(buf, total, title=bundle.title, author="cckb",
               subject="Country conditions evidence (exhibit bundle)", creator="cckb export")
    story = [*pages.cover(bundle, caption), *pages.toc(bundle)]
    for ex in bundle.exhibits:
        story += pages.exhibit_story(ex, full_text, window)
    story += pages.verification_page(bundle)
    doc.build(story, onFirstPage=doc.footer, onLaterPages=doc.footer)
    return buf.getvalue(), doc


def _apply_marks(bundle: Bundle, marks: dict[tuple[str, str], int], last_page: int) -> None:
    """Exhibit i runs from its tab page to the page before the next part begins."""
    starts = [marks[("exhibit", ex.tab)] for ex in bundle.exhibits]
    ends = [s - 1 for s in starts[1:]] + [marks.get(("part", "verification"), last_page + 1) - 1]
    for ex, first, last in zip(bundle.exhibits, starts, ends, strict=True):
        ex.pages = (first, last)
        ex.pinpoints = {p.id: marks.get(("passage", p.id), first) for p in ex.passages}
        start, end = marks.get(("translation", ex.tab)), marks.get(("translation_end", ex.tab))
        ex.translation_pages = (start, end) if start and end else None
