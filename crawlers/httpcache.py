"""Scrapy's filesystem HTTP cache, made safe against a crawl killed while it writes an entry.

Scrapy writes an entry as six files in place, metadata first. A crawl killed between them (or
between opening a file and writing it) leaves an entry whose metadata promises a response it
does not hold: on the next crawl the RFC 2616 policy revalidates it, the site answers 304, and
the empty or missing body is used as the page, so its documents are silently lost, on every
re-crawl. Here an entry is written into a temporary directory and renamed into place, so it is
either whole or absent, and an entry that cannot be read (older torn entries) counts as a miss.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.extensions.httpcache import FilesystemCacheStorage, RFC2616Policy
from scrapy.http import Response

from crawlers.blocks import detect

log = logging.getLogger(__name__)
# Scrapy writes request_body last: without it, an entry from an older, non-atomic write is torn
_PARTS = ("pickled_meta", "response_headers", "response_body", "request_body")


class AtomicFilesystemCacheStorage(FilesystemCacheStorage):
    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        final = Path(self._get_request_path(spider, request))
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f"{final.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        real = self._get_request_path
        self._get_request_path = lambda *_: str(tmp)  # type: ignore[method-assign]
        try:
            super().store_response(spider, request, response)
        finally:
            self._get_request_path = real  # type: ignore[method-assign]
        if final.exists():  # a kill between these two steps leaves a miss, never a torn entry
            shutil.rmtree(final)
        os.rename(tmp, final)

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        rpath = Path(self._get_request_path(spider, request))
        if not all((rpath / part).is_file() for part in _PARTS):
            return None
        try:
            return super().retrieve_response(spider, request)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, KeyError) as exc:
            log.warning("ignoring unreadable HTTP cache entry %s: %s", rpath, exc)
            return None

    def _read_meta(self, spider: Spider, request: Request) -> dict[str, Any] | None:
        try:
            return super()._read_meta(spider, request)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError) as exc:
            log.warning("ignoring unreadable HTTP cache metadata for %s: %s", request.url, exc)
            return None


class NoErrorsRFC2616Policy(RFC2616Policy):
    """RFC 2616 caching that never keeps an error or a block page.

    `HTTPCACHE_IGNORE_HTTP_CODES` only applies to Scrapy's DummyPolicy: under RFC2616Policy a
    503, 429 or 403 sent with expiry headers was stored and, while fresh, served again, even to
    the retry of that very 503. Here a 4xx/5xx answer or a block page is never stored, and one
    stored by an older crawl is neither fresh nor valid, so it is fetched again.
    """

    @staticmethod
    def _unusable(response: Response) -> bool:
        return response.status >= 400 or detect(response) is not None

    def should_cache_response(self, response: Response, request: Request) -> bool:
        return not self._unusable(response) and super().should_cache_response(response, request)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        return (not self._unusable(cachedresponse)
                and super().is_cached_response_fresh(cachedresponse, request))

    def is_cached_response_valid(self, cachedresponse: Response, response: Response,
                                 request: Request) -> bool:
        return (not self._unusable(cachedresponse)
                and super().is_cached_response_valid(cachedresponse, response, request))
