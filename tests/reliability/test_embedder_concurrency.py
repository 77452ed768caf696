"""Concurrent searches share one model: their encode calls are combined, never mixed up.

Why: under load (20 advocates searching) the one model lock serialised every query's forward
pass; `SentenceTransformerEmbedder.encode` now lets the calls that queue behind a running pass
share the next one. Each caller must still get exactly its own vectors, in its order, and one
caller's bad input must fail that caller only. (The speed-up is measured in bench/load.py.)
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from embeddings.embedder import SentenceTransformerEmbedder, get_embedder


@pytest.fixture(scope="module")
def embedder() -> SentenceTransformerEmbedder:
    emb = get_embedder()
    assert isinstance(emb, SentenceTransformerEmbedder)
    return emb


def test_combined_calls_return_each_callers_own_vectors(embedder: SentenceTransformerEmbedder,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = [[f"Gangs extorted bus drivers in city {i} and threatened witness {j}."
              for j in range(1 + i % 4)] for i in range(16)]
    expected = [embedder.encode(texts) for texts in calls]  # one call at a time
    passes: list[int] = []
    forward = embedder._forward

    def counted(texts: list[str]) -> np.ndarray:
        passes.append(len(texts))
        return forward(texts)

    monkeypatch.setattr(embedder, "_forward", counted)
    results: list[np.ndarray | None] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i: int) -> None:
        start.wait()
        results[i] = embedder.encode(calls[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got, want in zip(results, expected, strict=True):
        assert got is not None and got.shape == want.shape
        np.testing.assert_allclose(got, want, atol=2e-5)
    assert sum(passes) == sum(len(c) for c in calls)
    assert len(passes) < len(calls), passes  # 16 concurrent calls did share passes


def test_a_bad_input_fails_only_its_caller(embedder: SentenceTransformerEmbedder,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    forward = embedder._forward
    gate = threading.Event()

    def slow_first(texts: list[str]) -> np.ndarray:
        gate.wait(5)  # hold the model so the other calls queue up and get combined
        if any(t == "BOOM" for t in texts):
            raise ValueError("bad input")
        return forward(texts)

    monkeypatch.setattr(embedder, "_forward", slow_first)
    out: dict[str, object] = {}

    def run(name: str, texts: list[str]) -> None:
        try:
            out[name] = embedder.encode(texts)
        except ValueError as exc:
            out[name] = exc

    threads = [threading.Thread(target=run, args=(n, t)) for n, t in
               (("a", ["Police extorted migrants."]), ("bad", ["BOOM"]),
                ("c", ["Journalists were threatened.", "Judges were corrupt."]))]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join()
    assert isinstance(out["bad"], ValueError)
    assert isinstance(out["a"], np.ndarray) and out["a"].shape == (1, embedder.dim)
    assert isinstance(out["c"], np.ndarray) and out["c"].shape == (2, embedder.dim)
