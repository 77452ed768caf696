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
def crawl(
    source: Annotated[list[str] | None, typer.Option(
        "--source", help="Source id(s) from crawlers/sources (default: all).")] = None,
    country: Annotated[list[str] | None, typer.Option(
        "--country", help="ISO2 code(s) (default: CCKB_COUNTRIES).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    seeds: Annotated[Path | None, typer.Option(
        "--seeds", help="File of seed URLs (one per line, or JSON lines with url, source, "
                        "country, edition_note): fetched and parsed by their source's spider.")
    ] = None,
    with_generated: Annotated[bool, typer.Option(
        "--with-generated", help="With --seeds: also crawl the URLs the spiders generate.")
    ] = False,
    enable: Annotated[list[str] | None, typer.Option(
        "--enable", help="Crawl a source that is off by default (e.g. reliefweb; the "
                         "output says why it is off).")] = None,
    check: Annotated[bool, typer.Option(
        "--check", help="No crawl: one request path per source (robots.txt, a listing, one "
                        "document); says reachable, blocked, robots-disallowed, extraction "
                        "failed or unreachable, with the reason. Nothing is stored.")] = False,
) -> None:
    """Run the Scrapy spiders; each document goes through the same ingest path as `import`."""
    from crawlers.run import crawl as run_crawl
    from crawlers.run import read_seeds

    if check:
        from crawlers.check import check as run_check

        if seeds:
            fail("--check takes no --seeds: it follows each source's own first listing and "
                 "document", code=2)
        try:
            result = run_check(source or None, [c.upper() for c in country] if country else None,
                               enable=enable)
        except CckbError as exc:
            fail(str(exc), code=2)
        typer.echo(json.dumps(result.as_dict(), indent=1) if as_json
                   else "\n".join(result.lines()))
        raise typer.Exit(0 if result.ok else 1)
    try:
        seed_list = read_seeds(seeds) if seeds else None
        summary = run_crawl(source or None, [c.upper() for c in country] if country else None,
                            seeds=seed_list, seeds_only=not with_generated, enable=enable)
    except CckbError as exc:
        fail(str(exc), code=2)
    from cckb.ingest_cmds import save_crawl_report

    save_crawl_report(summary)
    typer.echo(json.dumps(summary.as_dict(), indent=1) if as_json
               else "\n".join(summary.lines()))
    raise typer.Exit(0 if summary.ok else 1)


@app.command()
def rebuild() -> None:
    """Rebuild the graph from the raw archive alone (and the agreements registry)."""
    from cckb.ingest_cmds import rebuild as run

    run()


@app.command()
def verify(
    bundle: Annotated[Path | None, typer.Argument(
        help="Exhibit bundle PDF to re-check against the archive.")] = None,
    archive: Annotated[bool, typer.Option(
        "--archive", help="Check every archived copy against its hash.")] = False,
) -> None:
    """Verify an exhibit bundle (BUNDLE) and/or the archive (`--archive`)."""
    from cckb.ingest_cmds import verify_archive

    if not archive and bundle is None:
        fail("nothing to verify: give a BUNDLE path or --archive")
    code = 0
    if bundle is not None:
        from cckb.export_cmds import verify_bundle_file

        code = verify_bundle_file(bundle)
    if archive:
        try:
            verify_archive()
        except typer.Exit as done:
            code = max(code, done.exit_code)
    raise typer.Exit(code)


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="Bundle PDF to write.")],
    passages: Annotated[str | None, typer.Option(
        help="Passage ids, comma separated (from `cckb search`).")] = None,
    from_search: Annotated[Path | None, typer.Option(
        help="A saved `cckb search --json` result.")] = None,
    profile: Annotated[Path | None, typer.Option(
        help="Client profile JSON: search, then export the top evidence.")] = None,
    country: Annotated[list[str] | None, typer.Option(
        "--country", help="With --profile: third country ISO2 code(s).")] = None,
    top: Annotated[int, typer.Option(help="Evidence items per country (search modes).")] = 10,
    docx: Annotated[Path | None, typer.Option(help="Also write a DOCX index and summary.")] = None,
    csv: Annotated[Path | None, typer.Option(help="Also write citations as CSV.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write JSON.")] = None,
    full_text: Annotated[bool, typer.Option(help="Whole documents, not a window.")] = False,
    respondent: Annotated[str, typer.Option(help="Caption: respondent's name.")] = "",
    a_number: Annotated[str, typer.Option(help="Caption: A-number.")] = "",
    court: Annotated[str, typer.Option(help="Caption: immigration court.")] = "",
    title: Annotated[str | None, typer.Option(help="Title of the bundle's cover page.")] = None,
    describe: Annotated[list[str] | None, typer.Option(
        "--describe", help="KEY=TEXT: table-of-contents description of one exhibit; KEY is its "
        "tab letter (A, B, ...), document URL or document id. Repeatable.")] = None,
    translation: Annotated[list[str] | None, typer.Option(
        "--translation", help="EXHIBIT=FILE: the certified English translation (.txt or .pdf) "
        "of a non-English exhibit, placed after it; EXHIBIT as for --describe. Repeatable.")
    ] = None,
) -> None:
    """Court-ready exhibit bundle (PDF) of archived passages, with optional companions."""
    from cckb.export_cmds import run_export

    code = run_export(passages, from_search, profile, country or [], top,
                      {"pdf": out, "docx": docx, "csv": csv, "json": json_out},
                      {"respondent": respondent, "a_number": a_number, "court": court},
                      full_text, title, describe or [], translation or [])
    if code:
        raise typer.Exit(code)


