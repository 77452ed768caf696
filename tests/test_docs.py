"""The README documents every setting and every command (docs that tests keep honest)."""

from __future__ import annotations

from pathlib import Path

import typer.main

from cckb.main import app
from core.settings import SETTINGS

README = (Path(__file__).parent.parent / "README.md").read_text()


def _commands(group, prefix: str = "cckb") -> list[str]:
    out = []
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):  # a group (typer vendors its own click)
            out += _commands(cmd, f"{prefix} {name}")
        else:
            out.append(f"{prefix} {name}")
    return out


def test_every_setting_is_in_the_readme():
    missing = [s.env for s in SETTINGS if f"`{s.env}`" not in README]
    assert not missing


def test_every_command_is_in_the_readme():
    commands = _commands(typer.main.get_command(app))
    assert "cckb db start" in commands
    missing = [c for c in commands if f"`{c}" not in README]
    assert not missing


def test_readme_opens_with_the_two_commands():
    blocks = README.split("```sh\n")
    assert blocks[1].startswith("make demo\n") and blocks[2].startswith("make test\n")
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text()
    assert "make test" in ci
