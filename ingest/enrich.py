"""Link passages to countries, nationalities, risk factors, actors and legal elements.

Rules come first because a lawyer must be able to see why a passage was tagged: a taxonomy
term matched (EN or ES, accents and case ignored). Rules miss paraphrases ("the committee for
the defence of common goods" is a land-defender passage without the word "defender"), so an
optional embedding fallback compares each passage with every label's EN and ES description
and adds the label when the similarity clears a threshold calibrated on the labelled dev set
(bench/enrichment.py). A similarity never removes a rule hit; a label found both ways keeps
the higher score.

The fallback also needs a margin over the passage's mean similarity to all labels of the same
family: with an English-only model every Spanish passage sits about 0.2 closer to *every*
label than an English one does, so an absolute threshold alone cannot serve both languages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict

from core.countries import COUNTRIES
from core.errors import ValidationError
from core.taxonomy import Taxonomy, fold, strip_accents, term_patterns

RULE_SCORE = 0.9
RULE_SCORE_STEP = 0.03
RULE_SCORE_MAX = 0.99
DERIVED_SCORE = 0.85  # an element implied by who acts (a state force, a foreign state)
# Calibrated by bench/enrichment.py on the even rows of tests/devsets/enrichment.jsonl.
# With all-MiniLM-L6-v2 (English-only) no gate beat rules alone with 95% bootstrap
# confidence (risk factors: best gate adds nothing; elements: P(gain) = 0.62), so the
# defaults sit at the top of the grid, where no dev passage reaches: the fallback only fires
# on a near-verbatim match. Re-run the bench when the embedder changes.
RISK_FACTOR_THRESHOLD = 0.80
RISK_FACTOR_MARGIN = 0.40
ELEMENT_THRESHOLD = 0.80
ELEMENT_MARGIN = 0.40
DEFAULT_BATCH = 64

# A demonym right before one of these words names the state ("Ugandan security forces"),
# and in Spanish right after one of these ("el Estado paraguayo"): a country, not nationals.
_STATE_AFTER = re.compile(
    r"\s+(?:national\s+|state\s+|armed\s+|security\s+|criminal\s+investigation\s+)?"
    r"(?:police|army|military|forces|government|authorities|state|security|officials?|"
    r"courts?|judiciary|congress|embassy|president|soldiers|navy|intelligence|agents?|"
    r"regime|legislature|ministry|prisons?|constitution|territory|economy|border|"
    r"department)\b")
_STATE_BEFORE = re.compile(
    r"(?:policia|ejercito|gobierno|autoridades|estado|fuerzas?\s+armadas?|funcionarios|"
    r"embajada|presidente|regimen|soldados|territorio|economia|frontera|carceles|"
    r"prisiones|congreso)\s+$")
# Wording that puts an agent of the state in the passage; with harm, the state is the
# persecutor (the state-protection element) whichever country's actor list it maps to.
_STATE_AGENTS = re.compile(
    r"(?<!\w)(?:security\s+(?:forces|agencies|services|agents|officers|personnel)|police\w*|"
    r"soldiers|army|military|armed\s+forces|government\s+(?:agents|authorities|officials|"
    r"forces)|state\s+(?:agents|actors|security)|public\s+officials|prison\s+(?:guards|staff)|"
    r"policias?|policiales|militares|soldados|fuerzas\s+(?:armadas|de\s+seguridad)|custodios|"
    r"agentes\s+(?:del\s+estado|estatales|de\s+la\s+\w+)|funcionarios\s+publicos)(?!\w)")


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised row vectors (sentence-transformers etc.)."""

    def encode(self, texts: list[str]) -> np.ndarray: ...


class Enrichment(BaseModel):
    """What one passage is linked to; scores are in [0, 1], rules >= 0.9."""

    model_config = ConfigDict(extra="forbid")

    countries: list[str]
    nationalities: list[str]
    risk_factors: dict[str, float]
    actors: list[str]
    elements: dict[str, float]


@dataclass(frozen=True)
class Mentions:
    """Countries named in a passage (plus the document's), nationals named, and foreign
    states named through their institutions ("Nicaraguan police" in a Guatemala report)."""

    countries: list[str]
    nationalities: list[str]
    foreign_states: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LabelSimilarities:
    """Cosine similarity of each passage (rows) with each label (columns, taxonomy order)."""

    risk_factors: np.ndarray
    elements: np.ndarray


def rule_score(hits: int) -> float:
    """More distinct term hits means more confidence, but never as high as a certainty."""
    return min(RULE_SCORE_MAX, RULE_SCORE + RULE_SCORE_STEP * (hits - 1))


