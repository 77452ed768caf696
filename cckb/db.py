"""`cckb db start|stop|status`: the embedded graph server's life cycle."""

from __future__ import annotations

import json

import typer

from core.settings import load_settings

app = typer.Typer(help="Manage the embedded graph server.", no_args_is_help=True)


def _server():
    from graph.server import EmbeddedServer

    settings = load_settings()
    if settings.graph != "embedded":
        typer.secho("CCKB_GRAPH is not 'embedded': the Neo4j server is managed by its own tools",
                    err=True)
        raise typer.Exit(2)
    return EmbeddedServer(settings.data_path / "graph")


@app.command()
def start() -> None:
    """Start the server and keep it running after this command (until `cckb db stop`)."""
    server = _server()
    socket = server.acquire(persistent=True)
    server.release()
    typer.echo(f"running: pid {server.pid()} on unix socket {socket}")


@app.command()
def stop() -> None:
    """Stop the server, whoever is using it."""
    stopped = _server().stop()
    typer.echo("stopped" if stopped else "not running")


@app.command()
def status(as_json: bool = typer.Option(False, "--json")) -> None:
    """Whether the server runs, its pid, socket and attached processes."""
    st = _server().status()
    if as_json:
        typer.echo(json.dumps(st))
    else:
        typer.echo("\n".join(f"{k}: {v}" for k, v in st.items()))
    raise typer.Exit(0 if st["running"] else 3)
