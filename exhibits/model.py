"""What an exhibit bundle is: ordered exhibits, one per archived document, with selected passages.

Bundles are built from passage ids read back from the graph and the archive (`collect.py`), never
from text a caller supplies, so every quotation is exactly the archived source. Nothing about the
client lives here: caption fields are passed to the renderer and only ever printed in the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.editions import dating

STALE_YEARS = 5  # an exhibit older than this is flagged for a newer edition before filing
ENGLISH = "en"
UNDETERMINED = "und"
LANGUAGE_NAMES = {"es": "Spanish", "fr": "French", "pt": "Portuguese", "en": "English",
                  "ht": "Haitian Creole", "ar": "Arabic", "ru": "Russian", "zh": "Chinese",
                  "fa": "Persian", "uk": "Ukrainian", "tr": "Turkish", "de": "German",
                  "it": "Italian", "ti": "Tigrinya", "am": "Amharic", "so": "Somali"}


def language_name(code: str) -> str:
    """'es' -> 'Spanish'; an unlisted code is shown as itself."""
    base = (code or UNDETERMINED).split("-")[0].lower()
    return LANGUAGE_NAMES.get(base, f"language '{code}'")


def tab_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, 27 -> AB: how courts letter exhibit tabs past Z."""
    if index < 0:
        raise ValueError("exhibit index must be >= 0")
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


@dataclass(frozen=True)
class Passage:
    """One selected passage: `source_text[start:end] == text` in the exhibit's extracted text."""

    id: str
    text: str
    start: int
    end: int
    section: str = ""
    countries: tuple[str, ...] = ()
    elements: tuple[tuple[str, float], ...] = ()
    original_pages: tuple[int, ...] = ()


@dataclass(frozen=True)
class Document:
    """Citation facts of the archived copy an exhibit reproduces."""

    id: str
    url: str
    title: str
    publisher: str
    sha256: str
    published: str | None = None
    retrieved_at: str | None = None
    archive_path: str = ""
    language: str = "und"
    edition_note: str | None = None
    original_url: str | None = None
    intermediary: str | None = None
    citation: str | None = None  # official citation, e.g. "84 FR 63994"
    document_number: str | None = None  # e.g. FR Doc. "2019-25137"


@dataclass(frozen=True)
class Translation:
    """An English translation supplied by the filer; re-typeset from its text in the bundle."""

    source_name: str  # the file's name, printed so the certificate names what is attached
    paragraphs: tuple[str, ...]


@dataclass
class Exhibit:
    """One tab of the bundle; `pages` is filled in by the PDF renderer (1-based, inclusive)."""

    tab: str
    description: str
    document: Document
    passages: list[Passage]
    source_text: str
    pages: tuple[int, int] | None = None
    pinpoints: dict[str, int] = field(default_factory=dict)
    translation: Translation | None = None
    translation_pages: tuple[int, int] | None = None

    @property
    def needs_translation(self) -> bool:
        """8 CFR 1003.33: any document not in English needs a certified English translation.

        An undetermined language ("und") is not flagged: nothing says it is foreign.
        """
        base = (self.document.language or UNDETERMINED).split("-")[0].lower()
        return base not in (ENGLISH, UNDETERMINED)

    @property
    def language_name(self) -> str:
        return language_name(self.document.language)

    def dating(self, today: date | None = None) -> tuple[int | None, str]:
        """(year, how the date is shown): the publication date, else the estimated edition
        with its note ('undated; edition estimated 2016 from the title'), else 'undated; ...'."""
        doc = self.document
        return dating(doc.published, doc.title, doc.url, today)

    def stale_year(self, today: date | None = None) -> int | None:
        """The exhibit's year when it is more than STALE_YEARS years before today, else None."""
        today = today or date.today()
        year = self.dating(today)[0]
        return year if year is not None and year < today.year - STALE_YEARS else None

    @property
    def passage_ids(self) -> list[str]:
        return [p.id for p in self.passages]

    @property
    def page_range(self) -> str:
        if not self.pages:
            return ""
        first, last = self.pages
        return str(first) if first == last else f"{first}-{last}"


@dataclass
class Caption:
    """Case caption printed on the cover; blank by default so the advocate fills it by hand."""

    respondent: str = ""
    a_number: str = ""
    court: str = ""
    judge: str = ""
    hearing_date: str = ""

    @property
    def file_number(self) -> str:
        """The A-number as printed after 'File No.:' ('' when blank); see `format_a_number`."""
        return format_a_number(self.a_number)


_A_NUMBER_NOISE = str.maketrans("", "", " -\t")


def format_a_number(typed: str) -> str:
    """'A098765432', 'a 098-765-432', '98765432' -> 'A-098-765-432' (8 digits take the
    customary leading zero); anything else is returned as typed, trimmed: digits are never
    invented or dropped."""
    typed = (typed or "").strip()
    digits = typed[1:] if typed[:1] in ("A", "a") else typed
    digits = digits.translate(_A_NUMBER_NOISE)
    if not (digits.isascii() and digits.isdigit() and len(digits) in (8, 9)):
        return typed
    digits = digits.zfill(9)
    return f"A-{digits[:3]}-{digits[3:6]}-{digits[6:]}"


@dataclass
class Bundle:
    """An ordered list of exhibits plus the title printed on the cover."""

    exhibits: list[Exhibit]
    title: str = "Respondent's Submission of Country Conditions Evidence"

    def exhibit_for(self, passage_id: str) -> Exhibit | None:
        return next((e for e in self.exhibits if passage_id in e.passage_ids), None)