def merge_scores(rules: dict[str, float], sims: np.ndarray | None, ids: Sequence[str],
                 threshold: float, margin: float = 0.0) -> dict[str, float]:
    """Rule scores plus every label whose similarity clears `threshold` and beats the
    passage's mean similarity over `ids` by `margin`; taxonomy order, score = similarity."""
    out = dict(rules)
    if sims is not None and len(sims):
        baseline = float(np.mean(sims))
        for label_id, sim in zip(ids, sims, strict=True):
            if sim >= threshold and sim - baseline >= margin:
                out[label_id] = max(out.get(label_id, 0.0), round(float(sim), 3))
    return {label_id: out[label_id] for label_id in ids if label_id in out}


def iso2_list(codes: Sequence[str]) -> list[str]:
    """Upper-cased, de-duplicated ISO2 codes; an unknown code is a caller bug worth naming."""
    out: list[str] = []
    for code in codes:
        code = code.strip().upper()
        if code not in COUNTRIES:
            raise ValidationError(f"unknown country code {code!r} (ISO 3166-1 alpha-2 expected)")
        if code not in out:
            out.append(code)
    return out


def _normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """Re-normalise defensively: a dot product is only a cosine on unit vectors."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)


class Enricher:
    """Rules first, embedding similarity where rules miss; see the module docstring."""

    def __init__(self, taxonomy: Taxonomy, embedder: Embedder | None = None, *,
                 risk_factor_threshold: float = RISK_FACTOR_THRESHOLD,
                 risk_factor_margin: float = RISK_FACTOR_MARGIN,
                 element_threshold: float = ELEMENT_THRESHOLD,
                 element_margin: float = ELEMENT_MARGIN,
                 use_rules: bool = True, batch_size: int = DEFAULT_BATCH) -> None:
        self.taxonomy = taxonomy
        self.embedder = embedder
        self.risk_factor_threshold = risk_factor_threshold
        self.risk_factor_margin = risk_factor_margin
        self.element_threshold = element_threshold
        self.element_margin = element_margin
        self.use_rules = use_rules
        self.batch_size = batch_size
        self.patterns = term_patterns(taxonomy)
        self.risk_factor_ids = [rf.id for rf in taxonomy.risk_factors]
        self.element_ids = [el.id for el in taxonomy.legal_elements]
        self._actor_kind = {a.id: a.kind for a in taxonomy.actors}
        self._label_vectors: tuple[np.ndarray, ...] | None = None

    # -- public API -------------------------------------------------------------------------

    def enrich(self, texts: list[str], doc_countries: list[str],
               vectors: np.ndarray | None = None) -> list[Enrichment]:
        """Enrich passages of one document; `doc_countries` (ISO2) apply to every passage.

        `vectors` are the passages' embeddings when the caller has them (ingest does), so the
        passages are not embedded twice."""
        if not texts:
            return []
        sims = self.similarities(texts, vectors) if self.embedder is not None else None
        out = []
        for i, text in enumerate(texts):
            base = self.rules(text, doc_countries)
            if not self.use_rules:
                base = base.model_copy(update={"risk_factors": {}, "elements": {}})
            if sims is not None:
                base = self._with_similarities(base, sims.risk_factors[i], sims.elements[i])
            out.append(base)
        return out

    def rules(self, text: str, doc_countries: Sequence[str]) -> Enrichment:
        """Rule-only enrichment of one passage: deterministic and explainable."""
        docs = iso2_list(doc_countries)
        mentions = self._mentions(text, docs)
        folded = fold(text)
        actors = self._actors(folded, set(mentions.countries))
        elements = self._label_scores(folded, self.patterns.elements, self.element_ids)
        foreign = [c for c in mentions.foreign_states if c not in docs]
        return Enrichment(
            countries=mentions.countries,
            nationalities=mentions.nationalities,
            risk_factors=self._label_scores(folded, self.patterns.risk_factors,
                                            self.risk_factor_ids),
            actors=actors,
            elements=self._with_derived_elements(elements, folded, actors, bool(foreign)),
        )

    def similarities(self, texts: list[str],
                     vectors: np.ndarray | None = None) -> LabelSimilarities:
        """Passage-vs-label similarities (max over the EN and ES description of each label)."""
        if self.embedder is None:
            raise ValueError("similarities() needs an embedder")
        passages = _normalise_rows(vectors) if vectors is not None else self._encode(texts)
        rf_en, rf_es, el_en, el_es = self._label_matrix()
        return LabelSimilarities(
            risk_factors=np.maximum(passages @ rf_en.T, passages @ rf_es.T),
            elements=np.maximum(passages @ el_en.T, passages @ el_es.T),
        )

    # -- rules --------------------------------------------------------------------------------

    @staticmethod
    def _label_scores(folded: str, patterns: dict[str, re.Pattern[str]],
                      ids: list[str]) -> dict[str, float]:
        scores = {}
        for label_id in ids:
            pattern = patterns.get(label_id)
            hits = {m.group() for m in pattern.finditer(folded)} if pattern else set()
            if hits:
                scores[label_id] = rule_score(len(hits))
        return scores

    def _mentions(self, text: str, doc_countries: list[str]) -> Mentions:
        """Countries (document's + named) and nationalities (demonyms used for people)."""
        kept = strip_accents(text)
        countries = list(doc_countries)
        taken: list[tuple[int, int]] = []
        for m in self.patterns.countries.pattern.finditer(kept):
            taken.append(m.span())
            _add(countries, self.patterns.countries.code_for(m.group()))
        nationalities: list[str] = []
        states: list[str] = []
        lower = kept.lower()
        for m in self.patterns.demonyms.pattern.finditer(lower):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue  # "China", "Eritrea": the country name, not the Spanish demonym
            code = self.patterns.demonyms.code_for(fold(m.group()))
            if (_STATE_AFTER.match(lower, m.end())
                    or _STATE_BEFORE.search(lower[max(0, m.start() - 40):m.start()])):
                _add(countries, code)
                _add(states, code)
            else:
                _add(nationalities, code)
        return Mentions(countries, sorted(nationalities), states)

    def _actors(self, folded: str, places: set[str]) -> list[str]:
        """Named actors always; generic terms ("police") only where the actor operates."""
        out = []
        for actor in self.taxonomy.actors:
            named = self.patterns.actor_names.get(actor.id)
            generic = self.patterns.actor_terms.get(actor.id)
            if (named and named.search(folded)) or (
                    generic and places & set(actor.operates_in) and generic.search(folded)):
                out.append(actor.id)
        return out

    def _with_derived_elements(self, elements: dict[str, float], folded: str,
                               actors: list[str], foreign_state: bool) -> dict[str, float]:
        """Who acts says something in law: an agent of the state doing harm means the
        persecutor is the state; a foreign state acting here means its reach crosses the
        border. A nexus phrase ("because of", "hate crime") without harm proves nothing."""
        kinds = {self._actor_kind[a] for a in actors}
        derived = dict(elements)
        harmful = "harm" in elements or "torture" in elements
        if harmful and ("state_force" in kinds or _STATE_AGENTS.search(self._unnamed(folded))):
            derived.setdefault("state_protection", DERIVED_SCORE)
        if "foreign_state" in kinds or foreign_state:
            derived.setdefault("reach", DERIVED_SCORE)
        if "harm" not in elements:
            derived.pop("nexus", None)
        return {e: derived[e] for e in self.element_ids if e in derived}

    def _unnamed(self, folded: str) -> str:
        """Blank out non-state actors' own names ("Paraguayan People's Army" is not an army
        of the state) before looking for agents of the state."""
        for actor_id, pattern in self.patterns.actor_names.items():
            if self._actor_kind[actor_id] != "state_force":
                folded = pattern.sub(" ", folded)
        return folded

    # -- embeddings ---------------------------------------------------------------------------

    def _with_similarities(self, base: Enrichment, rf_sims: np.ndarray,
                           el_sims: np.ndarray) -> Enrichment:
        return base.model_copy(update={
            "risk_factors": merge_scores(base.risk_factors, rf_sims, self.risk_factor_ids,
                                         self.risk_factor_threshold, self.risk_factor_margin),
            "elements": merge_scores(base.elements, el_sims, self.element_ids,
                                     self.element_threshold, self.element_margin),
        })

    def _encode(self, texts: list[str]) -> np.ndarray:
        assert self.embedder is not None
        chunks = [self.embedder.encode(list(texts[i:i + self.batch_size]))
                  for i in range(0, len(texts), self.batch_size)]
        return _normalise_rows(np.vstack(chunks))

    def _label_matrix(self) -> tuple[np.ndarray, ...]:
        """Description embeddings, EN and ES, encoded once per Enricher in a single batch."""
        if self._label_vectors is None:
            labels = [*self.taxonomy.risk_factors, *self.taxonomy.legal_elements]
            vectors = self._encode([lb.description.en for lb in labels]
                                   + [lb.description.es for lb in labels])
            n_rf, n = len(self.taxonomy.risk_factors), len(labels)
            en, es = vectors[:n], vectors[n:]
            self._label_vectors = (en[:n_rf], es[:n_rf], en[n_rf:], es[n_rf:])
        return self._label_vectors


def _add(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)
