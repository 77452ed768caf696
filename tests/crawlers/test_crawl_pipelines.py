"""Provenance and validation pipelines, in-process (no engine): the framework owns provenance."""

from __future__ import annotations

from datetime import UTC
from types import SimpleNamespace

import pytest
from scrapy.exceptions import DropItem

from core.models import DocumentItem
from crawlers.pipelines.provenance import ProvenancePipeline
from crawlers.pipelines.validate import ValidatePipeline
from crawlers.spiders.usdos_crhrp import UsdosCrhrpSpider

MIRROR = "http://127.0.0.1:8123/"
PAGE = "reports/2024-country-reports-on-human-rights-practices/honduras/"


@pytest.fixture
def spider() -> UsdosCrhrpSpider:
    s = UsdosCrhrpSpider()
    s.source = s.real.rebased(MIRROR)
    return s


def item(**extra: object) -> dict:
    return {"url": MIRROR + PAGE, "title": "2024 Country Reports: Honduras", "countries": ["HN"],
            "raw": b"<h1>Honduras</h1>", "content_type": "text/html", **extra}


def test_provenance_is_stamped_and_the_real_url_cited(spider: UsdosCrhrpSpider) -> None:
    out = ProvenancePipeline(SimpleNamespace(spider=spider)).process_item(item())
    assert out["url"] == "https://www.state.gov/" + PAGE
    assert out["source_id"] == "usdos_crhrp" and out["retrieved_at"].tzinfo is UTC
    assert out["publisher"].startswith("U.S. Department of State") and out["language"] == "en"
    assert isinstance(ValidatePipeline(SimpleNamespace(spider=spider)).process_item(out),
                      DocumentItem)
    assert spider.report.items == 1 and spider.report.ok


def test_spider_set_provenance_is_refused(spider: UsdosCrhrpSpider) -> None:
    with pytest.raises(DropItem, match="provenance"):
        ProvenancePipeline(SimpleNamespace(spider=spider)).process_item(
            item(retrieved_at="2020-01-01T00:00:00Z"))
    assert "provenance" in spider.report.failures[0].reason


def test_invalid_item_is_dropped_with_its_reason(spider: UsdosCrhrpSpider) -> None:
    bad = ProvenancePipeline(SimpleNamespace(spider=spider)).process_item(
        item(countries=["XX"]))
    with pytest.raises(DropItem, match="countries"):
        ValidatePipeline(SimpleNamespace(spider=spider)).process_item(bad)
    assert spider.report.failures[0].url == "https://www.state.gov/" + PAGE
