"""Block pages become `Blocked` failures; an unreadable robots.txt blocks its host.

`BlockMiddleware` sits between the redirect middleware and the downloader, so it sees a
redirect to an `unblock.` host before it is followed and every answer before a spider parses it.
`StrictRobotsTxtMiddleware` replaces Scrapy's: Scrapy parses whatever a robots.txt request
returns, so a CDN's 403 page (or a 5xx) reads as "allow all". Here such a host is blocked for
the crawl and named in the report. A 404 or 410 robots.txt still means "no rules" (RFC 9309
2.3.1.3: the file does not exist), and robots.txt rules are obeyed as before.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from crawlers.blocks import Block, Blocked, detect

log = logging.getLogger(__name__)
NO_FILE = {404, 410}  # robots.txt absent: no rules (RFC 9309)
DISALLOW_ALL = "cckb/robots_disallow_all/"  # stats key prefix, + "scheme://netloc"
ROBOTS = "cckb/robots/"  # stats key prefix, + "scheme://netloc": "HTTP 200" or "error: ..."


def _is_robots(request: Request) -> bool:
    return urlparse_cached(request).path == "/robots.txt"


class BlockMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BlockMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        if _is_robots(request):
            return response  # StrictRobotsTxtMiddleware judges robots.txt answers
        block = detect(response)
        if block is None:
            return response
        log.warning("blocked: %s (%s)", request.url, block.detail)
        if self.crawler.stats:
            self.crawler.stats.inc_value(f"cckb/blocked/{block.kind}")
        raise Blocked(block)


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.blocked: dict[str, Block] = {}
        self.roots: dict[str, str] = {}  # netloc -> scheme://netloc (for the robots.txt record)

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get("dont_obey_robotstxt"):
            return
        if request.url.startswith(("data:", "file:")):
            return
        url = urlparse_cached(request)
        self.roots.setdefault(url.netloc, f"{url.scheme}://{url.netloc}")
        parser = await self.robot_parser(request)
        block = self.blocked.get(urlparse_cached(request).netloc)
        if block is not None:
            raise Blocked(block)
        self.process_request_2(parser, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        root = self.roots.get(netloc, f"http://{netloc}")
        self._stats.set_value(ROBOTS + root, f"error: {type(exc).__name__}: {exc}".strip())
        super()._robots_error(exc, netloc)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        url = urlparse_cached(request)
        self._stats.set_value(ROBOTS + f"{url.scheme}://{netloc}", f"HTTP {response.status}")
        if response.status >= 400 and response.status not in NO_FILE:
            block = Block(urlparse_cached(request).hostname or netloc, "robots",
                          f"robots.txt answered HTTP {response.status}; treated as blocked, "
                          "not as allow-all")
            log.error("%s: %s", netloc, block.detail)
            self.blocked[netloc] = block
            self._stats.inc_value("cckb/blocked/robots")
        await super()._parse_robots(response, netloc, request)
        parser = self._parsers.get(netloc)
        root = f"{url.scheme}://{netloc}"
        useragent = self._robotstxt_useragent or request.headers.get(
            b"User-Agent", self._default_useragent)
        if (netloc not in self.blocked and parser is not None and hasattr(parser, "allowed")
                and not parser.allowed(root + "/", useragent)
                and not parser.allowed(request.url, useragent)):
            log.error("robots.txt of %s disallows every path for this crawler", netloc)
            self._stats.set_value(DISALLOW_ALL + root, 1)
