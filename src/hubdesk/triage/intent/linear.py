"""The fast default: logistic regression over word and character n-grams.

Logistic regression rather than a linear SVM because triage needs probabilities: the abstain
threshold and the ensemble with the embedding model both read them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hubdesk.triage.arrays import FloatArray, LabelArray
from hubdesk.triage.intent.features import NgramFeaturizer

DEFAULT_C = 30.0  # strong features, little regularisation: best on BANKING77's validation split


def log_softmax(scores: FloatArray) -> FloatArray:
    """Log-probabilities from scores, along the last axis."""
    # numpy's stubs lose the dtype through the reductions; it is the scores' own.
    if scores.ndim == 1:  # one message: reductions without an axis cost a third as much
        shifted: FloatArray = scores - scores.max()
        normalised: FloatArray = shifted - np.log(np.exp(shifted).sum())
        return normalised
    shifted = scores - scores.max(axis=-1, keepdims=True)
    normaliser: FloatArray = np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return shifted - normaliser


class LinearIntentModel:
    name = "default"

    def __init__(self, c: float = DEFAULT_C) -> None:
        self.c = c
        self.featurizer = NgramFeaturizer()
        self.classes: LabelArray = np.empty(0, dtype=object)
        # Weights stored feature-major so one message gathers a few dozen contiguous rows.
        self.weights_by_feature = np.empty((0, 0), np.float32)
        self.bias = np.empty(0, np.float32)

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> LinearIntentModel:
        from sklearn.linear_model import LogisticRegression  # training only: ~100 MB

        matrix = self.featurizer.fit_transform(texts)
        # Balanced: a desk's rare categories would otherwise be drowned by its common ones.
        model = LogisticRegression(C=self.c, max_iter=3000, class_weight="balanced")
        model.fit(matrix, np.asarray(labels, dtype=object))
        self.classes = model.classes_
        self.weights_by_feature = np.ascontiguousarray(model.coef_.T, dtype=np.float32)
        self.bias = model.intercept_.astype(np.float32)
        if len(self.classes) == 2:  # binary LR keeps one row: softmax([0, z]) == sigmoid(z)
            zeros = np.zeros_like(self.weights_by_feature)
            self.weights_by_feature = np.hstack([zeros, self.weights_by_feature])
            self.bias = np.array([0.0, self.bias[0]], np.float32)
        return self

    def log_proba_one(self, text: str) -> FloatArray:
        index, values = self.featurizer.transform_one(text)
        scores = values @ self.weights_by_feature[index] + self.bias
        return log_softmax(scores)

    def log_proba(self, texts: Sequence[str]) -> FloatArray:
        scores = self.featurizer.transform(texts) @ self.weights_by_feature + self.bias
        return log_softmax(np.asarray(scores))
