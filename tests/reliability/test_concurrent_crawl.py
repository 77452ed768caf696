"""A crawl writing in one process while another process searches the same knowledge base.

Why: advocates search while a crawl refreshes the sources; one embedded graph server serves
both. No read may fail, counts may only grow (a document is written in one statement, never
half-visible), and the crawl must end with exactly its documents and their passages. The
figures with the real model and `cckb crawl` are in `bench/load.py`; this is the short version
with the hash embedder on both sides.
"""

from __future__ import annotations

from pathlib import Path

from bench import crash
from bench.load import crawl_beside_reads
from crawlers.mirror import MirrorServer


def test_crawl_and_searches_in_two_processes_stay_consistent(tmp_path: Path) -> None:
    with MirrorServer(crash.mirror_roots()) as mirror:
        result = crawl_beside_reads(tmp_path / "kb", mirror.base_url, fast=True,
                                    sources=["usdos_crhrp", "hrw_world_report", "usdos_irf"],
                                    embedder=crash.HashEmbedder())
    assert result["crawl_exit"] == 0, result["crawl_log_tail"]
    assert result["reader_errors"] == 0, result["error_kinds"]
    # a fresh knowledge base: no document is updated, so neither count may ever go down
    assert result["documents_went_down"] == result["passages_went_down"] == []
    assert result["reader_rounds"] >= 3, result  # the reads really ran beside the crawl
    assert result["distinct_document_counts_seen"] >= 2, result  # ...and saw it progress
    assert result["ingested"] == result["new_records"] == result["documents_after"] == 12
    assert result["passages_after"] == result["passages_of_records"] > 0
    assert result["consistent"], result