@app.command()
def init() -> None:
    """Create the knowledge base (graph server, constraints and indexes) if it does not exist,
    and load the agreements registry (data/agreements.yaml) into it."""
    from cckb.ingest_cmds import load_registry
    from graph.init import init_kb
    from ingest.kb import KnowledgeBase

    try:
        with KnowledgeBase.open() as kb:
            changed = init_kb(kb.store)
            typer.echo("schema ready" + (" (embedding model changed: re-embedding needed)"
                                         if changed else ""))
            load_registry(kb)
    except CckbError as exc:
        fail(str(exc))


@app.command()
def search(
    profile: Annotated[Path | None, typer.Option(
        help="Client profile JSON (confidential: read into memory only).")] = None,
    country: Annotated[list[str] | None, typer.Option(
        "--country", help="Third country ISO2 code(s); default: the profile's.")] = None,
    top: Annotated[int, typer.Option(help="Evidence items per country.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    risk: Annotated[list[str] | None, typer.Option(
        "--risk", help="Researcher mode: risk factor id(s) from the taxonomy.")] = None,
    text: Annotated[str, typer.Option(help="Researcher mode: free-text question.")] = "",
    nationality: Annotated[str | None, typer.Option(
        help="Researcher mode: nationality (ISO2) of the people concerned.")] = None,
) -> None:
    """Evidence per third country and legal element for a client profile (or a question)."""
    from cckb.search_cmds import run_search

    code = run_search(profile, country or [], top, as_json, risk or [], text, nationality)
    if code:
        raise typer.Exit(code)


@app.command()
def demo(port: Annotated[int, typer.Option(help="UI port on 127.0.0.1.")] = 8501,
         recrawl: Annotated[bool, typer.Option(
             help="Crawl the sample even when the knowledge base already holds it.")] = False,
         ) -> None:
    """The main job: crawl the bundled sample mirror through the spiders, then start the UI."""
    from cckb.demo import build_sample

    if not build_sample(recrawl=recrawl):
        raise typer.Exit(1)
    stats(as_json=False)
    ui(port)


@app.command()
def ui(port: Annotated[int, typer.Option(help="Port to listen on.")] = 8501,
       host: Annotated[str, typer.Option(
           help="Address to listen on. Keep the loopback default unless a proxy or container "
                "port mapping (bound to the host's loopback) sits in front.")] = "127.0.0.1",
       ) -> None:
    """Start the Streamlit UI on 127.0.0.1 (loopback only, no usage statistics)."""
    import ipaddress
    import subprocess
    import sys

    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        typer.secho(f"error: --host must be an IP address, got {host!r}", err=True, fg="red")
        raise typer.Exit(2) from None
    if not loopback:
        typer.secho(f"warning: listening on {host}, not loopback: the UI has no login; anyone "
                    "who can reach this address sees the knowledge base", err=True, fg="yellow")
    app_path = Path(__file__).resolve().parent.parent / "ui" / "app.py"
    typer.echo(f"cckb UI at http://{host}:{port}  (Ctrl+C to stop)")
    try:
        code = subprocess.call([sys.executable, "-m", "streamlit", "run", str(app_path),
                                "--server.address", host, "--server.port", str(port),
                                "--server.headless", "true",
                                "--browser.gatherUsageStats", "false"])
    except KeyboardInterrupt:
        code = 0
    raise typer.Exit(code)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
