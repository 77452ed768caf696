"""Extraction contract: main text only, sections from headings, clear errors for bad input."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from core.errors import ExtractionError
from embeddings.segment import segment
from ingest.extract import Extracted, decode_text, extract
from ingest.language import detect_language

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
CHROME_MARKERS = ("NAV_MARKER", "FOOTER_MARKER", "SCRIPT_BODY_MARKER", "TRACKING_SCRIPT_MARKER",
                  "COOKIE_BANNER_MARKER", "SIDEBAR_MARKER", "Skip to content", "Privacy Policy",
                  "dataLayer", "font-family")
RUNNING_HEADER = "HONDURAS 2023 HUMAN RIGHTS REPORT"
RUNNING_FOOTER = "Country Reports on Human Rights Practices for 2023"
PDF_PARAGRAPHS = (
    "There were several reports that the government or its agents committed arbitrary or "
    "unlawful killings. The Violence Observatory of the National Autonomous University of "
    "Honduras reported that security forces killed 27 persons during the first six months of "
    "the year. The Public Ministry's Special Prosecutor for Crimes against Life was "
    "responsible for investigating such cases.",
    "On March 14, police officers in San Pedro Sula allegedly shot and killed a 19-year-old man "
    "during a routine traffic stop. Witnesses stated the victim was unarmed. As of December, "
    "the case remained under investigation by the Public Ministry.",
)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def make_report_pdf(subsections: int = 8) -> bytes:
    """A State-Department-shaped PDF: running header/footer, page numbers, headings."""
    styles = getSampleStyleSheet()

    def decorate(pdf: canvas.Canvas, doc: SimpleDocTemplate) -> None:
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, 760, RUNNING_HEADER)
        pdf.drawString(72, 40, RUNNING_FOOTER)
        pdf.drawRightString(540, 40, str(doc.page))

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=letter, title="Honduras 2023 Human Rights Report")
    story = [Paragraph("Section 1. Respect for the Integrity of the Person", styles["Heading1"])]
    for i in range(subsections):
        heading = f"{'abcdefghij'[i]}. Arbitrary or Unlawful Deprivation of Life in Region {i + 1}"
        story.append(Paragraph(heading, styles["Heading2"]))
        for text in PDF_PARAGRAPHS:
            story += [Paragraph(text, styles["BodyText"]), Spacer(1, 6)]
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buf.getvalue()


def encrypt(data: bytes, user: str, algorithm: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user, owner_password="owner-secret", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def report() -> Extracted:
    return extract(fixture("state_dept_report.html"), "html", "https://www.state.gov/report")


@pytest.fixture(scope="module")
def report_pdf() -> bytes:
    return make_report_pdf()


def test_html_main_text_excludes_chrome_scripts_and_markup(report: Extracted) -> None:
    for marker in CHROME_MARKERS:
        assert marker not in report.text
    assert "<" not in report.text and "&#8217;" not in report.text
    assert "Public Ministry’s Special Prosecutor" in report.text  # entity decoded
    assert "Dr. Ana María Torres" in report.text


def test_html_headings_become_sections(report: Extracted) -> None:
    headings = [s.heading for s in report.sections]
    assert "Executive Summary" in headings
    assert "b. Disappearance" in headings
    sub = next(s for s in report.sections if s.heading.startswith("a. Arbitrary"))
    assert sub.path == ("2023 Country Reports on Human Rights Practices: Honduras",
                        "Section 1. Respect for the Integrity of the Person", sub.heading)
    assert sub.level == 3
    body = report.text[sub.start:sub.end]
    assert body.startswith("There were several reports") and sub.heading not in body
    assert "3.5 percent" in body  # list items are part of the section body
    for before, after in zip(report.sections, report.sections[1:], strict=False):
        assert before.start < before.end <= after.start


def test_html_metadata(report: Extracted) -> None:
    assert report.title == "2023 Country Reports on Human Rights Practices: Honduras"
    assert report.published == "2024-04-22"
    assert report.language == "en"
    assert report.kind == "html"
    assert detect_language(report.text) == "en"


def test_latin1_spanish_labelled_utf8_is_still_readable() -> None:
    doc = extract(fixture("guatemala_es_latin1.html"), "html")
    assert "violación sexual" in doc.text and "\ufffd" not in doc.text
    assert "«¿Cómo podemos confiar" in doc.text
    assert "NAV_MARKER" not in doc.text and "FOOTER_MARKER" not in doc.text
    assert doc.published == "2023-11-15" and doc.language == "es"
    assert [s.heading for s in doc.sections][1] == "1. Violencia contra personas defensoras de " \
        "derechos humanos"
    assert detect_language(doc.text) == "es"


def test_http_charset_is_respected() -> None:
    data = "<p>El informe “Honduras” señala la violación.</p>".encode("cp1252")
    assert "“Honduras”" in decode_text(data, "text/html; charset=windows-1252", html=True)
    assert decode_text("Año".encode("utf-8-sig")) == "Año"


def test_fallback_when_trafilatura_returns_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "extract", lambda *a, **k: None)
    doc = extract(fixture("state_dept_report.html"), "html")
    for marker in CHROME_MARKERS:
        assert marker not in doc.text
    assert "Executive Summary" in [s.heading for s in doc.sections]
    assert "unlawful killings" in doc.text


def test_tiny_page_scripts_and_comments_never_leak() -> None:
    html = (b"<html><body><nav>Home NAV_MARKER</nav><article><h2>Detention</h2>"
            b"<p>Detainees were held &amp; beaten.<script>var SCRIPT_BODY_MARKER=1;</script></p>"
            b"<!-- COMMENT_MARKER --><div>Loose text in a div.</div></article></body></html>")
    doc = extract(html, "html")
    assert "Detainees were held & beaten." in doc.text
    assert "Loose text in a div." in doc.text
    assert "SCRIPT_BODY_MARKER" not in doc.text and "COMMENT_MARKER" not in doc.text
    assert "NAV_MARKER" not in doc.text
    assert doc.sections[0].heading == "Detention"


def test_utf16_text_with_markdown_and_caps_headings() -> None:
    doc = extract(fixture("el_salvador_utf16.txt"), "txt")
    assert doc.title == "El Salvador: Country Conditions Summary"
    assert [s.heading for s in doc.sections][1:] == ["STATE OF EXCEPTION", "Treatment of Deportees"]
    assert "73,000 people were detained" in doc.text  # hard-wrapped lines re-flowed
    assert "- Police detained returnees" in doc.text


def test_pdf_text_pages_and_headings(report_pdf: bytes) -> None:
    doc = extract(report_pdf, "pdf")
    n_pages = len(PdfReader(io.BytesIO(report_pdf)).pages)
    assert n_pages >= 2 and len(doc.pages) == n_pages
    assert doc.pages[0][0] == 0 and doc.pages[-1][1] == len(doc.text)
    assert all(a[1] == b[0] for a, b in zip(doc.pages, doc.pages[1:], strict=False))
    assert RUNNING_HEADER not in doc.text and RUNNING_FOOTER not in doc.text
    assert doc.title == "Honduras 2023 Human Rights Report"
    headings = [s.heading for s in doc.sections]
    assert "a. Arbitrary or Unlawful Deprivation of Life in Region 1" in headings
    assert len(headings) == 8
    assert doc.sections[0].path == ("Section 1. Respect for the Integrity of the Person",
                                    "a. Arbitrary or Unlawful Deprivation of Life in Region 1")
    assert PDF_PARAGRAPHS[0] in doc.text  # lines re-flowed into the original paragraph
    passages = segment(doc)
    assert all(doc.text[p.start:p.end] == p.text for p in passages)
    assert doc.page_numbers(passages[0].start, passages[0].end) == [1]
    assert max(p for seg in passages for p in doc.page_numbers(seg.start, seg.end)) == n_pages


def test_encrypted_pdf_raises(report_pdf: bytes) -> None:
    for algorithm in ("AES-256", "RC4-128"):
        with pytest.raises(ExtractionError, match=r"^encrypted PDF"):
            extract(encrypt(report_pdf, "user-secret", algorithm), "pdf")


def test_pdf_with_owner_password_only_opens(report_pdf: bytes) -> None:
    doc = extract(encrypt(report_pdf, "", "AES-128"), "pdf")
    assert PDF_PARAGRAPHS[1] in doc.text


@pytest.mark.parametrize("cut", [10, 300, 0.5])
def test_corrupt_pdf_raises(report_pdf: bytes, cut: float) -> None:
    size = int(len(report_pdf) * cut) if cut < 1 else int(cut)
    with pytest.raises(ExtractionError, match=r"^not a PDF / corrupt"):
        extract(report_pdf[:size], "pdf")


def test_html_given_as_pdf_raises() -> None:
    with pytest.raises(ExtractionError, match=r"^not a PDF / corrupt: no %PDF- header"):
        extract(fixture("state_dept_report.html"), "pdf")


def test_scanned_pdf_without_text_raises() -> None:
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.rect(100, 100, 300, 400, fill=1)
    pdf.save()
    with pytest.raises(ExtractionError, match="no extractable text"):
        extract(buf.getvalue(), "pdf")


def test_binary_junk_raises() -> None:
    with pytest.raises(ExtractionError, match=r"^binary content, not HTML/text: PNG"):
        extract(fixture("logo_image.html"), "html")
    rng = random.Random(3)
    junk = bytes(rng.randrange(1, 256) for _ in range(4000))  # no NUL bytes
    with pytest.raises(ExtractionError, match=r"^binary content, not HTML/text"):
        extract(junk, "txt")
    with pytest.raises(ExtractionError, match=r"^binary content, not HTML/text: NUL"):
        extract(b"<html>\x00\x01\x02</html>" * 10, "html")


@pytest.mark.parametrize("data", [fixture("empty.txt"), b"  \n\t \r\n", "\ufeff  ".encode()])
def test_empty_documents_raise(data: bytes) -> None:
    with pytest.raises(ExtractionError, match=r"^empty document"):
        extract(data, "txt")


def test_page_with_only_chrome_is_empty() -> None:
    html = b"<html><body><nav><a href='/'>Home</a></nav><footer>Contact</footer></body></html>"
    with pytest.raises(ExtractionError, match=r"^empty document"):
        extract(html, "html")


def test_size_limit_names_the_size() -> None:
    data = b"Report text. " * 100
    with pytest.raises(ExtractionError, match="1,300 bytes"):
        extract(data, "txt", max_bytes=1000)


def test_unknown_kind_raises() -> None:
    with pytest.raises(ExtractionError, match="unknown document kind"):
        extract(b"hello", "docx")


@pytest.mark.parametrize(("text", "hint", "expected"), [
    ("Hubo varios informes de que el gobierno o sus agentes cometieron asesinatos.", None, "es"),
    ("There were several reports that the government committed arbitrary killings.", "es", "en"),
    ("San Pedro Sula", "es-HN", "es"),
    ("OK", None, "und"),
    ("Москва является столицей России и крупнейшим городом страны", "ru", "ru"),
])
def test_detect_language(text: str, hint: str | None, expected: str) -> None:
    assert detect_language(text, hint) == expected
