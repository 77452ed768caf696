"""Crawler settings and runner: polite defaults, overrides, and clear refusals."""

from __future__ import annotations

import subprocess
import sys

from crawl_helpers import ROOT

from crawlers.cli import main
from crawlers.run import crawl_settings


def test_polite_defaults() -> None:
    s = crawl_settings()
    assert s.getbool("ROBOTSTXT_OBEY") and s.getbool("AUTOTHROTTLE_ENABLED")
    assert s.getbool("HTTPCACHE_ENABLED") and s["HTTPCACHE_DIR"].endswith("httpcache")
    assert s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2 and s.getint("RETRY_TIMES") == 3
    assert s.getint("DOWNLOAD_TIMEOUT") == 30 and s.getint("DOWNLOAD_MAXSIZE") == 25 * 2 ** 20
    assert s["USER_AGENT"].startswith("cckb/0.1 (+") and "research crawler" in s["USER_AGENT"]
    assert not s.getbool("REMOTE_CONTROL_ENABLED")


def test_overrides_win() -> None:
    assert crawl_settings({"DOWNLOAD_TIMEOUT": 1}).getint("DOWNLOAD_TIMEOUT") == 1


def test_unknown_source_is_refused_before_crawling(capsys) -> None:
    assert main(["--source", "no_such_source"]) == 2
    assert "unknown source" in capsys.readouterr().err


def test_scrapy_list_from_the_repo_root() -> None:
    out = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert out.split() == ["amnesty_report", "ecoinet", "federal_register", "freedomhouse_fiw",
                           "govuk_cpin", "hrw_world_report", "irb_rir", "reliefweb", "unhcr_help",
                           "unhcr_rdf", "usdos_crhrp", "usdos_irf"]
