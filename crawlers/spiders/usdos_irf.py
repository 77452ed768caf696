"""State Dept religious freedom reports: one page per country and edition."""

from __future__ import annotations

from crawlers.pages import usdos_irf
from crawlers.spiders.edition import EditionSpider


class UsdosIrfSpider(EditionSpider):
    name = source_id = "usdos_irf"
    path_name = "country"
    page = staticmethod(usdos_irf.parse)
