"""Strict validation: an item either is a DocumentItem (or, marked `kind: statistics`, a
StatisticsItem) or is dropped with its reason counted."""

from __future__ import annotations

from pydantic import ValidationError
from scrapy.exceptions import DropItem

from core.models import DocumentItem, StatisticsItem
from crawlers.pipelines.base import SpiderPipeline


def _reason(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'item'}: {e['msg']}"
                     for e in exc.errors())


class ValidatePipeline(SpiderPipeline):
    def process_item(self, item: dict) -> DocumentItem | StatisticsItem:
        spider = self.spider
        model = StatisticsItem if item.get("kind") == "statistics" else DocumentItem
        try:
            return model.model_validate(item)
        except ValidationError as exc:
            reason = _reason(exc)
            spider.report.fail(str(item.get("url")), f"invalid item: {reason}")
            raise DropItem(f"invalid item: {reason}") from None
