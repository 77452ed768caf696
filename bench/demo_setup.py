"""Set-up time of the main job: `cckb demo` from start to "UI ready" (health endpoint answers),
on a fresh data directory, again on the knowledge base it built (crawl skipped) and with
`--recrawl` (every document a noop), next to `cckb import` of the same sample pages into a fresh
directory (the importer path the demo used before the spiders).

    python bench/demo_setup.py            # prints seconds and ratios measured in this run

Package installation is not measured (the venv must exist). Load matters on a shared machine:
the 1-minute load average is printed before each measurement.
"""

from __future__ import annotations

import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIRROR = ROOT / "data" / "sample" / "mirror"
BUILD = re.compile(r"sample: (\d+) page\(s\) -> (\d+) crawled \+ (\d+) imported = (\d+) "
                   r"document\(s\) in ([\d.]+) s")


def _load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def demo_until_ready(data_dir: Path, *args: str, timeout: float = 1800
                     ) -> tuple[float, float, str]:
    """Wall seconds from `cckb demo` start to a healthy UI, CPU seconds of the demo and its UI
    process until stopped (load-independent), and the demo's output."""
    cpu = _cpu()
    port = _port()
    env = dict(os.environ, CCKB_DATA_DIR=str(data_dir))
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "cckb.main", "demo", "--port", str(port), *args],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        while time.monotonic() - started < timeout:
            if proc.poll() is not None:
                raise SystemExit("demo exited early:\n" + proc.communicate()[0][-4000:])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                            timeout=2) as resp:
                    if resp.read().strip() == b"ok":
                        break
            except OSError:
                time.sleep(0.25)
        else:
            raise SystemExit("UI never became ready")
        ready = time.monotonic() - started
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        out = proc.communicate(timeout=60)[0]
    return ready, _cpu() - cpu, out


def import_time(data_dir: Path) -> float:
    env = dict(os.environ, CCKB_DATA_DIR=str(data_dir))
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "cckb.main", "import", str(MIRROR)], cwd=ROOT,
                   env=env, check=True, capture_output=True, text=True)
    return time.monotonic() - started


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cckb-bench-demo-") as tmp:
        print(f"fresh data dir ({_load()})")
        first, cpu1, out = demo_until_ready(Path(tmp) / "kb")
        build = BUILD.search(out)
        if not build:
            raise SystemExit("no build line in the demo output:\n" + out[-4000:])
        pages, crawled, imported, docs, seconds = build.groups()
        print(f"  cckb demo -> UI ready: {first:7.1f} s, {cpu1:6.1f} CPU s  ({pages} pages: "
              f"{crawled} crawled through the spiders + {imported} imported; build step "
              f"{float(seconds):.1f} s)")
        print(f"second run, same data dir ({_load()})")
        second, cpu2, out = demo_until_ready(Path(tmp) / "kb")
        print(f"  cckb demo -> UI ready: {second:7.1f} s, {cpu2:6.1f} CPU s  (knowledge base "
              "unchanged: crawl skipped)")
        print(f"third run, --recrawl ({_load()})")
        third, cpu3, _ = demo_until_ready(Path(tmp) / "kb", "--recrawl")
        print(f"  cckb demo --recrawl -> UI ready: {third:7.1f} s, {cpu3:6.1f} CPU s  (every "
              "document a noop)")
        print(f"importer, same pages, fresh data dir ({_load()})")
        cpu = _cpu()
        imp = import_time(Path(tmp) / "kb-import")
        print(f"  cckb import data/sample/mirror: {imp:7.1f} s, {_cpu() - cpu:6.1f} CPU s")
        print(f"ratios: second/first run {second / first:.2f}, --recrawl/first run "
              f"{third / first:.2f}; demo build step (spiders) / "
              f"importer {float(seconds) / imp:.2f}")


if __name__ == "__main__":
    main()
