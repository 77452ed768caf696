"""Sources off by default say why (ReliefWeb: its API host's robots.txt is `Disallow: /`), and
an API host whose robots.txt disallows everything is reported by name, not as an empty source."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from crawl_helpers import ROOT, by_source, run_crawl

from crawlers.mirror import MirrorServer
from crawlers.report import CrawlSummary, SourceReport
from crawlers.source_config import load_source

REPORTS = {"data": [], "links": {}, "totalCount": 0, "count": 0}


def test_reliefweb_is_off_by_default_and_cckb_crawl_says_why(tmp_path: Path) -> None:
    assert "Disallow: /" in (load_source("reliefweb").disabled or "")
    with MirrorServer([]) as server:
        env = {**os.environ, "CCKB_SOURCE_BASE_URL": server.base_url,
               "CCKB_DATA_DIR": str(tmp_path), "CCKB_RELIEFWEB_APPNAME": "cckb-test"}
        proc = subprocess.run([sys.executable, "-m", "cckb.main", "crawl", "--source",
                               "reliefweb"], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=300)
        hits = dict(server.hits)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.startswith("reliefweb: disabled by default, not crawled: ")
    assert "Disallow: /" in proc.stdout and "enable with --enable reliefweb" in proc.stdout
    assert hits == {}  # not one request
    saved = json.loads((tmp_path / "runs" / "last.json").read_text())
    assert saved["ok"] and "robots.txt" in saved["sources"][0]["disabled"]


def test_an_api_host_that_disallows_everything_is_reported(tmp_path: Path) -> None:
    route = {"/v2/reports": lambda h: h.send_bytes(json.dumps(REPORTS).encode(),
                                                   "application/json")}
    with MirrorServer([], robots="User-agent: *\nDisallow: /\n", routes=route) as server:
        rc, summary, log = run_crawl(server.base_url, tmp_path,
                                     ["--source", "reliefweb", "--enable", "reliefweb",
                                      "--country", "HN"],
                                     env={"CCKB_RELIEFWEB_APPNAME": "cckb-test"})
        hits = dict(server.hits)
    assert "Traceback" not in log, log[-4000:]
    report = by_source(summary)["reliefweb"]
    assert rc == 1 and report["disabled"] is None and report["dropped_robots"] == 1
    reasons = {f["url"]: f["reason"] for f in report["failures"]}
    assert "robots.txt disallows every path" in reasons["https://api.reliefweb.int/robots.txt"]
    assert set(hits) == {"/robots.txt"}


def test_disabled_sources_are_not_failures() -> None:
    summary = CrawlSummary({"reliefweb": SourceReport("reliefweb", disabled="robots.txt")})
    assert summary.ok
    assert summary.lines() == ["reliefweb: disabled by default, not crawled: robots.txt "
                               "(enable with --enable reliefweb)"]
