"""After a full advocate session, the client is nowhere on disk but in the files they exported.

Why: a client profile (narrative, sexual orientation, religion...) is the most sensitive thing
the tool touches; it may live in the browser session only. The session runs as its own process
with a private TMPDIR and HOME (so Streamlit's and the app's temp and config files all land where
the scan can see them), then every file it could have written is scanned for a canary string
placed in the narrative, every profile field and the bundle caption: the data dir (graph append-
only file, archive, logs), TMPDIR, HOME (~/.streamlit, caches), /tmp files created during the run,
and the session's own log output. Compressed files (PDF, DOCX, gzip) are opened before scanning.
The only hits allowed are the exports the advocate explicitly downloaded.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
import zipfile
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def texts(path: Path, data: bytes) -> list[bytes]:
    """The bytes of a file plus what its compressed content decodes to."""
    out = [data]
    try:
        if data.startswith(b"%PDF"):
            out += [(p.extract_text() or "").encode() for p in PdfReader(io.BytesIO(data)).pages]
            out += [str(v).encode() for v in (PdfReader(io.BytesIO(data)).metadata or {}).values()]
        elif data.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                out += [z.read(n) for n in z.namelist()]
        elif data.startswith(b"\x1f\x8b"):
            out.append(gzip.decompress(data))
    except Exception:  # noqa: BLE001 - an unreadable file is scanned as raw bytes only
        pass
    return out


def scan(roots: list[Path], canary: str, since: float = 0.0) -> list[str]:
    """Files under `roots` (modified after `since`) that contain the canary in any form."""
    needles = [canary.lower().encode(), canary.lower().encode("utf-16-le")]
    hits = []
    for root in roots:
        walk = [(str(root.parent), [], [root.name])] if root.is_file() else os.walk(root)
        for dirpath, _, names in walk:
            for name in names:
                path = Path(dirpath) / name
                try:
                    if path.is_symlink() or not path.is_file():
                        continue
                    st = path.stat()
                    if st.st_mtime < since or st.st_size > 50_000_000:
                        continue
                    data = path.read_bytes()
                except OSError:
                    continue
                if any(n in t.lower() for t in texts(path, data) for n in needles):
                    hits.append(str(path))
    return hits


def new_in_tmp(since: float) -> list[Path]:
    """/tmp entries created or changed during the run, and the graph's socket directories
    (the shared machine's /tmp is too big to walk whole; anything written there lands in a new
    or touched top-level entry). The tool runner's own job directories are not ours."""
    out = []
    for entry in Path("/tmp").iterdir():
        try:
            fresh = entry.lstat().st_mtime >= since
        except OSError:
            continue
        if (fresh or entry.name.startswith("cckb-")) and not entry.name.startswith("bash_"):
            out.append(entry)
    return out


def test_full_session_leaves_no_trace_but_the_exports(tmp_path: Path) -> None:
    canary = f"Canary{uuid.uuid4().hex[:12]}"
    out, tmp, home, data = (tmp_path / n for n in ("out", "tmp", "home", "data"))
    for d in (out, tmp, home):
        d.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STREAMLIT_", "CCKB_"))}
    env.update(TMPDIR=str(tmp), HOME=str(home), CCKB_DATA_DIR=str(data), PYTHONPATH=str(ROOT),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_CONFIG_HOME=str(home / ".config"))
    started = time.time() - 1
    proc = subprocess.run([PYTHON, "-m", "tests.reliability.privacy_session", str(out), canary],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["forgotten"]
    assert result["exported"] == ["bundle.csv", "bundle.docx", "bundle.json", "bundle.pdf",
                                  "client-profile.json"]

    # the scan sees the canary where it is: the profile and the caption of the bundle (CSV and
    # JSON list the passages only)
    exports = out / "exports"
    found = {Path(h).name for h in scan([exports], canary)}
    assert {"client-profile.json", "bundle.pdf", "bundle.docx"} <= found, found
    # ...and nowhere else: data dir, private TMPDIR and HOME, /tmp files of this run
    others = scan([data, tmp, home, out], canary)
    others += scan(new_in_tmp(started), canary, since=started)
    assert sorted(set(others) - {str(p) for p in exports.iterdir()}) == []
    # the session's own output (what a log collector would keep)
    assert canary.lower() not in (proc.stdout + proc.stderr).lower()
    # the bundle's rendering directory is gone
    assert not list(tmp.rglob("cckb-bundle-*"))
    # Streamlit sends no usage statistics, and serves loopback only, with the project config
    assert result["gather_usage_stats"] is False
    assert result["server_address"] == "127.0.0.1"


def test_cckb_ui_runs_streamlit_without_usage_statistics(tmp_path: Path) -> None:
    """`cckb ui` started from any directory (no project config there) still turns them off."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env.update(HOME=str(tmp_path), TMPDIR=str(tmp_path), CCKB_DATA_DIR=str(tmp_path / "kb"))
    proc = subprocess.Popen([PYTHON, "-m", "cckb.main", "ui", "--port", str(port)],
                            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                          timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the UI did not come up"
            time.sleep(0.3)
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        argv = [Path(f"/proc/{c}/cmdline").read_bytes().split(b"\0") for c in children]
        streamlit = next(a for a in argv if b"streamlit" in b" ".join(a))
        flags = [a.decode() for a in streamlit]
        assert flags[flags.index("--browser.gatherUsageStats") + 1] == "false"
        assert flags[flags.index("--server.address") + 1] == "127.0.0.1"
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)
