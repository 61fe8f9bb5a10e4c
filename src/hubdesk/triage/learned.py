"""A binary text model the desk trains from its own labels (agents' corrections).

Anger and abuse rules catch what every desk sees; this learns what a given desk's customers
write. It reuses the intent classifier's n-gram features and its fast single-message path.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from hubdesk.triage.arrays import FloatArray
from hubdesk.triage.intent.linear import LinearIntentModel
from hubdesk.triage.text import prepare

POSITIVE = "yes"
NEGATIVE = "no"


class BinaryTextModel:
    def __init__(self, c: float = 4.0, threshold: float = 0.5) -> None:
        self.model = LinearIntentModel(c=c)
        self.threshold = threshold
        self._positive = 1

    def fit(self, examples: Iterable[tuple[str, bool | int]]) -> BinaryTextModel:
        texts, labels = [], []
        for text, label in examples:
            cleaned = prepare(text).text
            if cleaned:
                texts.append(cleaned)
                labels.append(POSITIVE if label else NEGATIVE)
        if len(set(labels)) < 2:
            raise ValueError("need examples of both kinds (flagged and not flagged) to train")
        self.model.fit(texts, labels)
        self._positive = int(np.nonzero(self.model.classes == POSITIVE)[0][0])
        return self

    def probability(self, text: str) -> float:
        return float(np.exp(self.model.log_proba_one(text)[self._positive]))

    def probabilities(self, texts: list[str]) -> FloatArray:
        return np.exp(self.model.log_proba(texts)[:, self._positive])

    def flags(self, text: str) -> bool:
        return self.probability(text) >= self.threshold

    def tune_threshold(self, examples: Iterable[tuple[str, bool | int]]) -> float:
        """Pick the threshold with the best F1 on held-out examples."""
        pairs = [(prepare(text).text, bool(label)) for text, label in examples]
        scores = self.probabilities([text for text, _ in pairs])
        truth = np.array([label for _, label in pairs])
        best, best_f1 = 0.5, -1.0
        for candidate in np.linspace(0.1, 0.9, 33):
            predicted = scores >= candidate
            true_positive = float((predicted & truth).sum())
            f1 = 2 * true_positive / max(1.0, float(predicted.sum() + truth.sum()))
            if f1 > best_f1:
                best, best_f1 = float(candidate), f1
        self.threshold = round(best, 3)
        return self.threshold
