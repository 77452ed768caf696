"""The flowables of each part of a bundle: cover, table of contents, exhibit, certificate.

Layout follows immigration-court filing practice: a captioned cover page with blank fields the
advocate fills in by hand (the tool never stores client data), a table of contents with tab
letters and page ranges, and per exhibit a tab page, the citation of the archived copy and the
highlighted passages in their context.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from exhibits.citations import official_citation
from exhibits.excerpt import OMITTED, excerpt
from exhibits.model import STALE_YEARS, Bundle, Caption, Exhibit
from exhibits.styles import highlighted, safe, styles

BLANK = "_" * 32
TRANSLATION_REQUIRED = "TRANSLATION REQUIRED - not yet translated"


def stale_warning(year: int) -> str:
    """The line on the citation page of an exhibit more than five years old."""
    return f"Older than {STALE_YEARS} years ({year}): check for a newer edition before filing"


def translation_flag(ex: Exhibit) -> str:
    """The note under a foreign-language exhibit's heading: what follows it, truthfully."""
    head = (f"{ex.language_name}-language document: a certified English translation is "
            "required (8 CFR 1003.33). ")
    if ex.translation:
        return head + ("The English translation supplied by the filer and a certificate of "
                       "translation follow this exhibit.")
    return head + ("No translation has been supplied: a page listing what must be translated "
                   "and a certificate to be completed by the translator follow this exhibit.")


