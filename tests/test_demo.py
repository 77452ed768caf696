"""The README's main job end to end: sample -> knowledge base -> UI on 127.0.0.1, then reuse."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_demo(data_dir: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, CCKB_DATA_DIR=str(data_dir))
    return subprocess.Popen([sys.executable, "-m", "cckb.main", "demo", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)


def _wait_healthy(proc: subprocess.Popen, port: int, timeout: float = 300) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/_stcore/health"
    while time.monotonic() < deadline:
        assert proc.poll() is None, "demo exited early:\n" + "".join(lines)
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return lines
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"UI not healthy on {url}")


def _stop(proc: subprocess.Popen) -> str:
    os.killpg(proc.pid, signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    return out


def _stats(data_dir: Path) -> dict:
    env = dict(os.environ, CCKB_DATA_DIR=str(data_dir))
    out = subprocess.run([sys.executable, "-m", "cckb.main", "stats", "--json"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    return json.loads(out.stdout)


def test_demo_builds_the_sample_kb_serves_the_ui_and_reuses_it(tmp_path):
    data_dir, port = tmp_path / "kb", _free_port()
    proc = _start_demo(data_dir, port)
    try:
        _wait_healthy(proc, port)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as resp:
            assert resp.status == 200
        stats = _stats(data_dir)  # a second process attaches to the running graph
        assert stats["nodes"]["Document"] >= 15 and stats["nodes"]["Passage"] >= 60
        assert stats["nodes"]["RiskFactor"] > 0
    finally:
        first = _stop(proc)
    assert "sample: 17 document(s) processed, 0 failed" in first
    assert f"cckb UI at http://127.0.0.1:{port}" in first
    proc = _start_demo(data_dir, port)
    try:
        _wait_healthy(proc, port)
    finally:
        second = _stop(proc)
    assert "Document   insert      0  update      0  noop     17" in second
