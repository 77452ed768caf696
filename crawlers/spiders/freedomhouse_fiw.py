"""Freedom in the World: one report per country and yearly edition."""

from __future__ import annotations

from crawlers.pages import freedomhouse_fiw
from crawlers.spiders.edition import EditionSpider


class FreedomhouseFiwSpider(EditionSpider):
    name = source_id = "freedomhouse_fiw"
    path_name = "report"
    page = staticmethod(freedomhouse_fiw.parse)
