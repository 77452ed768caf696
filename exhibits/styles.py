"""Fonts, paragraph styles and safe markup for the PDF bundle.

Crawled text is untrusted: every string reaches reportlab's Paragraph markup only through
`safe()`, so `<script>` or `<b>` in a source is printed literally, never interpreted. A Unicode
TrueType font is embedded (DejaVu when installed, else reportlab's bundled Vera) so Spanish
accents and typographic quotes survive, and text extracted from the PDF equals the source.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from exhibits.excerpt import Run

HIGHLIGHT = "#fff176"
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_FACES = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf", "I": "DejaVuSerif-Italic.ttf",
          "BI": "DejaVuSerif-BoldItalic.ttf"}
_VERA = {"": "Vera.ttf", "B": "VeraBd.ttf", "I": "VeraIt.ttf", "BI": "VeraBI.ttf"}


def safe(value: object) -> str:
    """Escape crawled or user text for Paragraph markup (the only way text enters a PDF)."""
    return escape("" if value is None else str(value))


def highlighted(runs: list[Run]) -> str:
    """Paragraph markup with the selected passages on a yellow background."""
    return "".join(f'<span backColor="{HIGHLIGHT}">{safe(r.text)}</span>' if r.passage
                   else safe(r.text) for r in runs)


@cache
def font() -> str:
    """Register the serif family once per process and return its base name."""
    use_dejavu = all((_DEJAVU / f).exists() for f in _FACES.values())
    files = {k: str(_DEJAVU / f) for k, f in _FACES.items()} if use_dejavu else _VERA
    name = "CckbSerif"
    for suffix, path in files.items():
        pdfmetrics.registerFont(TTFont(name + suffix, path))
    pdfmetrics.registerFontFamily(name, normal=name, bold=name + "B", italic=name + "I",
                                  boldItalic=name + "BI")
    return name


@cache
def styles() -> dict[str, ParagraphStyle]:
    base = font()
    body = ParagraphStyle("body", fontName=base, fontSize=11, leading=15, spaceAfter=7)
    return {
        "body": body,
        "small": ParagraphStyle("small", body, fontSize=9, leading=12, spaceAfter=3),
        "mono": ParagraphStyle("mono", body, fontName="Courier", fontSize=8, leading=10,
                               spaceAfter=2),
        "title": ParagraphStyle("title", body, fontName=base + "B", fontSize=16, leading=21,
                                alignment=TA_CENTER, spaceBefore=18, spaceAfter=18),
        "center": ParagraphStyle("center", body, alignment=TA_CENTER, spaceAfter=2),
        "h1": ParagraphStyle("h1", body, fontName=base + "B", fontSize=14, leading=18,
                             spaceBefore=6, spaceAfter=10),
        "tab": ParagraphStyle("tab", body, fontName=base + "B", fontSize=40, leading=48,
                              alignment=TA_CENTER, spaceBefore=200, spaceAfter=24),
        "flag": ParagraphStyle("flag", body, fontName=base + "B", textColor=colors.darkred,
                               borderColor=colors.darkred, borderWidth=1, borderPadding=5,
                               spaceBefore=6, spaceAfter=12),
        "cell": ParagraphStyle("cell", body, fontSize=9.5, leading=12, spaceAfter=0),
        "gap": ParagraphStyle("gap", body, alignment=TA_CENTER, textColor=colors.grey),
    }
