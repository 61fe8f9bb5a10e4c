"""What an intent benchmark's headline figures hide: how each category fares, which
categories the model mixes up, and whether the test set repeats the training set.

Plain figures a desk manager can read: per category its test examples, recall (of its
messages, the share filed under it), precision (of the messages filed under it, the share
that belong there) and F1; the most frequent confusions as "true -> predicted" with a count;
and the test examples that are word for word a training example, which make the accuracy look
better than it will be on new messages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from hubdesk.triage.arrays import BoolArray, LabelArray

CONFUSIONS_SHOWN = 10


def per_category(truth: LabelArray, predicted: LabelArray,
                 answered: BoolArray | None = None) -> dict[str, dict[str, float]]:
    """Each test category's figures, the weakest (lowest F1) first; with `answered` (the
    messages above the abstain threshold), the share of its messages left to a human, which
    one overall rate hides when the rare categories are the ones abstained on."""
    figures = {}
    for category in sorted({str(label) for label in truth}):
        actual = truth == category
        filed = predicted == category
        hits = int((actual & filed).sum())
        recall = hits / max(1, int(actual.sum()))
        precision = hits / max(1, int(filed.sum()))
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        figures[category] = {"examples": int(actual.sum()), "recall": _pct(recall),
                             "precision": _pct(precision), "f1": _pct(f1)}
        if answered is not None:
            figures[category]["abstain_rate"] = _pct(1 - answered[actual].mean())
    return dict(sorted(figures.items(), key=lambda item: (item[1]["f1"], item[0])))


def confusions(truth: LabelArray, predicted: LabelArray,
               shown: int = CONFUSIONS_SHOWN) -> list[dict[str, Any]]:
    """The most frequent mistakes, as pairs of the true and the predicted category."""
    mistakes = Counter((str(expected), str(answer))
                       for expected, answer in zip(truth, predicted, strict=True)
                       if expected != answer)
    ordered = sorted(mistakes.items(), key=lambda item: (-item[1], item[0]))
    return [{"true": expected, "predicted": answer, "count": count}
            for (expected, answer), count in ordered[:shown]]


def duplicate_key(text: str) -> str:
    """What makes two examples the same message: case and spacing aside."""
    return " ".join(text.casefold().split())


def repeated_in_training(train_texts: Sequence[str], test_texts: Sequence[str]) -> BoolArray:
    """The test examples whose text is also a training example's."""
    seen = {duplicate_key(text) for text in train_texts}
    return np.array([duplicate_key(text) in seen for text in test_texts], bool)


def leakage(repeated: BoolArray, correct: BoolArray) -> dict[str, Any]:
    """How many test examples training already showed, and the accuracy without them."""
    if not repeated.any():
        return {"test_examples_in_training": 0}
    fresh = ~repeated
    return {
        "test_examples_in_training": int(repeated.sum()),
        "test_share_in_training": _pct(repeated.mean()),
        "accuracy_without_them": _pct(correct[fresh].mean()) if fresh.any() else None,
    }


def _pct(value: float) -> float:
    return round(float(value) * 100, 2)
