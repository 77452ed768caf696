"""Crawl throughput: the real Scrapy engine and spider against a generated local mirror.

Generates a Federal Register-shaped mirror (one search answer listing N documents, N full-text
pages; or with `--source irb_rir` an IRB-shaped one: paged RIR listings of 20 rows and N RIR
pages told apart by query string), serves it on 127.0.0.1, fetches every page once with bare
urllib (sequential), then crawls it with that source's spider (AutoThrottle and the HTTP cache
off; ingest off, so this measures crawling, not embedding) and prints both rates measured in
this run.

    python bench/crawl.py [--pages 500] [--concurrency 8] [--source federal_register|irb_rir]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import tempfile
import time
import urllib.request
from pathlib import Path

from crawlers.mirror import MirrorServer
from crawlers.run import crawl

BASE = "https://www.federalregister.gov"
PARAGRAPH = ("<p>[Synthetic benchmark text.] The agreement with Honduras covers nationals of "
             "countries that do not need a visa to enter; unaccompanied children are excluded."
             "</p>\n")


def generate(root: Path, pages: int) -> list[str]:
    """Write the mirror; returns the path of every page the spider will request."""
    results, paths = [], ["/api/v1/documents.json"]
    for i in range(pages):
        number = f"2025-{i:05d}"
        body_path = f"/content/pkg/FR-2025-07-08/html/{number}.htm"  # the GovInfo text
        results.append({"document_number": number, "publication_date": "2025-07-08",
                        "title": f"Synthetic notice {i} on the agreement with Honduras",
                        "html_url": f"{BASE}/documents/2025/07/08/{number}/synthetic-{i}",
                        "body_html_url": BASE + body_path, "citation": f"90 FR {i}"})
        target = root / body_path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"<html><body><pre>[FR Doc No: {number}]\nSUMMARY:\n"
                          f"{PARAGRAPH * 30}</pre></body></html>\n")
        paths.append(body_path)
    search = root / "api/v1/documents.json"
    search.parent.mkdir(parents=True, exist_ok=True)
    search.write_text(json.dumps({"count": pages, "total_pages": 1, "results": results}))
    return paths


RIR_PAGES = "/en/country-information/rir/Pages/index.aspx"
RIR = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'></head><body><main>"
       "<h1>Responses to Information Requests</h1><p>{date}</p><p>{ref}</p>"
       "<p>Honduras: Synthetic benchmark question {i}</p>"
       "<p>Research Directorate, Immigration and Refugee Board of Canada, Ottawa</p>"
       "<h2>1. Overview</h2>\n{body}</main></body></html>\n")


def generate_irb(root: Path, pages: int, per_page: int = 20) -> list[str]:
    """IRB-shaped mirror: listing pages of `per_page` rows, then the RIRs (saved as `?query`)."""
    target = root / RIR_PAGES.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, start in enumerate(range(0, pages, per_page), start=1):
        rows = "".join(f"<tr><td>1 July 2025</td><td>HND9{i:05d}.E</td><td><a href="
                       f"'index.aspx?doc={i}'>Honduras: question {i}</a></td></tr>"
                       for i in range(start, min(start + per_page, pages)))
        nxt = (f"<a rel='next' href='index.aspx?country=Honduras&amp;page={n + 1}'>Next</a>"
               if start + per_page < pages else "")
        query = "country=Honduras" + (f"&page={n}" if n > 1 else "")
        Path(f"{target}?{query}").write_text(
            "<html><body><table><thead><tr><th>Date</th><th>Reference</th><th>Title</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>{nxt}</body></html>")
        paths.append(f"{RIR_PAGES}?{query}")
    for i in range(pages):
        Path(f"{target}?doc={i}").write_text(RIR.format(date="1 July 2025", ref=f"HND9{i:05d}.E",
                                                        i=i, body=PARAGRAPH * 30))
        paths.append(f"{RIR_PAGES}?doc={i}")
    return paths


def serve(root: str, port: multiprocessing.Queue, stop: multiprocessing.Event) -> None:
    """The mirror in its own process: in-process it would share the GIL with the crawler."""
    with MirrorServer([Path(root)]) as mirror:
        port.put(mirror.base_url)
        stop.wait()


def bare_rate(base_url: str, paths: list[str]) -> float:
    start = time.perf_counter()
    for path in paths:
        with urllib.request.urlopen(base_url.rstrip("/") + path) as resp:
            resp.read()
    return len(paths) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8,
                        help="CONCURRENT_REQUESTS_PER_DOMAIN (the polite default is 2)")
    parser.add_argument("--source", choices=["federal_register", "irb_rir"],
                        default="federal_register", help="which site shape and spider")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = (generate_irb if args.source == "irb_rir" else generate)(Path(tmp), args.pages)
        queue: multiprocessing.Queue = multiprocessing.Queue()
        stop = multiprocessing.Event()
        server = multiprocessing.Process(target=serve, args=(tmp, queue, stop), daemon=True)
        server.start()
        base_url = queue.get(timeout=30)
        bare = bare_rate(base_url, paths)
        overrides = {"CCKB_SOURCE_BASE_URL": base_url, "CCKB_INGEST": False,
                     "AUTOTHROTTLE_ENABLED": False, "HTTPCACHE_ENABLED": False,
                     "CONCURRENT_REQUESTS": args.concurrency * 2,
                     "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency, "LOG_LEVEL": "WARNING"}
        start = time.perf_counter()
        summary = crawl([args.source], ["HN"], overrides)
        elapsed = time.perf_counter() - start
        stop.set()
        server.join(timeout=10)
    report = summary.sources[args.source]
    assert report.items == args.pages and report.ok, summary.lines()
    rate = report.responses / report.seconds
    print(f"pages: {report.responses} (incl. robots.txt), items: {report.items}")
    print(f"bare urllib, sequential:          {bare:8.1f} pages/s")
    print(f"scrapy crawl (concurrency {args.concurrency:2d}):   {rate:8.1f} pages/s "
          f"(ratio {rate / bare:.2f}; spider open to close, ingest off)")
    print(f"crawl() wall time incl. imports and engine start-up: {elapsed:.1f} s")


if __name__ == "__main__":
    main()
