"""The embedded graph server listens on its Unix socket only, and no command leaks a secret.

Why: the knowledge base is used next to confidential client profiles; a TCP listener (even on
loopback) is reachable by every local user, and a password echoed by `stats` or `db status` (or
written into a log under the data dir) would end up in screenshots and backups.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core.settings import load_settings
from graph.server import EmbeddedServer
from ingest.kb import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]
CANARY = "s3cr3t-canary"


def _listening_tcp_inodes() -> set[str]:
    """Socket inodes in state LISTEN (0A) from /proc/net/tcp and tcp6."""
    inodes = set()
    for name in ("tcp", "tcp6"):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            cols = line.split()
            if len(cols) > 9 and cols[3] == "0A":
                inodes.add(cols[9])
    return inodes


def test_server_has_no_tcp_listener(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(load_settings({"CCKB_DATA_DIR": str(tmp_path / "kb")}))
    try:
        pid = EmbeddedServer(tmp_path / "kb" / "graph").pid()
        assert pid
        sockets = set()
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = os.readlink(fd)
            if target.startswith("socket:["):
                sockets.add(target[len("socket:["):-1])
        assert sockets, "the server holds no socket at all?"
        assert not sockets & _listening_tcp_inodes(), "graph server listens on TCP"
        unix = Path("/proc/net/unix").read_text()
        assert any(f" {inode} " in f"{line} " and "graph.sock" in line
                   for line in unix.splitlines() for inode in sockets)
    finally:
        kb.close()
        EmbeddedServer(tmp_path / "kb" / "graph").stop()


def test_commands_never_print_or_write_the_password(tmp_path: Path) -> None:
    data = tmp_path / "kb"
    env = {**os.environ, "NEO4J_PASSWORD": CANARY, "CCKB_DATA_DIR": str(data),
           "PYTHONPATH": str(ROOT)}
    try:
        for args in (["stats"], ["stats", "--json"], ["db", "status"]):
            run = subprocess.run([sys.executable, "-m", "cckb.main", *args], cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=120)
            assert CANARY not in run.stdout + run.stderr, args
        for path in data.rglob("*"):
            if path.is_file() and not path.is_socket():
                assert CANARY.encode() not in path.read_bytes(), path
    finally:
        EmbeddedServer(data / "graph").stop()
