"""Reliability tests import the harnesses from bench/ so the test and the bench share one code.

The `fast_kb` fixture is a real knowledge base: embedded FalkorDB, archive, enricher and the real
offline model (loaded once per test session).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.settings import load_settings  # noqa: E402
from ingest.kb import KnowledgeBase  # noqa: E402


@pytest.fixture
def fast_kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    kb = KnowledgeBase.open(load_settings({"CCKB_DATA_DIR": str(tmp_path / "kb")}))
    kb.init()
    yield kb
    kb.close()
