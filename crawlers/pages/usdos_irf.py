"""A state.gov country chapter of the Report on International Religious Freedom.

Same state.gov report template as the human rights reports, so the CRHRP page object reads it;
this one also insists on the IRF's own first section, so a wrong report is refused.
"""

from __future__ import annotations

from scrapy.http import Response

from crawlers.pages import usdos_crhrp
from crawlers.pages.base import PageError, clean, text_response
from crawlers.source_config import SourceConfig

SECTION = "Religious Demography"


def parse(response: Response, source: SourceConfig, iso2: str, year: int,
          edition_note: str | None) -> dict:
    item = usdos_crhrp.parse(response, source=source, iso2=iso2, year=year,
                             edition_note=edition_note)
    headings = [clean(" ".join(h.css("::text").getall()))
                for h in text_response(response).css(usdos_crhrp.BODY).css("h2")]
    if not any(SECTION.lower() in h.lower() for h in headings):
        raise PageError(f"{response.url}: no '{SECTION}' section (h2); "
                        "not a religious freedom report chapter")
    return item
