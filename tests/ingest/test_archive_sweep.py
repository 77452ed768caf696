"""A writer killed mid-write leaves a temporary file; the next writer deletes it, never a live
writer's file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from ingest.archive import UNOWNED_TMP_SECONDS, Archive


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_sweep_deletes_only_what_killed_writers_left(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    digest, blob = archive.put_blob(b"the report")
    archive.put_record("doc-1", {"sha256": digest, "url": "https://example.org/r"})
    assert archive.verify() == []
    killed = blob.parent / f".tmp-{_dead_pid()}-abc123"
    killed.write_bytes(b"the rep")  # torn: the writer died mid-write
    live = blob.parent / f".tmp-{os.getpid()}-def456"
    live.write_bytes(b"being written")
    old_style, fresh_style = blob.parent / ".tmp-old999", blob.parent / ".tmp-new999"
    old_style.write_bytes(b"x")
    fresh_style.write_bytes(b"y")
    past = time.time() - UNOWNED_TMP_SECONDS - 60
    os.utime(old_style, (past, past))
    record_tmp = archive.record_path("doc-1").parent / f".tmp-{_dead_pid()}-rec"
    record_tmp.write_text("{")
    assert len(archive.verify()) == 5  # every leftover is reported until swept

    assert sorted(archive.sweep()) == sorted([killed, old_style, record_tmp])
    assert live.exists() and fresh_style.exists() and blob.exists()
    live.unlink()
    fresh_style.unlink()
    assert archive.verify() == []
    assert archive.sweep() == []
