"""Run `python -m crawlers.cli` in a subprocess (Twisted's reactor starts once per process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from core.ids import document_id
from core.settings import load_settings
from graph import open_store
from graph import queries as Q
from graph.stats import node_counts

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "crawlers"
FAST = {"AUTOTHROTTLE_ENABLED": False, "RETRY_BACKOFF_BASE": 0.05, "LOG_LEVEL": "INFO"}


def run_crawl(base_url: str, data_dir: Path, args: list[str], env: dict[str, str] | None = None,
              overrides: dict | None = None) -> tuple[int, dict, str]:
    """(exit code, JSON summary, log) of one crawl against the mirror at `base_url`."""
    full_env = {**os.environ, "CCKB_SOURCE_BASE_URL": base_url, "CCKB_DATA_DIR": str(data_dir),
                "CCKB_RELIEFWEB_APPNAME": "", **(env or {})}
    sets = [f"--set={k}={json.dumps(v)}" for k, v in {**FAST, **(overrides or {})}.items()]
    proc = subprocess.run([sys.executable, "-m", "crawlers.cli", "--json", *sets, *args],
                          cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=300)
    try:
        summary = json.loads(proc.stdout)
    except ValueError:
        raise AssertionError(f"no JSON summary; log:\n{proc.stderr[-4000:]}") from None
    return proc.returncode, summary, proc.stderr


def by_source(summary: dict) -> dict[str, dict]:
    return {s["source"]: s for s in summary["sources"]}


def assert_nothing_changed(report: dict) -> None:
    """A re-crawl of unchanged pages: no insert, update or delete of any node or link."""
    for label, outcome in report["counts"].items():
        assert outcome["insert"] == outcome["update"] == outcome["delete"] == 0, label


class Graph:
    """Read-only look at the crawl's knowledge base (the embedded server it left running)."""

    def __init__(self, data_dir: Path) -> None:
        self.store = open_store(load_settings({"CCKB_DATA_DIR": str(data_dir)}))

    def counts(self) -> dict[str, int]:
        return node_counts(self.store)

    def document(self, url: str) -> dict | None:
        rows = self.store.execute(Q.document_by_id(document_id(url)))
        return rows[0] if rows and rows[0]["doc"] else None

    def passages(self, url: str) -> list[dict]:
        return self.store.execute(Q.passages_of_document(document_id(url)))

    def close(self) -> None:
        self.store.close()
