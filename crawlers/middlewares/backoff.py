"""Retries with exponential backoff: a struggling server gets breathing room, not a hammering.

A 429 or 503 carrying `Retry-After` (seconds or an HTTP date) is retried no sooner than it asks;
one asking for more than `RETRY_AFTER_MAX` seconds is not retried at all (the answer then fails
as `HTTP 503`/`429`, and the log says why), since retrying earlier would ignore the request.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response

log = logging.getLogger(__name__)
RETRY_AFTER_CODES = {429, 503}


def retry_after(response: Response, now: float | None = None) -> float | None:
    """Seconds the `Retry-After` header asks for; None when absent or unreadable."""
    raw = response.headers.get(b"Retry-After")
    if not raw:
        return None
    value = raw.decode("latin-1").strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry (same codes, exceptions and RETRY_TIMES) plus a growing pause per retry,
    never shorter than the server's `Retry-After`."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        o = super().from_crawler(crawler)
        o.backoff_base = crawler.settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        o.backoff_max = crawler.settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        o.retry_after_max = crawler.settings.getfloat("RETRY_AFTER_MAX", 300.0)
        return o

    async def _pause(self, retry: Request, at_least: float = 0.0) -> None:
        attempt = int(retry.meta.get("retry_times", 1))
        backoff = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        await asyncio.sleep(max(backoff, at_least))

    async def process_response(self, request: Request, response: Response,
                               spider: Spider | None = None) -> Request | Response:
        wait = retry_after(response) if response.status in RETRY_AFTER_CODES else None
        if wait is not None and wait > self.retry_after_max:
            log.warning("%s: HTTP %s asks to retry after %.0f s (over RETRY_AFTER_MAX %.0f s); "
                        "not retried", request.url, response.status, wait, self.retry_after_max)
            return response
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._pause(result, wait or 0.0)
        return result

    async def process_exception(self, request: Request, exception: Exception,
                                spider: Spider | None = None) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._pause(result)
        return result
