"""`python -m crawlers.cli`: the crawl as a library-level command with Scrapy setting
overrides (`--set NAME=VALUE`), for tests and benchmarks; users run `cckb crawl`.

It sits above both `crawlers.run` (the crawl) and `crawlers.check` (the reachability check),
so neither imports the other's caller.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from core.errors import ConfigError
from crawlers.check import check
from crawlers.run import crawl, read_seeds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", action="append", help="source id (repeatable; default all)")
    parser.add_argument("--country", action="append", help="ISO2 (repeatable)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="Scrapy setting override (value parsed as JSON when it can be)")
    parser.add_argument("--seeds", type=Path, help="file of seed URLs (see read_seeds)")
    parser.add_argument("--with-generated", action="store_true",
                        help="with --seeds: also crawl the URLs the spiders generate")
    parser.add_argument("--enable", action="append", default=[], metavar="ID",
                        help="crawl a source that is off by default (its YAML says why)")
    parser.add_argument("--check", action="store_true",
                        help="one request path per source (robots.txt, a listing, one "
                             "document): reachable, blocked, robots-disallowed or extraction "
                             "failed, with the reason; nothing ingested (see crawlers.check)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {}
    for pair in args.set:
        name, _, value = pair.partition("=")
        try:
            overrides[name] = json.loads(value)
        except ValueError:
            overrides[name] = value
    try:
        if args.check:
            if args.seeds:
                raise ConfigError("--check takes no --seeds: it follows each source's own "
                                  "first listing and document")
            summary = check(args.source, args.country, overrides, enable=args.enable)
        else:
            seeds = read_seeds(args.seeds) if args.seeds else None
            summary = crawl(args.source, args.country, overrides, seeds,
                            seeds_only=not args.with_generated, enable=args.enable)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(summary.as_dict(), indent=1))
    else:
        print("\n".join(summary.lines()))
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())
