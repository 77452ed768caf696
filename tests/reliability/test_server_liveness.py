"""A busy (here: stopped) embedded server is waited for, never killed by a process attaching
meanwhile; nothing written before is lost (issue 19, item 3)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis

from graph.server import EmbeddedServer, pid_alive

REPO = Path(__file__).resolve().parents[2]
ATTACH = (
    "import sys; from graph.server import EmbeddedServer; s = EmbeddedServer(sys.argv[1]); "
    "s.acquire(); print(s.pid(), flush=True); s.release()"
)


def test_a_stopped_server_survives_a_second_client_attaching(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path / "graph")
    sock = server.acquire()
    pid = server.pid()
    assert pid
    client = redis.Redis(unix_socket_path=str(sock))
    for i in range(25):
        client.execute_command("GRAPH.QUERY", "g", f"CYPHER i={i} CREATE (:N {{i: $i}})")
    attacher = None
    try:
        os.kill(pid, signal.SIGSTOP)
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        attacher = subprocess.Popen([sys.executable, "-c", ATTACH, str(server.paths.root)],
                                    cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
        time.sleep(6)  # longer than the 2 s ping timeout: the attacher sees timeouts meanwhile
        assert attacher.poll() is None, "the attacher gave up on or replaced a busy server"
        assert pid_alive(pid)
        os.kill(pid, signal.SIGCONT)
        out, _ = attacher.communicate(timeout=120)
        assert attacher.returncode == 0
        assert int(out.strip()) == pid
        assert server.pid() == pid
        rows = client.execute_command("GRAPH.QUERY", "g", "MATCH (n:N) RETURN count(n)")
        assert rows[1][0][0] == 25
    finally:
        if pid_alive(pid):
            os.kill(pid, signal.SIGCONT)
        if attacher is not None and attacher.poll() is None:
            attacher.kill()
            attacher.wait()
        client.close()
        server.release()
    assert not pid_alive(pid) or server.pid() is None


def test_a_server_whose_pid_is_gone_is_replaced(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path / "graph")
    server.acquire()
    first = server.pid()
    assert first
    os.kill(first, signal.SIGKILL)
    for _ in range(200):
        if not pid_alive(first):
            break
        time.sleep(0.05)
    try:
        server.acquire()
        second = server.pid()
        assert second and second != first and server.ping()
    finally:
        server.release()
