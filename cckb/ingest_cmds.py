"""`cckb import`, `cckb rebuild`, `cckb verify --archive`: thin wrappers over ingest/."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from core.errors import CckbError
from ingest.kb import KnowledgeBase
from ingest.pipeline import IngestReport


def _progress_callback(progress: Progress | None):
    if progress is None:
        return None
    task = progress.add_task("importing", total=None)
    return lambda where: progress.update(task, advance=1, description=Path(where).name[:40])


def run_ingest(items_factory, label: str) -> IngestReport:
    """Ingest with a progress bar on a terminal; prints the summary and failures."""
    with KnowledgeBase.open() as kb:
        kb.init()
        show = sys.stderr.isatty()
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      disable=not show, transient=True) as progress:
            report = kb.ingestor.ingest(items_factory(kb),
                                        progress=_progress_callback(progress if show else None))
    print_report(report, label)
    return report


def print_report(report: IngestReport, label: str) -> None:
    typer.echo(f"{label}: {report.documents} document(s) processed, "
               f"{len(report.failures)} failed")
    for node_type, c in report.counts.as_dict().items():
        typer.echo(f"  {node_type:<10} insert {c['insert']:>6}  update {c['update']:>6}  "
                   f"noop {c['noop']:>6}  delete {c['delete']:>6}")
    for f in report.failures:
        typer.secho(f"FAILED {f.where}: {f.reason}", err=True, fg="red")


def import_paths(paths: list[Path], country: list[str], publisher: str | None,
                 source_id: str) -> None:
    from ingest.files import iter_items

    defaults: dict = {"source_id": source_id}
    if country:
        defaults["countries"] = [c.upper() for c in country]
    if publisher:
        defaults["publisher"] = publisher
    try:
        report = run_ingest(lambda kb: iter_items(paths, defaults, kb.ingestor.max_bytes),
                            "import")
    except CckbError as exc:
        typer.secho(f"error: {exc}", err=True, fg="red")
        raise typer.Exit(1) from None
    raise typer.Exit(0 if report.ok else 1)


def load_registry(kb: KnowledgeBase | None = None) -> None:
    """Load data/agreements.yaml into the graph (idempotent) and print the counts; run after
    documents are in, so agreements link to the cited pages the knowledge base holds."""
    from graph.agreements import load_agreements_graph

    if kb is None:
        with KnowledgeBase.open() as opened:
            counts = load_agreements_graph(opened.store)
    else:
        counts = load_agreements_graph(kb.store)
    c = counts.as_dict()
    agreements = c.get("Agreement", {})
    typer.echo("agreements: " + "  ".join(f"{op} {n}" for op, n in agreements.items())
               + f"  (CITES links added {c.get('CITES', {}).get('insert', 0)})")


def rebuild() -> None:
    from graph.queries import delete_all
    from ingest.rebuild import archived_items

    with KnowledgeBase.open() as kb:
        kb.store.execute(delete_all())
    report = run_ingest(lambda kb: archived_items(kb.archive), "rebuild")
    load_registry()
    raise typer.Exit(0 if report.ok else 1)


def verify_archive() -> None:
    with KnowledgeBase.open() as kb:
        problems = kb.archive.verify()
    for p in problems:
        typer.secho(f"PROBLEM {p.path}: {p.reason}", err=True, fg="red")
    typer.echo(f"archive: {len(problems)} problem(s)")
    raise typer.Exit(1 if problems else 0)


def save_crawl_report(summary) -> None:  # noqa: ANN001 - crawlers.report.CrawlSummary
    """The last crawl's summary, read by the UI's Sources page."""
    from core.settings import load_settings

    runs = load_settings().data_path / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    (runs / "last.json").write_text(json.dumps(summary.as_dict(), indent=1))
