"""The README's main job end to end: the sample mirror crawled through the spiders on 127.0.0.1
-> knowledge base -> UI on 127.0.0.1, then a second run that reuses it; nothing left running."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from core.agreements import load_agreements
from core.settings import load_settings
from ingest.kb import KnowledgeBase
from retrieval.profile import parse_profile
from retrieval.search import EvidenceSearch

ROOT = Path(__file__).resolve().parent.parent
MIRROR = ROOT / "data" / "sample" / "mirror"
ACA = ["BZ", "EC", "GT", "HN", "PY", "UG", "SV"]
# A sample client: a gay Venezuelan man threatened by colectivos, facing transfer to an ACA country.
PROFILE = {"nationality": "VE", "third_countries": ACA, "sex": "male",
           "sexual_orientation": "gay", "persecutor_at_home": "colectivos",
           "narrative": "Colectivos beat me for being gay. I fear gangs, police abuse and being "
                        "sent back without a fair asylum procedure."}
TOTAL = re.compile(r"sample: (\d+) page\(s\) -> (\d+) crawled \+ (\d+) imported = (\d+) document")
SOURCE_LINE = re.compile(r"^(\w+): (\d+) requests, (\d+) items, (\d+) ingested, (\d+) failures",
                         re.M)
MIRROR_LINE = re.compile(r"crawling the sample mirror on (.+)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_demo(data_dir: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, CCKB_DATA_DIR=str(data_dir))
    return subprocess.Popen([sys.executable, "-m", "cckb.main", "demo", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)


def _wait_healthy(proc: subprocess.Popen, port: int, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/_stcore/health"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError("demo exited early:\n" + proc.communicate()[0][-6000:])
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"UI not healthy on {url}")


def _stop(proc: subprocess.Popen) -> str:
    os.killpg(proc.pid, signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    return out


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, CCKB_DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, "-m", "cckb.main", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _refused(url: str) -> bool:
    host, port = url.split("//", 1)[1].rstrip("/").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError:
        return True
    return False


def _totals(out: str) -> tuple[int, int, int, int]:
    found = TOTAL.search(out)
    assert found, out[-6000:]
    pages, crawled, imported, docs = map(int, found.groups())
    return pages, crawled, imported, docs


def test_demo_crawls_the_sample_serves_the_ui_and_reuses_it(tmp_path):
    data_dir, port = tmp_path / "kb", _free_port()
    sidecars = len(list(MIRROR.rglob("*.json")))
    proc = _start_demo(data_dir, port)
    try:
        _wait_healthy(proc, port)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as resp:
            assert resp.status == 200
        stats = json.loads(_cli(data_dir, "stats", "--json").stdout)  # attaches to the graph
    finally:
        first = _stop(proc)
    assert f"cckb UI at http://127.0.0.1:{port}" in first
    pages, crawled, imported, docs = _totals(first)
    # every page of the mirror became a document, most of them through the spiders
    assert pages == sidecars and docs == pages, first[-6000:]
    assert crawled > imported, first[-6000:]
    assert stats["nodes"]["Document"] == pages
    assert stats["nodes"]["Passage"] >= pages and stats["nodes"]["RiskFactor"] > 0
    # the agreements registry is in the graph, linked to its receiving countries
    n_agreements = len(load_agreements().agreements)
    assert stats["nodes"]["Agreement"] == n_agreements >= 10
    assert stats["relationships"]["WITH"] == n_agreements
    assert stats["relationships"].get("EXCLUDES", 0) > 0
    assert f"agreements: insert {n_agreements}  update 0  noop 0" in first, first[-6000:]
    sources = SOURCE_LINE.findall(first)
    assert sources and "usdos_crhrp" in {s[0] for s in sources}, first[-6000:]
    assert all(s[4] == "0" for s in sources), first[-6000:]  # 0 crawl errors, every source
    assert "FAILED" not in first, first[-6000:]
    assert sum(int(s[3]) for s in sources) == crawled
    report = json.loads((data_dir / "runs" / "last.json").read_text())
    assert report["ok"] is True
    mirrors = MIRROR_LINE.search(first)
    assert mirrors, first[-6000:]

    # second run: the knowledge base already holds every page (same sha256): no crawl
    proc = _start_demo(data_dir, port)
    try:
        _wait_healthy(proc, port)
        again = json.loads(_cli(data_dir, "stats", "--json").stdout)
    finally:
        second = _stop(proc)
    assert (f"sample: all {pages} page(s) of {MIRROR} are in the knowledge base with the same "
            "sha256: crawl skipped") in second, second[-6000:]
    assert "crawling the sample mirror" not in second
    assert f"agreements: insert 0  update 0  noop {n_agreements}  delete 0" in second
    assert again["nodes"] == stats["nodes"]
    assert f"cckb UI at http://127.0.0.1:{port}" in second

    # nothing left running: the loopback mirrors are closed, the UI is gone, and the embedded
    # graph server stopped with its last client
    for url in mirrors.group(1).split(", "):
        assert _refused(url), url
    assert _refused(f"http://127.0.0.1:{port}/")
    assert _cli(data_dir, "db", "status").returncode == 3
    assert not list((data_dir / "graph").glob("*.sock"))

    # a sample client finds evidence about every ACA country in what the demo built
    with KnowledgeBase.open(load_settings({"CCKB_DATA_DIR": str(data_dir)})) as kb:
        result = EvidenceSearch.from_kb(kb).for_profile(parse_profile(PROFILE))
    evidence = {c["country"]: c["evidence"] for c in result["countries"]}
    assert sorted(evidence) == sorted(ACA)
    missing = [c for c in ACA if not evidence[c]]
    assert missing == [], f"no evidence for {missing}"
    assert _cli(data_dir, "db", "status").returncode == 3  # the search's server stopped too
