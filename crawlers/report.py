"""What a crawl did, per source: the numbers an operator checks before trusting the graph."""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.loader import LoadCounts


@dataclass
class CrawlFailure:
    url: str
    reason: str


@dataclass
class HostBlock:
    """Requests of one source that a host answered with a block or gate page."""

    host: str
    kind: str
    detail: str
    advice: str
    count: int = 0

    def as_dict(self) -> dict:
        return {"host": self.host, "kind": self.kind, "requests": self.count,
                "detail": self.detail, "what_to_do": self.advice}


@dataclass
class SourceReport:
    source_id: str
    requests: int = 0
    responses: int = 0
    items: int = 0
    ingested: int = 0
    dropped_offsite: int = 0
    dropped_robots: int = 0
    seconds: float = 0.0
    counts: LoadCounts = field(default_factory=LoadCounts)
    failures: list[CrawlFailure] = field(default_factory=list)
    blocks: dict[str, HostBlock] = field(default_factory=dict)  # host -> what blocked us
    disabled: str | None = None  # off by default (the source YAML's reason); not crawled
    robots: dict[str, str] = field(default_factory=dict)  # robots.txt URL -> "HTTP 200" / error
    steps: list[dict] = field(default_factory=list)  # `--check`: each answer the spider read

    def fail(self, url: str, reason: str) -> None:
        self.failures.append(CrawlFailure(url, reason))

    def block(self, url: str, host: str, kind: str, detail: str, advice: str) -> None:
        """A request answered by a block or gate page: a failure, counted per host."""
        entry = self.blocks.setdefault(host, HostBlock(host, kind, detail, advice))
        entry.count += 1
        self.fail(url, f"blocked by {host}: {detail}")

    @property
    def blocked(self) -> int:
        return sum(b.count for b in self.blocks.values())

    @property
    def ok(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict:
        return {"source": self.source_id, "disabled": self.disabled, "requests": self.requests,
                "responses": self.responses, "items": self.items, "ingested": self.ingested,
                "dropped_offsite": self.dropped_offsite, "dropped_robots": self.dropped_robots,
                "blocked": self.blocked,
                "blocked_hosts": [b.as_dict() for b in self.blocks.values()],
                "seconds": round(self.seconds, 2), "counts": self.counts.as_dict(),
                "robots_txt": [{"url": u, "answer": a} for u, a in self.robots.items()],
                "steps": self.steps,
                "failures": [{"url": f.url, "reason": f.reason} for f in self.failures]}


@dataclass
class CrawlSummary:
    sources: dict[str, SourceReport] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.sources.values())

    def as_dict(self) -> dict:
        return {"ok": self.ok, "sources": [r.as_dict() for r in self.sources.values()]}

    def lines(self) -> list[str]:
        """One human-readable line per source, then one per failure."""
        out = []
        for r in self.sources.values():
            if r.disabled:
                out.append(f"{r.source_id}: disabled by default, not crawled: {r.disabled} "
                           f"(enable with --enable {r.source_id})")
                continue
            out.append(f"{r.source_id}: {r.requests} requests, {r.items} items, {r.ingested} "
                       f"ingested, {len(r.failures)} failures, {r.dropped_offsite} offsite, "
                       f"{r.dropped_robots} robots.txt, {r.blocked} blocked")
            out += [f"  BLOCKED {b.host}: {b.count} request(s), {b.detail}; what to do: "
                    f"{b.advice}" for b in r.blocks.values()]
            out += [f"  FAILED {f.url}: {f.reason}" for f in r.failures]
        return out
