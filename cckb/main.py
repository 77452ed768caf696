"""`cckb`: thin commands that parse arguments and call the library."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cckb import db as db_commands
from core.errors import CckbError
from core.settings import load_settings

app = typer.Typer(help="Country-conditions evidence knowledge base.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)
app.add_typer(db_commands.app, name="db")


def fail(message: str, code: int = 1) -> None:
    typer.secho(f"error: {message}", err=True, fg="red")
    raise typer.Exit(code)


@app.command()
def stats(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Counts per node type, the backend and the data directory."""
    from graph import open_store
    from graph.stats import node_counts, relationship_counts

    settings = load_settings()
    try:
        with open_store(settings) as store:
            out = {"backend": store.description, "data_dir": str(settings.data_path),
                   "nodes": node_counts(store), "relationships": relationship_counts(store)}
    except CckbError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(out, indent=2))
        return
    typer.echo(f"backend:  {out['backend']}\ndata dir: {out['data_dir']}")
    for label, n in out["nodes"].items():
        typer.echo(f"  {label:<16}{n:>10}")
    for rel, n in sorted(out["relationships"].items()):
        typer.echo(f"  -[{rel}]-> {n:>10}")


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories "
                                                     "(.jsonl .html .pdf .txt).")],
    country: Annotated[list[str] | None, typer.Option(
        "--country", help="ISO2 code(s) for files without metadata.")] = None,
    publisher: Annotated[str | None, typer.Option(
        help="Publisher for files without metadata.")] = None,
    source: Annotated[str, typer.Option(help="Source id recorded on the documents.")] = "import",
) -> None:
    """Import local files; bad files or lines are reported, the rest continues."""
    from cckb.ingest_cmds import import_paths

    import_paths(paths, country or [], publisher, source)


@app.command()
def rebuild() -> None:
    """Rebuild the graph from the raw archive alone."""
    from cckb.ingest_cmds import rebuild as run

    run()


@app.command()
def verify(archive: Annotated[bool, typer.Option(
        "--archive", help="Check every archived copy against its hash.")] = False) -> None:
    """Verify the archive (`--archive`): missing, corrupt, truncated or orphan copies."""
    from cckb.ingest_cmds import verify_archive

    if not archive:
        fail("nothing to verify: use --archive")
    verify_archive()


@app.command()
def init() -> None:
    """Create the knowledge base (graph server, constraints and indexes) if it does not exist."""
    from graph import open_store
    from graph.init import init_kb

    try:
        with open_store() as store:
            changed = init_kb(store)
    except CckbError as exc:
        fail(str(exc))
    typer.echo("schema ready" + (" (embedding model changed: re-embedding needed)"
                                 if changed else ""))


@app.command()
def demo() -> None:
    """The main job: build the knowledge base from the bundled sample and print its statistics."""
    from cckb.ingest_cmds import import_sample

    if not import_sample():
        raise typer.Exit(1)
    stats(as_json=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
