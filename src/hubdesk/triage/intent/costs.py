"""What each part of an ensemble costs per message, measured where the model is trained.

The ensemble's weights may only use parts whose summed time fits the latency budget: two
sentence encoders can be more accurate than one and still too slow for triage. Times are
medians over single training messages, as triage pays them (one message at a time), so they
carry the training machine's speed and load.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from hubdesk.triage.arrays import Float32Array, FloatArray
from hubdesk.triage.intent.classifier import LINEAR, EmbeddedModel, IntentClassifier, encoder_of
from hubdesk.triage.intent.embedding import SentenceEncoder, get_encoder

SAMPLE = 30


@dataclass(frozen=True)
class Costs:
    """Milliseconds per message: each component's scoring, and each encoder's pass."""

    components: Mapping[str, float]
    encoders: Mapping[str, float]

    def of(self, used: frozenset[str]) -> float:
        """A set of components' time: each encoder they need runs once."""
        encoders = {encoder_of(name) for name in used} - {None}
        return sum(self.components.get(name, 0.0) for name in used) + sum(
            self.encoders.get(str(name), 0.0) for name in encoders
        )

    def as_dict(self) -> dict[str, float]:
        return {
            **{name: round(ms, 3) for name, ms in self.components.items()},
            **{f"encoder:{name}": round(ms, 3) for name, ms in self.encoders.items()},
        }


def measure(model: IntentClassifier, texts: Sequence[str]) -> Costs:
    sample = list(texts[:SAMPLE])
    components: dict[str, float] = {}
    if model.linear is not None:
        components[LINEAR] = _median_ms(sample, model.linear.log_proba_one)
    encoders: dict[str, float] = {}
    for encoder_name in sorted({str(encoder_of(name)) for name in model.embedded}):
        encoder = get_encoder(encoder_name)
        encoders[encoder_name] = _median_ms(sample, partial(_encode_one, encoder))
        vectors = encoder.encode(sample[:1])
        for name, part in model.embedded.items():
            if encoder_of(name) == encoder_name:
                components[name] = _median_ms(sample, partial(_score, part, vectors))
    return Costs(components, encoders)


def _encode_one(encoder: SentenceEncoder, text: str) -> Float32Array:
    return encoder.encode([text])


def _score(part: EmbeddedModel, vectors: Float32Array, _text: str) -> FloatArray:
    return part.log_proba_embedded(vectors)


def _median_ms(sample: Sequence[str], run: Callable[[str], object]) -> float:
    run(sample[0])  # the first call loads lazy parts: triage pays that once per process
    durations = []
    for text in sample:
        started = time.perf_counter()
        run(text)
        durations.append((time.perf_counter() - started) * 1000)
    return float(np.median(durations))
