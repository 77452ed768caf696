"""Golden tests: each page object against recorded responses shaped like the real sites.

Inputs live under tests/fixtures/crawlers/<source>/site/ at their real URL paths; the expected
item sits next to each input as `<file>.expected.json`. `CCKB_REGEN_GOLDEN=1` rewrites them
(review the diff before committing).
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Response, TextResponse

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

FIXTURES = Path(__file__).parents[1] / "fixtures" / "crawlers"
CRHRP = "reports/{}-country-reports-on-human-rights-practices/{}/index.html"
FR_IFR = json.loads((FIXTURES / "federal_register/site/api/v1/documents.json").read_text())


def response(source_id: str, rel: str) -> Response:
    """The recorded file served at its real URL, as Scrapy would hand it to a callback."""
    path = FIXTURES / source_id / "site" / rel
    url = load_source(source_id).base_url + rel.removesuffix("index.html").removesuffix(
        "index.json")
    if path.suffix in (".html", ".htm") or path.read_bytes().lstrip()[:1] == b"<":
        return HtmlResponse(url=url, body=path.read_bytes(),
                            headers={"Content-Type": "text/html; charset=utf-8"})
    return TextResponse(url=url, body=path.read_bytes(),
                        headers={"Content-Type": "application/json"})


def comparable(item: object) -> object:
    """JSON-friendly view: bytes by hash and length, dates as ISO strings."""
    if isinstance(item, dict):
        return {k: comparable(v) for k, v in sorted(item.items())}
    if isinstance(item, list | tuple):
        return [comparable(v) for v in item]
    if isinstance(item, bytes):
        return f"<{len(item)} bytes sha256:{hashlib.sha256(item).hexdigest()[:16]}>"
    if isinstance(item, date):
        return item.isoformat()
    return item


def check(source_id: str, rel: str, got: object) -> None:
    expected_path = FIXTURES / source_id / "site" / f"{rel}.expected.json"
    got = comparable(got)
    if os.environ.get("CCKB_REGEN_GOLDEN"):
        expected_path.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n")
    assert got == json.loads(expected_path.read_text())


@pytest.mark.parametrize("year,slug,iso2", [(2023, "honduras", "HN"), (2024, "honduras", "HN"),
                                            (2023, "guatemala", "GT"), (2024, "guatemala", "GT")])
def test_usdos_crhrp(year: int, slug: str, iso2: str) -> None:
    source = load_source("usdos_crhrp")
    edition = next(e for e in source.editions if e.year == year)
    rel = CRHRP.format(year, slug)
    item = usdos_crhrp.parse(response("usdos_crhrp", rel), source=source, iso2=iso2,
                             year=year, edition_note=edition.note)
    assert item["raw"] == (FIXTURES / "usdos_crhrp/site" / rel).read_bytes()
    check("usdos_crhrp", rel, item)


def test_federal_register_listing() -> None:
    rel = "api/v1/documents.json"
    results, next_url = federal_register.listing(response("federal_register", rel))
    check("federal_register", rel, {"results": [r["document_number"] for r in results],
                                    "next": next_url})


@pytest.mark.parametrize("record", FR_IFR["results"], ids=lambda r: r["document_number"])
def test_federal_register_document(record: dict) -> None:
    # the text comes from GovInfo (federalregister.gov gates its document pages for programs)
    rel = load_source("federal_register").url("text", **federal_register.text_path_values(record))
    rel = rel.split("federalregister.gov/", 1)[1]
    covered = list(load_source("federal_register").countries)
    item = federal_register.document(response("federal_register", rel), record=record,
                                     covered=covered, selected=["GT", "HN"])
    check("federal_register", rel, item)


def test_govuk_cpin_walk() -> None:
    names = load_source("govuk_cpin").countries
    coll = "api/content/government/collections/country-policy-and-information-notes"
    pub = "api/content/government/publications/honduras-country-policy-and-information-notes/"
    found = govuk_cpin.collection(response("govuk_cpin", coll), names)
    attachments = govuk_cpin.attachments(response("govuk_cpin", pub + "index.json"))
    check("govuk_cpin", coll, {"found": found, "attachments": attachments})


def test_govuk_cpin_note() -> None:
    rel = ("api/content/government/publications/honduras-country-policy-and-information-notes/"
           "country-policy-and-information-note-gangs-honduras-synthetic")
    item = govuk_cpin.note(response("govuk_cpin", rel), iso2="HN", web_base="https://www.gov.uk/")
    check("govuk_cpin", rel, item)


def test_reliefweb_reports() -> None:
    items, next_url = reliefweb.reports(response("reliefweb", "v2/reports"),
                                        list(load_source("reliefweb").countries))
    check("reliefweb", "v2/reports", {"items": items, "next": next_url})


@pytest.mark.parametrize("year,slug,iso2", [(2025, "honduras", "HN"), (2026, "guatemala", "GT")])
def test_hrw_world_report(year: int, slug: str, iso2: str) -> None:
    source = load_source("hrw_world_report")
    edition = next(e for e in source.editions if e.year == year)
    rel = f"world-report/{year}/country-chapters/{slug}"
    item = hrw_world_report.parse(response("hrw_world_report", rel), source=source, iso2=iso2,
                                  year=year, edition_note=edition.note)
    check("hrw_world_report", rel, item)


@pytest.mark.parametrize("year,slug,iso2", [(2024, "honduras", "HN"), (2025, "guatemala", "GT")])
def test_freedomhouse_fiw(year: int, slug: str, iso2: str) -> None:
    source = load_source("freedomhouse_fiw")
    edition = next(e for e in source.editions if e.year == year)
    rel = f"country/{slug}/freedom-world/{year}"
    resp = response("freedomhouse_fiw", rel)
    assert [h[:2] for h in freedomhouse_fiw.indicators(resp)] == ["A1", "F4"]
    item = freedomhouse_fiw.parse(resp, source=source, iso2=iso2, year=year,
                                  edition_note=edition.note)
    check("freedomhouse_fiw", rel, item)


@pytest.mark.parametrize("slug,iso2", [("honduras", "HN"), ("guatemala", "GT")])
def test_amnesty_report(slug: str, iso2: str) -> None:
    source = load_source("amnesty_report")
    rel = f"en/location/americas/central-america-and-the-caribbean/{slug}/report-{slug}/index.html"
    item = amnesty_report.parse(response("amnesty_report", rel), source=source, iso2=iso2)
    assert item["edition_note"].startswith("Amnesty International Report 2024/2025")
    check("amnesty_report", rel, item)


@pytest.mark.parametrize("year,slug,iso2", [(2022, "honduras", "HN"), (2023, "guatemala", "GT")])
def test_usdos_irf(year: int, slug: str, iso2: str) -> None:
    source = load_source("usdos_irf")
    edition = next(e for e in source.editions if e.year == year)
    rel = f"reports/{year}-report-on-international-religious-freedom/{slug}/index.html"
    item = usdos_irf.parse(response("usdos_irf", rel), source=source, iso2=iso2, year=year,
                           edition_note=edition.note)
    assert item["title"].startswith(f"{year} Report on International Religious Freedom: ")
    check("usdos_irf", rel, item)


UNHCR_HELP = {"HN": ("honduras", "como-solicitar-asilo/como-solicitar-la-condicion-de-refugiado"),
              "GT": ("guatemala", "como-solicitar-la-condicion-de-refugiado-en-guatemala")}


@pytest.mark.parametrize("iso2", sorted(UNHCR_HELP))
def test_unhcr_help(iso2: str) -> None:
    slug, page = UNHCR_HELP[iso2]
    keywords = list(load_source("unhcr_help").params["link_keywords"])
    links = unhcr_help.asylum_links(response("unhcr_help", f"{slug}/index.html"), slug, keywords)
    assert links == [f"https://help.unhcr.org/{slug}/{page}/"]
    rel = f"{slug}/{page}/index.html"
    item = unhcr_help.parse(response("unhcr_help", rel), iso2=iso2, country=slug.title())
    check("unhcr_help", rel, item)


@pytest.mark.parametrize("body", [
    b"<html><head><title>Federal Register :: Request Access</title></head><body><h1>Request "
    b"Access</h1><p>Due to aggressive automated scraping, programmatic access is limited.</p>"
    b"</body></html>",
    b"<html><body><h1>Page Not Found</h1><p>The requested package could not be found.</p>"
    b"</body></html>",
], ids=["gate", "error"])
def test_federal_register_gate_in_place_of_the_notice_is_refused(body: bytes) -> None:
    """A page that does not name the notice's document number or citation is not the notice."""
    record = FR_IFR["results"][0]
    url = load_source("federal_register").host_url(
        "govinfo", "text", **federal_register.text_path_values(record))
    gate = HtmlResponse(url=url, body=body, headers={"Content-Type": "text/html"})
    with pytest.raises(PageError, match="names neither document number"):
        federal_register.document(gate, record=record,
                                  covered=list(load_source("federal_register").countries),
                                  selected=["GT", "HN"])


@pytest.mark.parametrize("field,value", [("document_number", "../../etc/passwd"),
                                         ("publication_date", "2019-11")])
def test_federal_register_text_url_values_are_checked(field: str, value: str) -> None:
    record = {**FR_IFR["results"][0], field: value}
    with pytest.raises(PageError, match=field.replace("_", " ")):
        federal_register.text_path_values(record)
