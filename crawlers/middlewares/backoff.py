"""Retries with exponential backoff: a struggling server gets breathing room, not a hammering."""

from __future__ import annotations

import asyncio

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry (same codes, exceptions and RETRY_TIMES) plus a growing pause per retry."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        o = super().from_crawler(crawler)
        o.backoff_base = crawler.settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        o.backoff_max = crawler.settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        return o

    async def _pause(self, retry: Request) -> None:
        attempt = int(retry.meta.get("retry_times", 1))
        await asyncio.sleep(min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1)))

    async def process_response(self, request: Request, response: Response,
                               spider: Spider | None = None) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._pause(result)
        return result

    async def process_exception(self, request: Request, exception: Exception,
                                spider: Spider | None = None) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._pause(result)
        return result
