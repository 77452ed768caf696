"""A real knowledge base per test (embedded FalkorDB + the real offline model, loaded once)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.settings import load_settings
from embeddings.embedder import Embedder, get_embedder
from ingest.kb import KnowledgeBase


class CountingEmbedder(Embedder):
    """The real model, counting how many texts it was asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.texts = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.encode(texts)


@pytest.fixture(scope="session")
def real_embedder() -> Embedder:
    return get_embedder(load_settings({}))


@pytest.fixture
def kb(tmp_path: Path, real_embedder: Embedder):
    settings = load_settings({"CCKB_DATA_DIR": str(tmp_path / "kb")})
    base = KnowledgeBase.open(settings)
    base.__dict__["embedder"] = CountingEmbedder(real_embedder)
    base.init()
    yield base
    base.close()
