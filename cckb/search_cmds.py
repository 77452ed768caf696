"""`cckb search`: argument checks, the search itself and its rendering.

Errors are reported with exit code 2 and a message that names the field, never its value;
the profile is read into memory and nothing derived from it is logged or written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from core.errors import CckbError, ValidationError

USAGE_ERROR = 2


def run_search(profile_path: Path | None, countries: list[str], top: int, as_json: bool,
               risks: list[str], text: str, nationality: str | None) -> int:
    """Run one search and print it; returns the process exit code."""
    from ingest.kb import KnowledgeBase
    from retrieval.profile import load_profile
    from retrieval.search import EvidenceSearch

    try:
        if profile_path is not None:
            if risks or text or nationality:
                raise ValidationError("--risk, --text and --nationality are for researcher "
                                      "mode; with --profile they come from the profile")
            profile = load_profile(profile_path)
        elif not risks and not text:
            raise ValidationError("give --profile FILE, or --country with --risk/--text")
        with KnowledgeBase.open() as kb:
            searcher = EvidenceSearch.from_kb(kb)
            if profile_path is not None:
                result = searcher.for_profile(profile, countries or None, top)
            else:
                result = searcher.for_research(countries, risks, text, nationality, top)
    except ValidationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except CckbError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    else:
        render(result)
    return 0


def render(result: dict[str, Any]) -> None:
    """A readable table per country: rank, score, source, elements and the passage."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()  # crawled text is escaped: "[...]" in a page is text, not markup
    for block in result["countries"]:
        app = block["applicability"]
        covered = f", covered: {app['covered']}" if "covered" in app else ""
        console.print(f"\n[bold]{block['country']}[/bold]  agreement: "
                      f"{escape(str(app.get('agreement') or ''))} {app['status']}{covered}")
        console.print(f"[dim]{escape(app.get('reason', ''))}[/dim]")
        gaps = ", ".join(f"{g['element']} ({g['strength']})" for g in block["gaps"])
        console.print(f"gaps: {gaps or 'none'}")
        for fact in block.get("fact_gaps") or []:  # the client's own facts, one by one
            console.print(f"  fact [{escape(fact['status'])}]: {escape(fact['message'])}")
        for gap in block["gaps"]:
            if gap.get("standard"):  # what the missing evidence would have to show
                law = "; ".join(x["label"] for x in gap["standard"]["law"])
                console.print(f"[dim]  {escape(gap['element'])}: "
                              f"{escape(gap['standard']['text'])} ({escape(law)})[/dim]")
        table = Table(show_lines=True)
        for col in ("#", "score", "source", "elements", "passage / why"):
            table.add_column(col, overflow="fold")
        for i, ev in enumerate(block["evidence"], start=1):
            source = f"{ev['publisher']}\n{ev['published'] or 'n.d.'}" + \
                (" (stale)" if ev.get("stale") else "") + f"\n{ev['document_url']}"
            text = ev["text"] if len(ev["text"]) < 600 else ev["text"][:600] + "..."
            table.add_row(str(i), f"{ev['score']:.3f}", escape(source),
                          ", ".join(ev["elements"]),
                          f"{escape(text)}\n[dim]{escape(ev['why'])}[/dim]")
        console.print(table)
        for stat in block.get("statistics", []):
            console.print(escape(stat["summary"]))
