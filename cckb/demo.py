"""`cckb demo`: crawl the bundled sample mirror through the spiders into the knowledge base.

Every page of `data/sample/mirror/<host>/<real path>` has a sidecar `<file>.json` whose
`source_id` names its source. Pages of a source that has a spider become seed URLs (the sidecar's
`url`, plus `countries` and `edition_note` where the URL cannot say them) and are fetched from a
loopback mirror at their real path and parsed by that spider's page object, exactly as on the
real site. One MirrorServer runs per host, and each source gets the base URL of its host's server
(hosts never share a path namespace, so two sites' `/index.html` cannot collide). Pages whose
`source_id` has no spider (`import`: single reports the spiders' page objects do not model) go
through the importer, and the output says which.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import typer

from crawlers.source_config import load_source, source_ids
from crawlers.spiders.base import Seed, SeedError

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample" / "mirror"
# Our own loopback server: no politeness delay to wait out, no HTTP cache to keep (the ports
# change every run); robots.txt is still obeyed (served from the mirror when it has one).
LOOPBACK = {"AUTOTHROTTLE_ENABLED": False, "HTTPCACHE_ENABLED": False, "LOG_LEVEL": "WARNING"}


@dataclass(frozen=True)
class SamplePage:
    file: Path
    meta: dict

    @property
    def source_id(self) -> str:
        return str(self.meta.get("source_id") or "import")


def sample_pages(root: Path = SAMPLE) -> list[SamplePage]:
    """Every page of the mirror that has a sidecar (the sidecar names its URL and source)."""
    pages = []
    for sidecar in sorted(root.rglob("*.json")):
        file = sidecar.with_suffix("")
        if file.is_file():
            try:
                meta = json.loads(sidecar.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                meta = {}  # the importer reads it again and reports the file and the reason
            pages.append(SamplePage(file, meta if isinstance(meta, dict) else {}))
    return pages


def plan(pages: list[SamplePage]) -> tuple[list[Seed], list[tuple[SamplePage, str]]]:
    """(seeds for the spiders, [(page, why)] for the importer: no spider for its source, or
    a URL its spider does not take, e.g. an archive host outside the source's patterns)."""
    from scrapy.spiderloader import SpiderLoader

    from crawlers.run import crawl_settings

    loader = SpiderLoader.from_settings(crawl_settings())
    known = set(source_ids())
    seeds: list[Seed] = []
    imports: list[tuple[SamplePage, str]] = []
    for page in pages:
        if not isinstance(page.meta.get("url"), str):
            imports.append((page, "sidecar without a readable url"))
            continue
        if page.source_id not in known:
            imports.append((page, f"source_id {page.source_id!r} has no spider"))
            continue
        countries = page.meta.get("countries") or []
        seed = Seed(url=page.meta["url"], source=page.source_id,
                    country=countries[0] if len(countries) == 1 else None,
                    edition_note=page.meta.get("edition_note"))
        try:
            loader.load(page.source_id).match_seed(seed)
        except SeedError as exc:
            imports.append((page, str(exc).split(": ", 1)[-1]))
            continue
        seeds.append(seed)
    return seeds, imports


@contextmanager
def mirrors(seeds: list[Seed], root: Path = SAMPLE) -> Iterator[dict[str, str]]:
    """One loopback MirrorServer per host; yields the base URL for each seeded source."""
    from crawlers.mirror import DEFAULT_ROBOTS, MirrorServer

    with ExitStack() as stack:
        by_host: dict[str, str] = {}
        base_urls: dict[str, str] = {}
        for sid in sorted({s.source for s in seeds if s.source}):
            host = urlsplit(load_source(sid).base_url).hostname or ""
            if host not in by_host:
                robots = root / host / "robots.txt"
                server = MirrorServer([root / host], robots.read_text(encoding="utf-8")
                                      if robots.is_file() else DEFAULT_ROBOTS)
                by_host[host] = stack.enter_context(server).base_url
            base_urls[sid] = by_host[host]
        yield base_urls


def changed_pages(pages: list[SamplePage]) -> list[SamplePage]:
    """Pages whose document is missing from the knowledge base or archived with other bytes
    (the archive keeps the sha256 of exactly the bytes the spider or importer read)."""
    from core.ids import document_id
    from core.settings import load_settings
    from graph import open_store
    from graph import queries as Q

    settings = load_settings()
    if not (settings.data_path / "archive").is_dir():
        return pages  # a fresh data directory: do not start the graph just to find it empty
    out = []
    with open_store(settings) as store:
        for page in pages:
            url = page.meta.get("url")
            rows = store.execute(Q.document_by_id(document_id(url))) if url else []
            doc = rows[0]["doc"] if rows and rows[0]["doc"] else {}
            if doc.get("sha256") != hashlib.sha256(page.file.read_bytes()).hexdigest():
                out.append(page)
    return out


def build_sample(root: Path = SAMPLE, recrawl: bool = False) -> bool:
    """Crawl (and, for pages without a spider, import) the sample; print what happened.
    When the knowledge base already holds every page with the same bytes, nothing is crawled
    unless `recrawl` (a re-crawl would only report noops). Either way the agreements registry is
    loaded into the graph afterwards (idempotent; a changed registry updates it)."""
    from cckb.ingest_cmds import load_registry, run_ingest, save_crawl_report
    from crawlers.run import crawl
    from ingest.files import iter_items

    started = time.monotonic()
    pages = sample_pages(root)
    if not recrawl:
        changed = changed_pages(pages)
        if not changed:
            typer.echo(f"sample: all {len(pages)} page(s) of {root} are in the knowledge base "
                       "with the same sha256: crawl skipped (`cckb demo --recrawl` crawls "
                       f"again; checked in {time.monotonic() - started:.1f} s)")
            load_registry()
            return True
        if len(changed) < len(pages):
            typer.echo(f"sample: {len(changed)} new or changed page(s): crawling the sample "
                       "again (unchanged documents are noops)")
    seeds, imports = plan(pages)
    sources = sorted({s.source or "" for s in seeds})
    typer.echo(f"sample: {len(pages)} page(s) in {root}: {len(seeds)} through the spiders "
               f"({', '.join(sources) or 'none'}), {len(imports)} through the importer")
    for page, why in imports:
        typer.echo(f"  importer ({why}): {page.file.relative_to(root)}")
    crawled = ok = True
    items = imported = 0
    if seeds:
        with mirrors(seeds, root) as base_urls:
            typer.echo("crawling the sample mirror on " + ", ".join(sorted(set(
                base_urls.values()))))
            summary = crawl(sources, None, LOOPBACK, seeds, base_urls=base_urls)
        save_crawl_report(summary)
        typer.echo("\n".join(summary.lines()))
        crawled = summary.ok
        items = sum(r.ingested for r in summary.sources.values())
        totals: dict[str, dict[str, int]] = {}
        for report in summary.sources.values():
            for node_type, c in report.counts.as_dict().items():
                for op, n in c.items():
                    totals.setdefault(node_type, {}).setdefault(op, 0)
                    totals[node_type][op] += n
        for node_type, c in totals.items():
            typer.echo(f"  {node_type:<10} insert {c['insert']:>6}  update {c['update']:>6}  "
                       f"noop {c['noop']:>6}  delete {c['delete']:>6}")
    if imports:
        files = [p.file for p, _ in imports]
        report = run_ingest(lambda kb: iter_items(files, {"source_id": "import"},
                                                  kb.ingestor.max_bytes), "importer")
        ok = report.ok
        imported = report.documents  # successes only; failures are listed above
    load_registry()
    typer.echo(f"sample: {len(pages)} page(s) -> {items} crawled + {imported} imported = "
               f"{items + imported} document(s) in {time.monotonic() - started:.1f} s"
               + ("" if crawled and ok else " (with failures, see above)"))
    return crawled and ok and items + imported == len(pages)
