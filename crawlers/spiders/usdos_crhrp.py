"""State Dept human rights reports: one page per country and edition (2023, 2024)."""

from __future__ import annotations

from crawlers.pages import usdos_crhrp
from crawlers.spiders.edition import EditionSpider


class UsdosCrhrpSpider(EditionSpider):
    name = source_id = "usdos_crhrp"
    path_name = "country"
    page = staticmethod(usdos_crhrp.parse)
