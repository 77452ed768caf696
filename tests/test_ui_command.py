"""`cckb ui` argument checks that need no running server."""

from __future__ import annotations

from typer.testing import CliRunner

from cckb.main import app


def test_ui_host_must_be_an_ip_address() -> None:
    result = CliRunner().invoke(app, ["ui", "--host", "example.org; rm -rf /"])
    assert result.exit_code == 2
    assert "--host must be an IP address" in result.output
