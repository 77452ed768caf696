"""Pipelines reach the running spider through the crawler (Scrapy >= 2.13 style)."""

from __future__ import annotations

from scrapy.crawler import Crawler

from crawlers.spiders.base import SourceSpider


class SpiderPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SpiderPipeline:
        return cls(crawler)

    @property
    def spider(self) -> SourceSpider:
        spider = self.crawler.spider
        if not isinstance(spider, SourceSpider):
            raise TypeError("cckb pipelines only run with crawlers.spiders.base.SourceSpider")
        return spider
