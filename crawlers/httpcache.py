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
from scrapy.extensions.httpcache import FilesystemCacheStorage
from scrapy.http import Response

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