class Marker(Flowable):
    """Zero-size flowable recording where something landed, and optionally a PDF bookmark."""

    def __init__(self, kind: str, key: str, title: str = "", level: int = 0) -> None:
        super().__init__()
        self.kind, self.key, self.title, self.level = kind, key, title, level

    def wrap(self, *_: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        if self.title:
            name = f"{self.kind}:{self.key}"  # bookmark names must be unique per document
            self.canv.bookmarkPage(name)
            self.canv.addOutlineEntry(self.title, name, level=self.level, closed=False)


def outline_title(exhibit: Exhibit) -> str:
    return f"Exhibit {exhibit.tab}: {exhibit.description}"


def cover(bundle: Bundle, caption: Caption) -> list[Flowable]:
    s = styles()
    heads = ["UNITED STATES DEPARTMENT OF JUSTICE", "EXECUTIVE OFFICE FOR IMMIGRATION REVIEW",
             "IMMIGRATION COURT", safe(caption.court) or BLANK]
    left = [f"In the Matter of:<br/><br/>{safe(caption.respondent) or BLANK}<br/>Respondent."]
    right = [f"File No.: {safe(caption.file_number) or 'A-' + BLANK[:14]}<br/><br/>"
             "IN REMOVAL PROCEEDINGS"]
    grid = Table([[Paragraph(left[0], s["body"]), Paragraph(right[0], s["body"])]],
                 colWidths=[3.3 * inch, 3.2 * inch])
    grid.setStyle(TableStyle([("LINEAFTER", (0, 0), (0, 0), 0.8, colors.black),
                              ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    judge = (f"Immigration Judge: {safe(caption.judge) or BLANK}&nbsp;&nbsp;&nbsp;"
             f"Next hearing: {safe(caption.hearing_date) or BLANK[:16]}")
    return [Marker("part", "cover", "Cover page"),
            *[Paragraph(h, s["center"]) for h in heads], Spacer(1, 24), grid, Spacer(1, 12),
            Paragraph(judge, s["small"]), Paragraph(safe(bundle.title).upper(), s["title"]),
            Paragraph(f"{len(bundle.exhibits)} exhibit(s), tabs "
                      f"{bundle.exhibits[0].tab}-{bundle.exhibits[-1].tab}.", s["center"]),
            PageBreak()]


def toc(bundle: Bundle) -> list[Flowable]:
    s = styles()
    rows = [[Paragraph(f"<b>{h}</b>", s["cell"]) for h in ("Tab", "Description", "Source",
                                                            "Pages")]]
    for ex in bundle.exhibits:
        desc = safe(ex.description) + _toc_translation_note(ex)
        source = f"{safe(ex.document.publisher)}, {safe(ex.dating()[1])}"
        rows.append([Paragraph(ex.tab, s["cell"]), Paragraph(desc, s["cell"]),
                     Paragraph(source, s["cell"]), Paragraph(ex.page_range or "—", s["cell"])])
    table = Table(rows, colWidths=[0.5 * inch, 3.4 * inch, 1.9 * inch, 0.7 * inch],
                  repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [Marker("part", "toc", "Table of contents"),
            Paragraph("TABLE OF CONTENTS", s["h1"]), table, PageBreak()]


def _toc_translation_note(ex: Exhibit) -> str:
    if not ex.needs_translation:
        return ""
    if ex.translation:
        return f" <i>({safe(ex.language_name)}; English translation attached)</i>"
    return f" <i>({safe(ex.language_name)}; translation required, not attached)</i>"


def exhibit_story(ex: Exhibit, full_text: bool = False, window: int = 1) -> list[Flowable]:
    s = styles()
    story: list[Flowable] = [
        Marker("exhibit", ex.tab, outline_title(ex)),
        Paragraph(f"EXHIBIT {ex.tab}", s["tab"]), Paragraph(safe(ex.description), s["center"]),
        Paragraph(safe(ex.document.publisher), s["center"]), PageBreak(),
        Paragraph(f"Exhibit {ex.tab}: {safe(ex.document.title)}", s["h1"])]
    if ex.needs_translation:
        story.append(Paragraph(safe(translation_flag(ex)), s["flag"]))
    story.append(citation_block(ex))
    stale = ex.stale_year()
    if stale is not None:
        story.append(Paragraph(safe(stale_warning(stale)), s["flag"]))
    story.append(Spacer(1, 10))
    for para in excerpt(ex.source_text, ex.passages, window, full_text):
        if para.gap_before:
            story.append(Paragraph(OMITTED, s["gap"]))
        story += [Marker("passage", pid) for pid in para.starts]
        story.append(Paragraph(highlighted(para.runs), s["body"]))
    if ex.needs_translation:
        story += [PageBreak(), *translation_story(ex), PageBreak(), *certificate(ex)]
    return [*story, PageBreak()]


def translation_story(ex: Exhibit) -> list[Flowable]:
    """The English pages after a foreign-language exhibit: the filer's translation, or a page
    saying plainly that none is attached and listing what the translator must translate."""
    s = styles()
    if ex.translation:
        story: list[Flowable] = [
            Marker("translation", ex.tab, f"English translation (Exhibit {ex.tab})", 1),
            Paragraph(f"ENGLISH TRANSLATION OF EXHIBIT {ex.tab}", s["title"]),
            Paragraph(safe(f"Translation of “{ex.document.title}” from {ex.language_name}, "
                           f"supplied by the filer as {ex.translation.source_name}."), s["small"]),
            Spacer(1, 10)]
        story += [Paragraph(safe(para), s["body"]) for para in ex.translation.paragraphs]
        story.append(Marker("translation_end", ex.tab))
        return story
    items = [f"the document title, “{ex.document.title}”",
             *[f"passage {p.id}" + (f" ({p.section})" if p.section else "")
               + ": “" + _clip(p.text) + "”" for p in ex.passages],
             f"the surrounding {ex.language_name} text reproduced in Exhibit {ex.tab}"]
    return [Marker("translation", ex.tab, f"Translation required (Exhibit {ex.tab})", 1),
            Paragraph(TRANSLATION_REQUIRED, s["title"]),
            Paragraph(safe(f"Exhibit {ex.tab} is in {ex.language_name}. No English translation "
                           "is attached to this bundle. Before filing, a competent translator "
                           "must translate the following into English and sign the certificate "
                           "on the next page, and the translation must be attached here "
                           "(cckb export --translation " f"{ex.tab}=FILE):"), s["body"]),
            *[Paragraph(safe(f"• {item}"), s["body"]) for item in items],
            Marker("translation_end", ex.tab)]


def _clip(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip() + " …"



def citation_block(ex: Exhibit) -> Table:
    s, doc = styles(), ex.document
    facts = [("Title", doc.title), ("Citation", official_citation(doc)),
             ("Publisher", doc.publisher),
             ("Published", ex.dating()[1]), ("URL", doc.url),
             ("Original URL", doc.original_url), ("Via", doc.intermediary),
             ("Edition", doc.edition_note), ("Retrieved", doc.retrieved_at),
             ("SHA-256 of archived copy", doc.sha256), ("Language", doc.language)]
    rows = [[Paragraph(f"<b>{k}</b>", s["cell"]),
             Paragraph(safe(v), s["mono" if k.startswith("SHA") else "cell"])]
            for k, v in facts if v]
    for p in ex.passages:
        where = f"{p.section}; " if p.section else ""
        pages = f"p. {', '.join(map(str, p.original_pages))} of the original; " \
            if p.original_pages else ""
        rows.append([Paragraph("<b>Passage</b>", s["cell"]),
                     Paragraph(safe(f"{p.id} ({where}{pages}highlighted below)"), s["cell"])])
    table = Table(rows, colWidths=[1.6 * inch, 4.9 * inch])
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def certificate(ex: Exhibit) -> list[Flowable]:
    s = styles()
    lang, title = safe(ex.language_name), safe(ex.document.title)
    if ex.translation:
        where = (f", on pages {ex.translation_pages[0]}-{ex.translation_pages[1]} of this "
                 "bundle" if ex.translation_pages else "")
        text = (f"I, {BLANK}, certify that I am competent to translate from {lang} into "
                f"English, and that the English translation of Exhibit {ex.tab}, “{title}”, "
                f"attached hereto ({safe(ex.translation.source_name)}{where}), is true, "
                "accurate and complete to the best of my knowledge and ability.")
    else:
        text = (f"NO TRANSLATION IS ATTACHED. This certificate may be signed only after a "
                f"certified English translation of Exhibit {ex.tab}, “{title}”, has been "
                f"attached. I, {BLANK}, certify that I am competent to translate from {lang} "
                f"into English, and that the English translation of Exhibit {ex.tab} that I "
                "have attached is true, accurate and complete to the best of my knowledge and "
                "ability.")
    lines = ["Signature", "Printed name", "Address", "Telephone", "Date"]
    return [Marker("certificate", ex.tab, f"Certificate of translation (Exhibit {ex.tab})", 1),
            Paragraph("CERTIFICATE OF TRANSLATION", s["title"]), Paragraph(text, s["body"]),
            Spacer(1, 24), *[Paragraph(f"{label}: {BLANK}", s["body"]) for label in lines]]


def verification_page(bundle: Bundle) -> list[Flowable]:
    s = styles()
    story: list[Flowable] = [
        Marker("part", "verification", "Verification record"),
        Paragraph("VERIFICATION RECORD", s["h1"]),
        Paragraph("Each exhibit reproduces text extracted from an archived copy identified by "
                  "its SHA-256 hash. `cckb verify` re-hashes the archived copies against the "
                  "manifest attached to this PDF.", s["small"])]
    for ex in bundle.exhibits:
        story.append(Paragraph(safe(f"Exhibit {ex.tab}  document {ex.document.id}  "
                                    f"sha256 {ex.document.sha256}  passages "
                                    f"{', '.join(ex.passage_ids)}"), s["mono"]))
    return story
