"""Strictness: a page that lacks a required part raises a PageError naming the part."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, TextResponse

from crawlers.pages import (
    amnesty_report,
    federal_register,
    freedomhouse_fiw,
    govuk_cpin,
    hrw_world_report,
    reliefweb,
    unhcr_help,
    usdos_crhrp,
    usdos_irf,
)
from crawlers.pages.base import PageError
from crawlers.source_config import load_source

URL = "https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/honduras/"


def html(body: str, url: str = URL) -> HtmlResponse:
    return HtmlResponse(url=url, body=body.encode(), headers={"Content-Type": "text/html"})


def crhrp(resp: HtmlResponse) -> dict:
    return usdos_crhrp.parse(resp, source=load_source("usdos_crhrp"), iso2="HN", year=2023,
                             edition_note=None)


@pytest.mark.parametrize("body,what", [
    ("<html><body><p>Service unavailable</p></body></html>", "country heading"),
    ("<h1>Honduras</h1><div class='sidebar'><h2>x</h2></div>", "report body"),
    ("<h1>Honduras</h1><section class='entry-content'><p>only text</p></section>",
     "section headings"),
    ("<h1> </h1><section class='entry-content'><h2>x</h2></section>", "empty"),
])
def test_crhrp_missing_parts_raise(body: str, what: str) -> None:
    with pytest.raises(PageError, match=what):
        crhrp(html(body))


def test_crhrp_wrong_edition_raises() -> None:
    url = URL.replace("2023", "2022")
    body = "<h1>Honduras</h1><section class='entry-content'><h2>Summary</h2></section>"
    with pytest.raises(PageError, match="not the 2023 edition"):
        crhrp(html(body, url))


def test_binary_response_is_refused() -> None:
    from scrapy.http import Response

    resp = Response(url=URL, body=b"%PDF-1.7", headers={"Content-Type": "application/pdf"})
    with pytest.raises(PageError, match="expected a text response"):
        crhrp(resp)  # type: ignore[arg-type]


def json_response(body: str) -> TextResponse:
    return TextResponse(url="https://api.example/x", body=body.encode(),
                        headers={"Content-Type": "application/json"})


def test_json_pages_name_the_missing_field() -> None:
    with pytest.raises(PageError, match="not JSON"):
        federal_register.listing(json_response("<html>maintenance</html>"))
    with pytest.raises(PageError, match="body_html_url"):
        federal_register.listing(json_response(
            '{"count": 1, "results": [{"document_number": "1", "title": "t", '
            '"html_url": "https://x", "publication_date": "2025-01-01"}]}'))
    with pytest.raises(PageError, match="links.documents"):
        govuk_cpin.collection(json_response('{"links": {}}'), {"HN": "Honduras"})
    with pytest.raises(PageError, match="no HTML attachment"):
        govuk_cpin.attachments(json_response('{"details": {"attachments": []}}'))
    with pytest.raises(PageError, match="html_publication"):
        govuk_cpin.note(json_response('{"document_type": "guide"}'), "HN", "https://www.gov.uk/")
    with pytest.raises(PageError, match="'data'"):
        reliefweb.reports(json_response('{"error": {"status": 403}}'), ["HN"])


def test_empty_federal_register_search_is_empty_not_an_error() -> None:
    for body in ('{"count": 0, "description": "x"}', '{"count": 0, "results": []}'):
        assert federal_register.listing(json_response(body)) == ([], None)


def test_hrw_chapter_of_another_year_raises() -> None:
    url = "https://www.hrw.org/world-report/2026/country-chapters/honduras"
    body = ("<h1>Honduras: Events of 2023</h1><div class='rich-text'><p>a</p><p>b</p></div>")
    with pytest.raises(PageError, match="Events of 2025"):
        hrw_world_report.parse(html(body, url), source=load_source("hrw_world_report"),
                               iso2="HN", year=2026, edition_note=None)


def hrw(body: str, url: str, year: int) -> dict:
    return hrw_world_report.parse(html(body, url), source=load_source("hrw_world_report"),
                                  iso2="HN", year=year, edition_note=None)


CHAPTER = "<div class='rich-text'><p>a</p><p>b</p></div>"


def test_hrw_edition_is_read_from_the_real_title_form_or_the_url() -> None:
    # the <title> form of the real 2024 Honduras chapter, no "Events of" anywhere
    body = ("<title>World Report 2024: Honduras | Human Rights Watch</title>"
            f"<h1>Honduras</h1>{CHAPTER}")
    item = hrw(body, "https://www.hrw.org/world-report/2024/country-chapters/honduras", 2024)
    assert item["title"] == "World Report 2024: Honduras"
    # the URL alone carries the edition
    item = hrw(f"<h1>Honduras</h1>{CHAPTER}",
               "https://www.hrw.org/world-report/2024/country-chapters/honduras", 2024)
    assert item["title"] == "World Report 2024: Honduras"
    # a heading that already names the edition is not prefixed twice
    item = hrw(f"<h1>World Report 2024: Honduras</h1>{CHAPTER}",
               "https://www.hrw.org/node/1", 2024)
    assert item["title"] == "World Report 2024: Honduras"


@pytest.mark.parametrize("body,url,said", [
    # a 2024 chapter served at the 2025 address
    ("<title>World Report 2024: Honduras | Human Rights Watch</title><h1>Honduras</h1>",
     "https://www.hrw.org/world-report/2025/country-chapters/honduras", "World Report 2024"),
    # no edition anywhere (a seed or redirect to an address without the year)
    ("<title>Honduras | Human Rights Watch</title><h1>Honduras</h1>",
     "https://www.hrw.org/americas/honduras", "no 'World Report 2025'"),
])
def test_hrw_chapter_without_its_edition_raises(body: str, url: str, said: str) -> None:
    with pytest.raises(PageError, match=said):
        hrw(body + CHAPTER, url, 2025)


def test_freedomhouse_page_without_indicators_raises() -> None:
    url = "https://freedomhouse.org/country/honduras/freedom-world/2025"
    body = "<h1>Honduras</h1><h2>Overview</h2><p>Access denied</p>"
    with pytest.raises(PageError, match="A1-G4"):
        freedomhouse_fiw.parse(html(body, url), source=load_source("freedomhouse_fiw"),
                               iso2="HN", year=2025, edition_note=None)


def test_amnesty_page_without_a_report_year_raises() -> None:
    url = ("https://www.amnesty.org/en/location/americas/central-america-and-the-caribbean/"
           "honduras/report-honduras/")
    source = load_source("amnesty_report")
    body = "<h1>Honduras</h1><div class='article-content'><p>a</p><p>b</p></div>"
    with pytest.raises(PageError, match="no report year"):
        amnesty_report.parse(html(body, url), source=source, iso2="HN")
    with pytest.raises(PageError, match="report body"):
        amnesty_report.parse(html("<h1>Honduras 2024</h1><p>x</p>", url), source=source,
                             iso2="HN")


def test_irf_parser_refuses_a_human_rights_report_page() -> None:
    url = "https://www.state.gov/reports/2023-report-on-international-religious-freedom/honduras/"
    body = ("<h1>Honduras</h1><section class='entry-content'><h2>Executive Summary</h2>"
            "<h2>Section 1. Respect for the Integrity of the Person</h2></section>")
    with pytest.raises(PageError, match="Religious Demography"):
        usdos_irf.parse(html(body, url), source=load_source("usdos_irf"), iso2="HN", year=2023,
                        edition_note=None)


def test_unhcr_help_home_without_asylum_links_raises() -> None:
    url = "https://help.unhcr.org/honduras/"
    body = ("<a href='https://help.unhcr.org/honduras/contactanos/'>Contacto</a>"
            "<a href='https://help.unhcr.org/guatemala/como-solicitar-asilo/'>GT</a>")
    with pytest.raises(PageError, match="no link to an asylum page"):
        unhcr_help.asylum_links(html(body, url), "honduras", ["asilo"])
    with pytest.raises(PageError, match="page heading"):
        unhcr_help.parse(html("<div class='entry-content'><p>x</p></div>", url), iso2="HN",
                         country="Honduras")
