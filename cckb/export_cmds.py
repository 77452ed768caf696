"""`cckb export` and `cckb verify BUNDLE`: argument checks, then the exhibits package.

Caption fields (respondent, A-number, court) come only from the command line and are printed
in the PDF; the tool writes them nowhere else.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from core.errors import CckbError, ValidationError

USAGE_ERROR = 2


def _passage_ids(kb: object, passages: str | None, from_search: Path | None,
                 profile: Path | None, countries: list[str], top: int) -> list[str]:
    """Exactly one of the three ways to choose passages."""
    from exhibits.collect import ids_from_search

    chosen = [x is not None for x in (passages, from_search, profile)]
    if sum(chosen) != 1:
        raise ValidationError("give exactly one of --passages, --from-search or --profile")
    if passages is not None:
        return [p for p in passages.split(",") if p.strip()]
    if from_search is not None:
        try:
            result = json.loads(from_search.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise ValidationError(f"cannot read search results {from_search.name}: {exc}") from exc
        return ids_from_search(result, top)
    from retrieval.profile import load_profile
    from retrieval.search import EvidenceSearch

    found = EvidenceSearch.from_kb(kb).for_profile(load_profile(profile), countries or None, top)
    return ids_from_search(found, top)


def parse_descriptions(pairs: list[str]) -> dict[str, str]:
    """`--describe KEY=TEXT` options as a mapping; a malformed or repeated key is an error."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key, text = key.strip(), text.strip()
        if not sep or not key or not text:
            raise ValidationError(f"--describe expects KEY=TEXT, got {pair[:80]!r}")
        if key in out:
            raise ValidationError(f"--describe given twice for {key!r}")
        out[key] = text
    return out


def parse_translations(pairs: list[str]) -> dict[str, Path]:
    """`--translation EXHIBIT=FILE` options; a malformed or repeated key is an error."""
    out: dict[str, Path] = {}
    for pair in pairs:
        key, sep, file = pair.partition("=")
        key, file = key.strip(), file.strip()
        if not sep or not key or not file:
            raise ValidationError(f"--translation expects EXHIBIT=FILE, got {pair[:80]!r}")
        if key in out:
            raise ValidationError(f"--translation given twice for {key!r}")
        out[key] = Path(file)
    return out


def run_export(passages: str | None, from_search: Path | None, profile: Path | None,
               countries: list[str], top: int, outputs: dict[str, Path | None],
               caption: dict[str, str], full_text: bool, title: str | None = None,
               describe: list[str] | None = None,
               translation: list[str] | None = None) -> int:
    """Build and write the bundle; returns the process exit code."""
    from exhibits.export import Outputs, export_bundle
    from exhibits.model import Caption
    from ingest.kb import KnowledgeBase

    try:
        descriptions = parse_descriptions(describe or [])
        translations = parse_translations(translation or [])
        with KnowledgeBase.open() as kb:
            ids = _passage_ids(kb, passages, from_search, profile, countries, top)
            out = Outputs(**outputs)  # type: ignore[arg-type]
            bundle = export_bundle(kb, ids, out, Caption(**caption), full_text, title,
                                   descriptions, translations)
    except ValidationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except CckbError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for ex in bundle.exhibits:
        typer.echo(f"Exhibit {ex.tab}  pp. {ex.page_range:<8} {ex.document.publisher}: "
                   f"{ex.description}" + _translation_note(ex))
    typer.echo("wrote " + ", ".join(str(p) for p in out.written))
    return 0


def _translation_note(ex: object) -> str:
    if not getattr(ex, "needs_translation", False):
        return ""
    lang = getattr(ex, "language_name", "")
    if getattr(ex, "translation", None):
        return f"  [{lang}: translation {ex.translation.source_name} attached]"  # type: ignore[attr-defined]
    return f"  [{lang}: NO translation attached; certified translation needed before filing]"


def verify_bundle_file(bundle: Path) -> int:
    """Re-check a bundle's exhibits against the archive; exit code 1 on any problem."""
    from core.settings import load_settings
    from exhibits.verify import verify_bundle
    from ingest.archive import Archive

    if not bundle.exists():
        print(f"error: no such file: {bundle}", file=sys.stderr)
        return USAGE_ERROR
    problems = verify_bundle(bundle, Archive(load_settings().data_path / "archive"))
    for problem in problems:
        typer.secho(f"PROBLEM {problem}", err=True, fg="red")
    typer.echo(f"bundle {bundle.name}: {len(problems)} problem(s)")
    return 1 if problems else 0
