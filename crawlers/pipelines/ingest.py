"""Hand-off to the one document path (archive, extraction, enrichment, embedding, graph), or
for a statistics answer page to `ingest.statistics` (archive, graph; nothing embedded).

The knowledge base is opened once per crawl: loading the embedding model is the slow part.
Ingest runs on one worker thread, so embedding never stalls the reactor (downloads, timeouts and
retries keep their timing) and documents are still written one at a time.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from core.errors import CckbError
from core.models import DocumentItem, StatisticsItem
from core.settings import load_settings
from crawlers.pipelines.base import SpiderPipeline
from ingest.kb import KnowledgeBase
from ingest.statistics import ingest_statistics

log = logging.getLogger(__name__)
Item = DocumentItem | StatisticsItem


class IngestPipeline(SpiderPipeline):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.enabled = crawler.settings.getbool("CCKB_INGEST", True)
        self.kb: KnowledgeBase | None = None
        self.worker: ThreadPoolExecutor | None = None

    def open_spider(self) -> None:
        if self.enabled:
            self.kb = KnowledgeBase.open(load_settings())
            self.kb.init()
            self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cckb-ingest")

    def close_spider(self) -> None:
        if self.worker is not None:
            self.worker.shutdown(wait=True)
            self.worker = None
        if self.kb is not None:
            self.kb.close()
            self.kb = None

    async def process_item(self, item: Item) -> Item:
        spider = self.spider
        if self.kb is None or self.worker is None:
            return item
        if isinstance(item, StatisticsItem):
            job = self.worker.submit(ingest_statistics, self.kb.store, self.kb.archive, item)
        else:
            job = self.worker.submit(self.kb.ingestor.ingest_item, item)
        try:
            counts = await asyncio.wrap_future(job)
        except CckbError as exc:
            spider.fail(item.url, f"ingest: {exc}")
            raise DropItem(f"ingest: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - a bug on one document must not stop the crawl
            log.exception("internal error ingesting %s", item.url)
            spider.fail(item.url, f"ingest: internal error: {type(exc).__name__}: {exc}")
            raise DropItem(f"ingest: internal error: {exc}") from None
        spider.report.counts.merge(counts)
        spider.report.ingested += 1
        return item
