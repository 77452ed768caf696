"""Language of a document or passage, as an ISO 639-1 code or "und".

The corpus is country-conditions reporting about the asylum "third countries" (Central
America, Mexico, ...), published in a handful of languages. py3langid over its full
~100-language model mislabels short or name-heavy passages (Galician, Catalan, Latin...),
so classification is restricted to the languages the corpus actually holds. That makes
results stable and deterministic; texts outside that set come back as the page's declared
language (`hint`) or "und" rather than a confident wrong label.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

SUPPORTED = ("en", "es", "fr", "pt", "de")
UNDETERMINED = "und"
MIN_LETTERS = 20  # below this n-gram statistics are noise; trust the hint instead
MAX_CHARS = 20_000  # the beginning of a long report is as telling as all of it
CONFIDENT = 0.9  # normalised probability above which detection overrides the hint
PLAUSIBLE = 0.6  # without a hint, accept detection only above this


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """Load the model once per process (about 0.3 s); restricted to SUPPORTED."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED))
    return identifier


def normalize_code(code: str | None) -> str | None:
    """'es-ES', 'ES_mx', 'en' -> two-letter lowercase code; anything else -> None."""
    if not code:
        return None
    primary = code.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if len(primary) == 2 and primary.isalpha() else None


def _latin_share(text: str) -> tuple[int, float]:
    """Count letters and the share written in Latin script (the model only knows those)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0, 0.0
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    return len(letters), latin / len(letters)


def detect_language(text: str, hint: str | None = None) -> str:
    """Return an ISO 639-1 code from SUPPORTED, the hint, or "und"; never raises.

    The hint (usually `<html lang>` or a PDF /Lang entry) wins for short or ambiguous
    text because a publisher's declaration beats a guess from a few words; a confident
    detection wins over the hint because page templates often carry a stale `lang`.
    """
    hint_code = normalize_code(hint)
    sample = text[:MAX_CHARS]
    letters, latin = _latin_share(sample)
    if letters < MIN_LETTERS or latin < 0.5:
        return hint_code or UNDETERMINED
    lang, prob = _identifier().classify(sample)
    if prob >= CONFIDENT or (hint_code is None and prob >= PLAUSIBLE):
        return str(lang)
    if hint_code is not None:
        return hint_code
    return UNDETERMINED
