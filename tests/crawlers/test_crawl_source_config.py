"""Source YAML files: every one validates, and unknown keys are refused."""

from __future__ import annotations

import pytest
import yaml

from core.errors import ConfigError
from crawlers.source_config import (
    SOURCES_DIR,
    SourceConfig,
    fetch_url,
    load_source,
    public_url,
    source_ids,
)


@pytest.mark.parametrize("source_id", source_ids())
def test_every_source_file_validates(source_id: str) -> None:
    source = load_source(source_id)
    assert source.allowed_domains and source.countries


def test_unknown_key_is_refused() -> None:
    data = yaml.safe_load((SOURCES_DIR / "usdos_crhrp.yml").read_text())
    with pytest.raises(ValueError, match="extra"):
        SourceConfig.model_validate({**data, "api_key": "x"})


def test_unknown_country_and_source_are_refused() -> None:
    data = yaml.safe_load((SOURCES_DIR / "usdos_crhrp.yml").read_text())
    with pytest.raises(ValueError, match="unknown ISO2"):
        SourceConfig.model_validate({**data, "countries": {"XX": "nowhere"}})
    with pytest.raises(ConfigError, match="unknown source"):
        load_source("no_such_source")


def test_mirror_urls_map_back_to_the_real_site() -> None:
    real = load_source("federal_register")
    served = real.rebased("http://127.0.0.1:8000")
    assert served.allowed_domains == ["127.0.0.1"]
    page = "https://www.federalregister.gov/documents/full_text/html/2019/11/19/2019-25137.html"
    local = fetch_url(page, real, served)
    assert local.startswith("http://127.0.0.1:8000/documents/")
    assert public_url(local, real, served) == page
    assert public_url(page, real, real) == page
