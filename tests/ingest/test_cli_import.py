"""`cckb import` as a user runs it: summary, failures by file and line, exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.ingest.test_import import jsonl_line


def cckb(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, CCKB_DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, "-m", "cckb.main", *args], capture_output=True,
                          text=True, env=env, timeout=300, cwd=Path(__file__).parents[2])


def test_cli_import_reports_failures_and_exits_nonzero(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl_line() + "\n{\"url\": 1\n")
    first = cckb("import", str(src), data_dir=tmp_path / "kb")
    assert first.returncode == 1, first.stderr
    assert "import: 1 document(s) processed, 1 failed" in first.stdout
    assert f"FAILED {src}:2: invalid JSON" in first.stderr
    src.write_text(jsonl_line() + "\n")
    again = cckb("import", str(src), data_dir=tmp_path / "kb")
    assert again.returncode == 0, again.stderr
    assert "Document   insert      0  update      0  noop      1" in again.stdout
    stats = json.loads(cckb("stats", "--json", data_dir=tmp_path / "kb").stdout)
    assert stats["nodes"]["Document"] == 1 and stats["nodes"]["Passage"] >= 2
    verify = cckb("verify", "--archive", data_dir=tmp_path / "kb")
    assert verify.returncode == 0 and "archive: 0 problem(s)" in verify.stdout
