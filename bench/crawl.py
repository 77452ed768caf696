"""Crawl throughput: the real Scrapy engine and spider against a generated local mirror.

Generates a Federal Register-shaped mirror (one search answer listing N documents, N full-text
pages), serves it on 127.0.0.1, fetches every page once with bare urllib (sequential), then
crawls it with the `federal_register` spider (AutoThrottle and the HTTP cache off; ingest off, so
this measures crawling, not embedding) and prints both rates measured in this run.

    python bench/crawl.py [--pages 500] [--concurrency 8]
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
        body_path = f"/documents/full_text/html/2025/07/08/{number}.html"
        results.append({"document_number": number, "publication_date": "2025-07-08",
                        "title": f"Synthetic notice {i} on the agreement with Honduras",
                        "html_url": f"{BASE}/documents/2025/07/08/{number}/synthetic-{i}",
                        "body_html_url": BASE + body_path, "citation": f"90 FR {i}"})
        target = root / body_path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"<div id='fulltext_content_area'><h2>SUMMARY:</h2>\n"
                          f"{PARAGRAPH * 30}</div>\n")
        paths.append(body_path)
    search = root / "api/v1/documents.json"
    search.parent.mkdir(parents=True, exist_ok=True)
    search.write_text(json.dumps({"count": pages, "total_pages": 1, "results": results}))
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), args.pages)
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
        summary = crawl(["federal_register"], ["HN"], overrides)
        elapsed = time.perf_counter() - start
        stop.set()
        server.join(timeout=10)
    report = summary.sources["federal_register"]
    assert report.items == args.pages and report.ok, summary.lines()
    rate = report.responses / report.seconds
    print(f"pages: {report.responses} (incl. robots.txt), items: {report.items}")
    print(f"bare urllib, sequential:          {bare:8.1f} pages/s")
    print(f"scrapy crawl (concurrency {args.concurrency:2d}):   {rate:8.1f} pages/s "
          f"(ratio {rate / bare:.2f}; spider open to close, ingest off)")
    print(f"crawl() wall time incl. imports and engine start-up: {elapsed:.1f} s")


if __name__ == "__main__":
    main()
