"""The framework, not the spider, says where and when an item came from."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy.exceptions import DropItem

from crawlers.pipelines.base import SpiderPipeline

PROVENANCE = ("retrieved_at", "sha256", "archive_path", "source_id")


class ProvenancePipeline(SpiderPipeline):
    def process_item(self, item: dict) -> dict:
        spider = self.spider
        spider.report.items += 1
        claimed = [k for k in PROVENANCE if k in item]
        if claimed:
            spider.report.fail(str(item.get("url")), f"spider set provenance fields {claimed}")
            raise DropItem(f"spider set provenance fields {claimed}")
        item = dict(item)
        item["url"] = spider.public_url(str(item.get("url", "")))
        item["source_id"] = spider.source_id
        item["retrieved_at"] = datetime.now(UTC)
        item.setdefault("publisher", spider.real.publisher)
        if spider.real.language:
            item.setdefault("language", spider.real.language)
        if spider.real.intermediary:
            item.setdefault("intermediary", spider.real.intermediary)
        return item
