"""Log lines that name the item's URL instead of dumping its (possibly 25 MB) body."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


def _label(item: Any) -> str:
    url = item.get("url") if isinstance(item, dict) else getattr(item, "url", None)
    return f"<item {url or '?'}>"


class QuietLogFormatter(LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Response | Failure | None,
                spider: Spider) -> LogFormatterResult:
        return {"level": logging.WARNING, "msg": "Dropped %(item)s: %(exception)s",
                "args": {"item": _label(item), "exception": exception}}

    def scraped(self, item: Any, response: Response | Failure | None,
                spider: Spider) -> LogFormatterResult:
        return {"level": logging.DEBUG, "msg": "Scraped %(item)s",
                "args": {"item": _label(item)}}

    def item_error(self, item: Any, exception: BaseException,
                   response: Response | Failure | None, spider: Spider) -> LogFormatterResult:
        return {"level": logging.ERROR, "msg": "Error processing %(item)s",
                "args": {"item": _label(item)}}
