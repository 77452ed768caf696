"""Spanish and English publication dates on the real extraction paths (import and crawl)."""

from __future__ import annotations

from datetime import date

import pytest
from scrapy.http import HtmlResponse

from core.dates import UnreadableDate, read_date
from crawlers.pages import unhcr_help
from crawlers.pages.base import PageError, parse_date
from ingest.extract import extract

UNHCR = "https://help.unhcr.org/honduras/como-solicitar-asilo/"
BODY = ("<p>" + "Las personas que necesitan protección internacional pueden solicitar asilo "
        "en Honduras ante la Gerencia de Derechos Humanos. " * 6 + "</p>")


def page(head: str, body: str = "") -> str:
    return (f"<html lang='es'><head><title>Solicitar asilo</title>{head}</head><body>"
            f"<article><h1>Cómo solicitar asilo</h1>{body}{BODY}</article></body></html>")


def unhcr(value: str) -> dict:
    html = page(f'<meta property="article:published_time" content="{value}">')
    html = html.replace("<article>", "<div class='entry-content'>").replace(
        "</article>", "</div>")
    resp = HtmlResponse(url=UNHCR, body=html.encode(), headers={"Content-Type": "text/html"})
    return unhcr_help.parse(resp, iso2="HN", country="Honduras")


@pytest.mark.parametrize("value,expected", [
    ("12 de marzo de 2024", "2024-03-12"),
    ("12 de marzo, 2024", "2024-03-12"),
    ("publicado el 3 de enero de 2025", "2025-01-03"),
    ("3 de setiembre de 2023", "2023-09-03"),
    ("3 de septiembre de 2023", "2023-09-03"),
    ("Lunes, 1º de diciembre del 2025", "2025-12-01"),
    ("15 DE AGOSTO DE 2022", "2022-08-15"),
    ("March 12, 2024", "2024-03-12"),
    ("12 March 2024", "2024-03-12"),
    ("2024-03-12T08:00:00Z", "2024-03-12"),
])
def test_imported_html_page_keeps_its_spanish_or_english_date(value: str, expected: str) -> None:
    doc = extract(page(f'<meta name="date" content="{value}">').encode(), "html")
    assert doc.published == expected
    assert unhcr(value)["published"] == date.fromisoformat(expected)


def test_date_written_in_a_time_element_is_read() -> None:
    body = '<time itemprop="datePublished">publicado el 3 de enero de 2025</time>'
    assert extract(page("", body).encode(), "html").published == "2025-01-03"


@pytest.mark.parametrize("value", ["marzo de 2024", "Marzo 2024", "March 2024"])
def test_month_and_year_is_undated_not_a_guessed_day_nor_an_error(value: str) -> None:
    assert extract(page(f'<meta name="date" content="{value}">').encode(), "html").published \
        is None
    assert unhcr(value)["published"] is None


@pytest.mark.parametrize("value", ["hola mundo", "31 de febrero de 2024", "12 de marzzo de 2024"])
def test_not_a_date_is_a_page_error_on_crawl_and_undated_on_import(value: str) -> None:
    with pytest.raises(UnreadableDate):
        read_date(value)
    with pytest.raises(PageError, match="date"):
        parse_date(value)
    with pytest.raises(PageError, match="date"):
        unhcr(value)
    assert extract(page(f'<meta name="date" content="{value}">').encode(), "html").published \
        is None
