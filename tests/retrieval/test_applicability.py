"""Agreement applicability comes from the registry with citations, or is honestly unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from retrieval.applicability import applicability


def test_missing_registry_is_an_error_not_unknown(tmp_path: Path):
    with pytest.raises(ConfigError, match="agreements registry not found: .*none.yaml"):
        applicability("HN", "VE", tmp_path / "none.yaml")


def test_registry_answers_with_citations():
    answer = applicability("HN", "VE")
    assert answer["agreement"] == "us-hn-2025" and answer["citations"] and answer["reason"]
    assert applicability("HN", "HN")["excluded"] is True


def test_no_nationality_is_unknown():
    assert applicability("HN", None)["status"] == "unknown"


def test_broken_registry_is_unknown_not_a_crash(tmp_path: Path):
    bad = tmp_path / "agreements.yaml"
    bad.write_text("agreements: [{id: 1}]\n")
    answer = applicability("HN", "VE", bad)
    assert answer["status"] == "unknown" and "not usable" in answer["reason"]


def test_unaccompanied_child_from_the_profile_reaches_the_answer():
    stated = applicability("UG", "CD", unaccompanied_child=True)
    silent = applicability("UG", "CD")
    assert stated["excluded"] is True and "Unaccompanied child" in stated["reason"]
    assert silent["excluded"] is not True and "not given" in silent["reason"]
