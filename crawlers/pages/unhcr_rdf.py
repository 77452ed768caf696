"""UNHCR Refugee Data Finder API: one asylum-decisions answer page -> its rows, all or nothing."""

from __future__ import annotations

from scrapy.http import Response

from crawlers.pages.base import PageError, json_body

COUNTS = ("dec_recognized", "dec_other", "dec_rejected", "dec_closed", "dec_total")
TEXT = ("coa_name", "coo_iso", "coo_name", "procedure_type", "dec_level", "dec_pc")
MISSING = (None, "", "-")  # how the API writes "no figure"


def _count(record: dict, key: str, where: str) -> int | None:
    """A count as the API gives it: a number, or a numeric string ("0" happens); None if absent."""
    value = record.get(key)
    if value in MISSING:
        return None
    if isinstance(value, bool):
        raise PageError(f"{where}: field {key!r} is not a count: {value!r}")
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    raise PageError(f"{where}: field {key!r} is not a count: {value!r}")


def row(record: object, where: str) -> dict:
    """One item with the fields we keep; `where` names it in errors (URL and item index)."""
    if not isinstance(record, dict):
        raise PageError(f"{where}: item is not a JSON object")
    year = record.get("year")
    if isinstance(year, str) and year.isdigit():
        year = int(year)
    if not isinstance(year, int) or isinstance(year, bool):
        raise PageError(f"{where}: JSON field 'year' missing or not a year: {year!r}")
    coa = record.get("coa_iso")
    if not isinstance(coa, str) or len(coa.strip()) != 3:
        raise PageError(f"{where}: JSON field 'coa_iso' missing or not ISO3: {coa!r}")
    out: dict = {"year": year, "coa_iso": coa.strip().upper()}
    for key in TEXT:
        value = record.get(key)
        out[key] = None if value in MISSING else str(value).strip()
    if out["coo_iso"]:
        out["coo_iso"] = out["coo_iso"].upper()
    for key in COUNTS:
        out[key] = _count(record, key, where)
    if out["dec_total"] is None:
        raise PageError(f"{where}: JSON field 'dec_total' missing")
    return out


def decisions(response: Response, coa: str) -> tuple[list[dict], int, int]:
    """(rows, this page, last page) of an answer to a query for country of asylum `coa` (ISO3).

    Any bad item fails the whole page (nothing of it is loaded); a row about another country of
    asylum means the answer is not the one asked for.
    """
    data = json_body(response)
    items = data.get("items")
    if not isinstance(items, list):
        raise PageError(f"{response.url}: JSON field 'items' missing or not a list")
    page, last = data.get("page", 1), data.get("maxPages")
    if not isinstance(page, int) or not isinstance(last, int):
        raise PageError(f"{response.url}: JSON fields 'page'/'maxPages' missing or not numbers")
    rows = [row(r, f"{response.url} item {i}") for i, r in enumerate(items)]
    other = sorted({r["coa_iso"] for r in rows} - {coa.upper()})
    if other:
        raise PageError(f"{response.url}: rows for country of asylum {other}, asked for {coa}")
    return rows, page, last
