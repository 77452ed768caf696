"""Seed URLs: a spider fetches given real-site URLs (mapped onto the base URL) and reads them
with its own page object; seeds outside a source's host or URL patterns are refused by name."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from crawl_helpers import FIXTURES, Graph, by_source, run_crawl

from core.errors import ConfigError
from crawlers.mirror import MirrorServer
from crawlers.run import crawl_settings, match_seeds, read_seeds
from crawlers.spiders.base import Seed, SeedError
from crawlers.spiders.federal_register import FederalRegisterSpider
from crawlers.spiders.unhcr_help import UnhcrHelpSpider
from crawlers.spiders.usdos_crhrp import UsdosCrhrpSpider

HN_2023 = "https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/honduras/"
GT_UNHCR = "https://help.unhcr.org/guatemala/como-solicitar-la-condicion-de-refugiado-en-guatemala/"
CUSTOM = "https://www.state.gov/report/custom/322afa8cf7/"


def test_seed_file_lines_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "seeds.txt"
    path.write_text(f"# comment\n\n{HN_2023}\n"
                    + json.dumps({"url": CUSTOM, "source": "usdos_crhrp", "country": "GT",
                                  "edition_note": "custom excerpt"}) + "\n")
    assert read_seeds(path) == [Seed(HN_2023), Seed(CUSTOM, "usdos_crhrp", "GT",
                                                    "custom excerpt")]
    path.write_text(f"{HN_2023}\n{{not json\n")
    with pytest.raises(ConfigError, match="line 2: invalid JSON"):
        read_seeds(path)
    path.write_text(json.dumps({"url": HN_2023, "year": 2023}) + "\n")
    with pytest.raises(ConfigError, match=r"line 1: .*unknown \['year'\]"):
        read_seeds(path)
    with pytest.raises(ConfigError, match="seeds file"):
        read_seeds(tmp_path / "missing.txt")


def test_seed_values_come_from_the_source_patterns() -> None:
    match = UsdosCrhrpSpider.match_seed(Seed(HN_2023))
    assert (match.path_name, match.iso2, match.values["year"]) == ("country", "HN", "2023")
    # a URL that names no country (State custom report) takes the seed's country
    custom = UsdosCrhrpSpider.match_seed(Seed(CUSTOM, country="gt"))
    assert (custom.path_name, custom.iso2) == ("custom", "GT")
    # link-following sources take pages anywhere below a country site
    assert UnhcrHelpSpider.match_seed(Seed(GT_UNHCR)).iso2 == "GT"


@pytest.mark.parametrize(("spider", "seed", "message"), [
    (UsdosCrhrpSpider, Seed("https://2009-2017.state.gov/j/drl/rls/hrrpt/2007/100649.htm"),
     "not on usdos_crhrp's host www.state.gov"),
    (UsdosCrhrpSpider, Seed("https://www.state.gov/about/"),
     "path /about/ matches none of usdos_crhrp's URL patterns "
     "(/reports/{year}-country-reports-on-human-rights-practices/{slug}/, "
     "/report/custom/{id}/)"),
    (UsdosCrhrpSpider, Seed(CUSTOM), "the URL names no country"),
    (UsdosCrhrpSpider, Seed(HN_2023, country="GT"), "the URL names HN, the seed says GT"),
    (UsdosCrhrpSpider, Seed(HN_2023.replace("honduras", "mexico")), "matches none"),
    (UsdosCrhrpSpider, Seed(CUSTOM, country="MX"), "MX is not covered by usdos_crhrp"),
    (UnhcrHelpSpider, Seed("https://help.unhcr.org/mexico/asylum/"), "matches none"),
    (FederalRegisterSpider, Seed("https://www.federalregister.gov/documents/x"),
     "federal_register does not take seed URLs"),
])
def test_seeds_outside_a_source_are_refused(spider, seed: Seed, message: str) -> None:
    with pytest.raises(SeedError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("{", r"\{").replace("}", r"\}")):
        spider.match_seed(seed)


def test_seeds_find_their_source_or_are_reported() -> None:
    seeds = [Seed(HN_2023), Seed(GT_UNHCR), Seed("https://www.state.gov/about/"),
             Seed(HN_2023, source="nope"), Seed(HN_2023)]
    accepted, rejected = match_seeds(seeds, ["usdos_crhrp", "unhcr_help", "usdos_irf"],
                                     crawl_settings())
    assert {sid: [m.seed.url for m in ms] for sid, ms in accepted.items()} == {
        "usdos_crhrp": [HN_2023], "unhcr_help": [GT_UNHCR]}  # the duplicate seed is fetched once
    assert [(sid, url) for sid, url, _ in rejected] == [
        (None, "https://www.state.gov/about/"), (None, HN_2023)]
    assert "no source takes this URL" in rejected[0][2]
    assert "unknown source 'nope'" in rejected[1][2]


@pytest.fixture(scope="module")
def mirror() -> Iterator[MirrorServer]:
    with MirrorServer([FIXTURES / "usdos_crhrp" / "site", FIXTURES / "unhcr_help" / "site"]) as s:
        yield s


@pytest.mark.slow
def test_seed_crawl_through_the_engine(tmp_path: Path, mirror: MirrorServer) -> None:
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("\n".join([
        HN_2023,
        json.dumps({"url": GT_UNHCR, "source": "unhcr_help"}),
        json.dumps({"url": "https://www.hrw.org/es/report/x", "source": "usdos_crhrp"}),
    ]) + "\n")
    data_dir = tmp_path / "kb"
    code, summary, log = run_crawl(mirror.base_url, data_dir, ["--seeds", str(seeds)])
    assert code == 1, log[-3000:]  # the refused seed is a failure; the others are crawled
    reports = by_source(summary)
    assert sorted(reports) == ["unhcr_help", "usdos_crhrp"]
    crhrp, unhcr = reports["usdos_crhrp"], reports["unhcr_help"]
    assert crhrp["items"] == crhrp["ingested"] == 1 and unhcr["items"] == unhcr["ingested"] == 1
    assert crhrp["failures"] == [{"url": "https://www.hrw.org/es/report/x",
                                  "reason": "seed https://www.hrw.org/es/report/x: not on "
                                            "usdos_crhrp's host www.state.gov"}]
    assert unhcr["failures"] == []
    # only the seeds were fetched: no generated URL, no home page to follow links from
    assert set(mirror.hits) == {"/robots.txt", HN_2023.split(".gov", 1)[1],
                                GT_UNHCR.split(".org", 1)[1]}
    graph = Graph(data_dir)
    try:
        doc = graph.document(HN_2023)  # cited at the real site, not the mirror
        assert doc is not None and doc["source"] == "usdos_crhrp" and doc["countries"] == ["HN"]
        assert doc["doc"]["edition_note"].startswith("2023 edition")
        assert graph.document(GT_UNHCR)["countries"] == ["GT"]
    finally:
        graph.close()

    # --with-generated: the spider's own URLs as well (here: HN, both editions)
    mirror.hits.clear()
    seeds.write_text(HN_2023 + "\n")
    code, summary, log = run_crawl(mirror.base_url, data_dir, [
        "--seeds", str(seeds), "--with-generated", "--source", "usdos_crhrp", "--country", "HN"])
    assert code == 0, log[-3000:]
    assert by_source(summary)["usdos_crhrp"]["items"] == 2
    assert mirror.hits[HN_2023.split(".gov", 1)[1]] == 1  # a seed that is also generated: once
    assert mirror.hits[HN_2023.split(".gov", 1)[1].replace("2023", "2024")] == 1
