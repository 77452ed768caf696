"""`cckb crawl --check` on loopback: one request path per source (robots.txt, a listing, one
document) through the real Scrapy engine against a real HTTP server on 127.0.0.1, with one
source per verdict: reachable (with and without a listing), blocked (a CDN 403),
robots-disallowed, extraction failed (a document page and a listing page), unreachable (a
404 listing). Nothing is ingested, and the crawl's politeness still applies (Crawl-delay)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from crawl_helpers import FIXTURES, ROOT, by_source, run_crawl

from crawlers.mirror import MirrorServer

SOURCES = ["amnesty_report", "irb_rir", "usdos_crhrp", "hrw_world_report", "freedomhouse_fiw",
           "unhcr_help", "ecoinet"]
ROBOTS = "User-agent: *\nCrawl-delay: 1\nDisallow: /world-report/\n"
CDN_403 = b"""<html><head><title>Technical Difficulties</title></head><body><h1>Technical
Difficulties</h1><p>We're sorry, this site is currently experiencing technical difficulties.
</p></body></html>"""
NO_INDICATORS = b"""<html><head><title>Honduras</title></head><body><h1>Honduras</h1>
<div class="overview"><p>An overview, and no indicator anywhere.</p><p>More text.</p></div>
</body></html>"""
NO_ASYLUM_LINK = b"""<html lang="es"><head><title>ACNUR Honduras</title></head><body>
<h1>Honduras</h1><a href="/honduras/contacto/">Contacto</a></body></html>"""
IRB = "/en/country-information/rir/Pages/index.aspx"


def send(body: bytes, status: int = 200):
    return lambda h: h.send_bytes(body, "text/html; charset=utf-8", status=status)


ROUTES = {
    "/reports/2023-country-reports-on-human-rights-practices/honduras/": send(CDN_403, 403),
    "/country/honduras/freedom-world/2024": send(NO_INDICATORS),
    "/honduras/": send(NO_ASYLUM_LINK),
    "/en/countries/honduras/": send(b"<h1>Not found</h1>", 404),
}


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, dict, Path, list]]:
    data_dir = tmp_path_factory.mktemp("kb")
    sources = [a for s in SOURCES for a in ("--source", s)]
    with MirrorServer(sorted(FIXTURES.glob("*/site")), robots=ROBOTS, routes=ROUTES) as server:
        rc, summary, log = run_crawl(server.base_url, data_dir,
                                     ["--check", "--country", "HN", *sources])
        times = list(server.times)
    assert "Traceback" not in log, log[-4000:]
    yield rc, by_source(summary), data_dir, times


def test_each_source_gets_its_verdict_with_the_reason(checked) -> None:  # noqa: ANN001
    rc, reports, _, _ = checked
    assert rc == 1  # not every source is reachable
    verdicts = {sid: r["verdict"] for sid, r in reports.items()}
    assert verdicts == {
        "amnesty_report": "reachable", "irb_rir": "reachable", "usdos_crhrp": "blocked",
        "hrw_world_report": "robots-disallowed", "freedomhouse_fiw": "extraction failed",
        "unhcr_help": "extraction failed", "ecoinet": "unreachable"}
    assert "Technical Difficulties" in reports["usdos_crhrp"]["reason"]
    assert "what to do" in reports["usdos_crhrp"]["reason"]
    assert "robots.txt" in reports["hrw_world_report"]["reason"]
    assert "indicator" in reports["freedomhouse_fiw"]["reason"]
    assert "no link to an asylum page" in reports["unhcr_help"]["reason"]
    assert "HTTP 404" in reports["ecoinet"]["reason"]
    assert reports["ecoinet"]["reason"].startswith("https://www.ecoi.net/en/countries/honduras/")


def test_one_request_path_per_source(checked) -> None:  # noqa: ANN001
    _, reports, _, _ = checked
    irb = reports["irb_rir"]
    # robots.txt, the Honduras listing, its first RIR: not the listing's page 2 nor other RIRs
    assert irb["requests"] == 3
    assert [s["role"] for s in irb["steps"]] == ["listing", "document"]
    assert irb["steps"][1]["url"].startswith("https://irb-cisr.gc.ca/")
    assert "HND201234.E" in irb["steps"][1]["extracted"]
    assert irb["robots_txt"] == [{"url": "https://irb-cisr.gc.ca/robots.txt",
                                  "answer": "HTTP 200"}]
    amnesty = reports["amnesty_report"]
    assert amnesty["requests"] == 2 and [s["role"] for s in amnesty["steps"]] == ["document"]
    assert amnesty["reason"].startswith("https://www.amnesty.org/en/location/")
    # robots-disallowed: robots.txt fetched, the chapter never requested
    assert reports["hrw_world_report"]["requests"] == 1
    assert reports["hrw_world_report"]["steps"] == []
    # the listing without an asylum link was read (a step) and nothing followed it
    assert [s["role"] for s in reports["unhcr_help"]["steps"]] == ["page"]
    assert reports["unhcr_help"]["requests"] == 2


def test_nothing_is_ingested_nor_cached(checked) -> None:  # noqa: ANN001
    _, _, data_dir, _ = checked
    # no archive, no graph, no HTTP cache: the data directory is left as it was (empty)
    assert sorted(p.name for p in data_dir.iterdir()) == []


def test_crawl_delay_still_spaces_requests(checked) -> None:  # noqa: ANN001
    _, _, _, times = checked
    irb = [t for t, path in times if path == IRB]
    assert len(irb) == 2
    assert irb[1] - irb[0] >= 1.0  # robots.txt Crawl-delay: 1, measured at the server


def test_check_refuses_seeds(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("https://www.hrw.org/world-report/2025/country-chapters/honduras\n")
    proc = subprocess.run([sys.executable, "-m", "cckb.main", "crawl", "--check", "--seeds",
                           str(seeds)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "--check takes no --seeds" in proc.stdout + proc.stderr


def test_cckb_crawl_check_prints_the_verdicts(tmp_path: Path) -> None:
    env = {**os.environ, "CCKB_DATA_DIR": str(tmp_path), "CCKB_RELIEFWEB_APPNAME": ""}
    with MirrorServer([FIXTURES / "amnesty_report/site"]) as server:
        env["CCKB_SOURCE_BASE_URL"] = server.base_url
        proc = subprocess.run([sys.executable, "-m", "cckb.main", "crawl", "--check",
                               "--source", "amnesty_report", "--source", "reliefweb",
                               "--country", "HN"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("reliefweb: disabled by default, not checked: ")
    assert lines[1].startswith("amnesty_report: REACHABLE: https://www.amnesty.org/en/location/")
    assert "  robots.txt https://www.amnesty.org/robots.txt: HTTP 200" in lines
    assert not (tmp_path / "runs").exists()  # a check is not a crawl: no run log replaced
