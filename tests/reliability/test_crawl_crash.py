"""Kill the crawl (and its graph server) anywhere, re-crawl, and nothing is lost or doubled.

Why: a crawl is long and gets killed (OOM, reboot, Ctrl-C twice); the re-run must converge on
exactly what an uninterrupted crawl produces, through whatever the kill left in the graph, the
archive and the HTTP cache. The full bench (`bench/crash.py --target crawl`, >= 20 trials with
the real `cckb crawl`) is too slow for the suite: this runs 3 seeded trials of it (one per kill
mode) with the hash embedder, against recorded pages of three sources served on 127.0.0.1, plus
a deterministic check of the window a random kill rarely hits: inside an HTTP cache write.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import crash
from crawlers.mirror import MirrorServer

SOURCES = ["usdos_crhrp", "hrw_world_report", "usdos_irf"]


@pytest.fixture(scope="module")
def mirror() -> Iterator[MirrorServer]:
    with MirrorServer(crash.mirror_roots()) as server:
        yield server


@pytest.fixture(scope="module")
def reference(mirror: MirrorServer, tmp_path_factory: pytest.TempPathFactory
              ) -> crash.CrawlReference:
    ref = crash.crawl_reference(tmp_path_factory.mktemp("crawl-ref"), mirror, fast=True,
                                sources=SOURCES)
    assert len(ref.doc_ids) == 12 and ref.snapshot.passages and not ref.snapshot.problems
    return ref


@pytest.mark.slow
def test_kill_crawl_and_resume_matches_the_reference(mirror: MirrorServer,
                                                     reference: crash.CrawlReference,
                                                     tmp_path: Path) -> None:
    rnd = random.Random(20261137)  # kills after 6, 3 and 8 of the 12 archive records
    for mode in ("crawler", "both", "server"):
        # killed after a random number of archive records: always mid-crawl, whatever the timing
        trial, got = crash.crawl_trial(rnd, tmp_path / "B", mirror, reference, mode, fast=True,
                                       by_records=True)
        assert not trial.exit.startswith("finished"), trial
        assert trial.diffs == [], trial
        assert trial.verify == "clean", trial
        assert not got.orphans, got.orphans


def test_crawl_killed_inside_a_cache_write_recovers(mirror: MirrorServer,
                                                    reference: crash.CrawlReference,
                                                    tmp_path: Path) -> None:
    """Scrapy's own storage, killed after opening `response_body`, leaves metadata promising a
    page it does not hold; the re-crawl must fetch the page again, not revalidate the torn
    entry (the site answers 304 and the empty body used to replace the page: documents lost
    on every re-crawl)."""
    data_dir = tmp_path / "B"
    crash.run_crawl(data_dir, mirror.base_url, fast=True, sources=SOURCES)
    crash.server_of(data_dir).stop()
    # the state of a crawl killed mid-write before any ingest: torn cache entries only
    shutil.rmtree(data_dir / "graph")
    shutil.rmtree(data_dir / "archive")
    torn = 0
    for meta in (data_dir / "httpcache" / "usdos_crhrp").rglob("meta"):
        if "/honduras/" in meta.read_text():
            (meta.parent / "response_body").write_bytes(b"")
            for later in ("response_data", "request_headers", "request_body"):
                (meta.parent / later).unlink()
            torn += 1
    assert torn == 2
    summary = crash.run_crawl(data_dir, mirror.base_url, fast=True, sources=SOURCES)
    assert all(not s["failures"] for s in summary["sources"]), summary
    crash.server_of(data_dir).stop()
    got = crash.snapshot(data_dir, reference.doc_ids)
    assert crash.compare(reference.snapshot, got) == []
    # and an entry written by the crawl is whole: no temporary directory is left behind
    assert not list((data_dir / "httpcache").rglob("*.tmp-*"))
