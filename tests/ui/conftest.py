"""The UI tests' knowledge base (tests/small_kb.py), closed again before the app opens it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.small_kb import SCRIPT, load_decisions, open_small_kb

__all__ = ["APP", "PROFILE", "ROOT", "SCRIPT"]

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "ui" / "app.py"
PROFILE = {"nationality": "VE", "third_countries": ["HN", "GT"], "sexual_orientation": "gay",
           "narrative": "He was beaten by gang members because he is gay."}


@pytest.fixture(scope="module")
def ui_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The data directory of a freshly ingested KB; the ingest connection is closed again so
    the app under test opens its own, as it would in production."""
    data_dir = tmp_path_factory.mktemp("ui-kb")
    kb = open_small_kb(data_dir)
    try:
        load_decisions(kb, "HND", "HN")  # UNHCR asylum decisions, shown next to the evidence
    finally:
        kb.close()
    yield data_dir
