"""`cckb crawl --check`: is each source reachable from here, before a real crawl?

One request path per source through the real Scrapy engine with the crawl's own settings
(robots.txt obeyed, Crawl-delay and per-host floors, block detection, retries; nothing cached,
nothing ingested): the host's robots.txt, a listing where the source has one, one document run
through its page object. Each source ends with one verdict and its reason:

- `reachable`: a document was fetched and read;
- `blocked`: a block or gate page (CDN 403, CAPTCHA / Request Access, unblock redirect) or a
  robots.txt answered 4xx/5xx;
- `robots-disallowed`: robots.txt forbids the request (or every path) for this crawler;
- `extraction failed`: the page came, but its page object could not read it (layout changed);
- `unreachable`: no usable answer (connection error, timeout, HTTP error);
- `disabled`: off by default (its YAML says why), not checked unless `--enable`d.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawlers.report import SourceReport
from crawlers.run import NO_DOCUMENT, crawl

ROBOTS_REASONS = ("forbidden by robots.txt", "robots.txt disallows every path")
EXTRACTION_REASONS = ("extraction:", "invalid item:", NO_DOCUMENT)


def verdict(report: SourceReport) -> tuple[str, str]:
    """(verdict, reason) of one source's check."""
    if report.disabled:
        return "disabled", report.disabled
    if report.blocks:
        block = next(iter(report.blocks.values()))
        return "blocked", f"{block.host}: {block.detail}; what to do: {block.advice}"
    for kind, prefixes, contains in (("robots-disallowed", (), ROBOTS_REASONS),
                                     ("extraction failed", EXTRACTION_REASONS, ())):
        for failure in report.failures:
            if failure.reason.startswith(prefixes) or any(c in failure.reason for c in contains):
                return kind, f"{failure.url}: {failure.reason}"
    if report.failures:
        failure = report.failures[0]
        return "unreachable", f"{failure.url}: {failure.reason}"
    document = next((s for s in report.steps if s["role"] == "document"), None)
    if report.items and document is not None:
        return "reachable", (f"{document['url']}: HTTP {document['status']}, read as "
                             f"{document.get('extracted', 'an item')!r}")
    return "unreachable", "no answer was read"  # not expected: no item and no failure


@dataclass
class CheckSummary:
    sources: dict[str, SourceReport] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(verdict(r)[0] in ("reachable", "disabled") for r in self.sources.values())

    def as_dict(self) -> dict[str, Any]:
        out = []
        for r in self.sources.values():
            kind, reason = verdict(r)
            out.append({"source": r.source_id, "verdict": kind, "reason": reason,
                        "requests": r.requests,
                        "robots_txt": [{"url": u, "answer": a} for u, a in r.robots.items()],
                        "steps": r.steps,
                        "blocked_hosts": [b.as_dict() for b in r.blocks.values()],
                        "failures": [{"url": f.url, "reason": f.reason} for f in r.failures]})
        return {"ok": self.ok, "sources": out}

    def lines(self) -> list[str]:
        """Per source: its verdict with the reason, then robots.txt and each answer read."""
        out = []
        for r in self.sources.values():
            kind, reason = verdict(r)
            if kind == "disabled":
                out.append(f"{r.source_id}: disabled by default, not checked: {reason} "
                           f"(check it with --enable {r.source_id})")
                continue
            out.append(f"{r.source_id}: {kind.upper()}: {reason}")
            out += [f"  robots.txt {url}: {answer}" for url, answer in r.robots.items()]
            for step in r.steps:
                got = f", read as {step['extracted']!r}" if step.get("extracted") else ""
                out.append(f"  {step['role']} {step['url']}: HTTP {step['status']}{got}")
            out += [f"  FAILED {f.url}: {f.reason}" for f in r.failures]
        return out


def check(source_ids_: list[str] | None = None, countries: list[str] | None = None,
          settings_overrides: dict[str, Any] | None = None,
          base_urls: dict[str, str] | None = None,
          enable: list[str] | None = None) -> CheckSummary:
    """Check the given sources (all when None) for the first of the given countries they
    cover. Call once per process (Twisted's reactor, as for `crawl`)."""
    summary = crawl(source_ids_, countries, settings_overrides, base_urls=base_urls,
                    enable=enable, check=True)
    return CheckSummary(dict(summary.sources))
