"""`cckb init` and `cckb rebuild` load the agreements registry into the real embedded graph, so
`cckb stats` shows the agreements and their links outside the tests' own loader calls."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from core.agreements import load_agreements
from tests.ingest.test_import import jsonl_line

ROOT = Path(__file__).resolve().parents[1]
STATE_URL = ("https://www.state.gov/suspending-and-terminating-the-asylum-cooperative-agreements-"
             "with-the-governments-el-salvador-guatemala-and-honduras/")


def cckb(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, CCKB_DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, "-m", "cckb.main", *args], capture_output=True,
                          text=True, env=env, timeout=300, cwd=ROOT)


def _stats(data_dir: Path) -> dict:
    out = cckb("stats", "--json", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_init_and_rebuild_load_the_registry(tmp_path: Path):
    data_dir = tmp_path / "kb"
    registry = load_agreements()
    n = len(registry.agreements)
    excludes = sum(len({c for e in a.nationalities_excluded for c in e.iso2})
                   for a in registry.agreements)

    first = cckb("init", data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    assert f"agreements: insert {n}  update 0  noop 0" in first.stdout
    stats = _stats(data_dir)
    assert stats["nodes"]["Agreement"] == n
    assert stats["relationships"]["WITH"] == n
    assert stats["relationships"]["EXCLUDES"] == excludes > 0

    again = cckb("init", data_dir=data_dir)
    assert again.returncode == 0, again.stderr
    assert f"agreements: insert 0  update 0  noop {n}  delete 0" in again.stdout

    # a cited page in the knowledge base: rebuild (which empties the graph first) restores the
    # agreements and links them to it
    src = tmp_path / "state.jsonl"
    src.write_text(jsonl_line(url=STATE_URL, countries=["SV", "GT", "HN"]) + "\n")
    imported = cckb("import", str(src), data_dir=data_dir)
    assert imported.returncode == 0, imported.stderr
    rebuilt = cckb("rebuild", data_dir=data_dir)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert f"agreements: insert {n}  update 0  noop 0" in rebuilt.stdout
    cites = sum(STATE_URL in _citations for _citations in
                (json.dumps(a.model_dump(mode="json")) for a in registry.agreements))
    assert f"CITES links added {cites})" in rebuilt.stdout and cites >= 3
    stats = _stats(data_dir)
    assert stats["nodes"]["Agreement"] == n and stats["nodes"]["Document"] == 1
    assert stats["relationships"]["CITES"] == cites
