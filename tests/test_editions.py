"""Edition estimates for undated documents: from the title first, then the URL, never from ids."""

from __future__ import annotations

from datetime import date

import pytest

from core.editions import dating, estimate_edition

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(("title", "url", "year", "basis"), [
    ("2016 Trafficking in Persons Report - Guatemala", "https://www.ecoi.net/en/document/1", 2016,
     "title"),
    ("World Report 2024: Honduras | Human Rights Watch (Events of 2023)", None, 2024, "title"),
    ("Honduras", "https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/"
     "honduras/", 2023, "URL"),
    ("Notice", "https://www.federalregister.gov/documents/2019/11/19/2019-25137/x", 2019, "URL"),
    ("Informe anual 2021", "https://example.org/2018/x", 2021, "title"),
])
def test_edition_is_read_from_title_then_url(title, url, year, basis) -> None:
    edition = estimate_edition(title, url, TODAY)
    assert edition is not None and (edition.year, edition.basis) == (year, basis)
    assert edition.note == f"undated; edition estimated {year} from the {basis}"


@pytest.mark.parametrize(("title", "url"), [
    ("Responses to Information Requests", "https://irb-cisr.gc.ca/en/?doc=456245"),
    ("Country page", "https://example.org/documents/123456/report"),
    ("Population 2,0251 and route 2099", "https://example.org/a"),
    ("Report 1850 on the colony", None),
    (None, None),
])
def test_ids_impossible_years_and_nothing_give_no_estimate(title, url) -> None:
    assert estimate_edition(title, url, TODAY) is None


def test_a_date_wins_over_the_estimate_and_undated_says_so() -> None:
    assert dating("2020-03-01", "2016 Trafficking in Persons Report", None, TODAY) == (
        2020, "2020-03-01")
    assert dating(None, "2016 Trafficking in Persons Report", None, TODAY) == (
        2016, "undated; edition estimated 2016 from the title")
    assert dating("", "Honduras", "https://example.org/x", TODAY) == (
        None, "undated; no edition named in the title or URL")


def test_a_partial_date_is_shown_as_given_never_as_undated() -> None:
    assert dating("2023-05", "2016 Trafficking in Persons Report", None, TODAY) == (2023, "2023-05")
    assert dating("2019", None, None, TODAY) == (2019, "2019")
