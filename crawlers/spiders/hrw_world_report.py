"""HRW World Report: one chapter per country and yearly edition."""

from __future__ import annotations

from crawlers.pages import hrw_world_report
from crawlers.spiders.edition import EditionSpider


class HrwWorldReportSpider(EditionSpider):
    name = source_id = "hrw_world_report"
    path_name = "chapter"
    page = staticmethod(hrw_world_report.parse)
