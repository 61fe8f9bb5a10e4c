"""Choosing the ensemble weight and the abstain threshold on validation data."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from hubdesk.triage.arrays import BoolArray, Float32Array, FloatArray, IntArray, LabelArray


class ThresholdOptions(Protocol):
    # Read-only, so frozen option dataclasses satisfy it.
    @property
    def target_answered_accuracy(self) -> float: ...
    @property
    def max_abstain_rate(self) -> float: ...
    @property
    def max_in_scope_loss(self) -> float: ...
    @property
    def held_out_abstain_share(self) -> float: ...


def weight_grid(names: Sequence[str], step: float = 0.05) -> list[dict[str, float]]:
    """Every way of sharing 1.0 between the components, in steps of `step`."""
    units = round(1 / step)

    def shares(count: int, left: int) -> list[list[int]]:
        if count == 1:
            return [[left]]
        return [
            [first, *rest] for first in range(left + 1) for rest in shares(count - 1, left - first)
        ]

    return [
        {name: round(part / units, 4) for name, part in zip(names, split, strict=True)}
        for split in shares(len(names), units)
    ]


def choose_weights(
    parts: Mapping[str, FloatArray],
    classes: LabelArray,
    truth: Sequence[str],
    cost: Callable[[frozenset[str]], float] | None = None,
    budget: float | None = None,
) -> dict[str, float]:
    """Component weights with the best validation accuracy; ties go to the most even mix.

    With a `cost` (milliseconds per message of the components a weighting uses: those
    weighted above 0) and a `budget`, only weightings within the budget compete; if none is,
    the cheapest ones do.
    """
    expected = np.asarray(truth, dtype=object)
    in_scope = np.isin(expected, classes)
    names = sorted(parts)
    if len(names) == 1 or not in_scope.any():
        return {name: 1.0 / len(names) for name in names}
    grid = weight_grid(names)
    shares = np.array([[weights[name] for name in names] for weights in grid], np.float32)
    hits = _hits(shares, [parts[name][in_scope] for name in names], classes, expected[in_scope])
    allowed = np.ones(len(grid), bool)
    if cost is not None and budget is not None:
        costs = np.array([cost(frozenset(n for n in names if w[n] > 0)) for w in grid])
        allowed = costs <= budget if (costs <= budget).any() else costs == costs.min()
    # Rounded so that permutations of one mix tie exactly, whatever the float summation order.
    evenness = np.round(-shares.astype(np.float64).std(axis=1), 9)
    # lexsort's last key is the primary one; the first best in grid order wins exact ties.
    order = np.lexsort((np.arange(len(grid)), -evenness, -np.where(allowed, hits, -1)))
    return grid[int(order[0])]


def _hits(
    shares: Float32Array, parts: list[FloatArray], classes: LabelArray, expected: LabelArray
) -> IntArray:
    """Correct answers of each weighting (row of `shares`) on the validation examples."""
    stacked = np.stack(parts).astype(np.float32)  # (components, examples, classes)
    index = {name: position for position, name in enumerate(classes)}
    target = np.array([index[name] for name in expected])
    # A few weightings at a time keep the (weightings, examples, classes) block near 64 MB.
    rows = max(1, (64 << 20) // (stacked[0].size * 4))
    hits = np.empty(len(shares), np.int64)
    for start in range(0, len(shares), rows):
        combined = np.tensordot(shares[start : start + rows], stacked, axes=1)
        hits[start : start + rows] = (combined.argmax(axis=2) == target).sum(axis=1)
    return hits


def choose_threshold(
    log_proba: FloatArray,
    classes: LabelArray,
    truth: Sequence[str],
    options: ThresholdOptions,
) -> tuple[float, dict[str, Any]]:
    probabilities = np.exp(log_proba - log_proba.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    confidence = probabilities.max(axis=1)
    expected = np.asarray(truth, dtype=object)
    correct = classes[np.argmax(probabilities, axis=1)] == expected
    in_scope = np.isin(expected, classes)
    if (~in_scope).any():
        threshold = _threshold_for_out_of_scope(confidence, correct, in_scope, options)
    else:
        threshold = max(_threshold_for_answer_accuracy(confidence, correct, options),
                        _threshold_for_unknown_messages(confidence, expected, options))
    answered = confidence >= threshold
    metrics: dict[str, Any] = {
        "accuracy": round(float(correct[in_scope].mean()), 4),
        "abstain_rate": round(float(1 - answered.mean()), 4),
        "threshold": round(float(threshold), 4),
    }
    if (~in_scope).any():
        metrics["in_scope_accuracy"] = round(float((correct & answered)[in_scope].mean()), 4)
        metrics["oos_recall"] = round(float((~answered)[~in_scope].mean()), 4)
    return round(float(threshold), 4), metrics


def _threshold_for_out_of_scope(
    confidence: FloatArray, correct: BoolArray, in_scope: BoolArray, options: ThresholdOptions
) -> float:
    """The highest threshold whose abstentions cost at most `max_in_scope_loss` of accuracy.

    Relative to answering everything, because held-out training data is easier than what
    arrives later: an absolute target met on validation was missed by 3 points on CLINC150.
    """
    floor = float(correct[in_scope].mean()) - options.max_in_scope_loss
    best = 0.0
    for candidate in np.unique(confidence):
        answered = confidence >= candidate
        if float((correct & answered)[in_scope].mean()) >= floor:
            best = float(candidate)
        else:
            break
    return best


def _threshold_for_answer_accuracy(
    confidence: FloatArray, correct: BoolArray, options: ThresholdOptions
) -> float:
    """The lowest threshold whose answers reach the target accuracy, within the abstain cap."""
    order = np.argsort(-confidence)
    hits = np.cumsum(correct[order])
    answered_accuracy = hits / np.arange(1, len(order) + 1)
    max_answered = len(order)
    min_answered = int(np.ceil(len(order) * (1 - options.max_abstain_rate)))
    good = np.nonzero(answered_accuracy >= options.target_answered_accuracy)[0]
    count = int(good.max()) + 1 if good.size else 0
    count = min(max(count, min_answered), max_answered)
    if count >= len(order):
        return 0.0
    return float(confidence[order[count - 1]])


def _threshold_for_unknown_messages(
    confidence: FloatArray, categories: LabelArray, options: ThresholdOptions
) -> float:
    """The confidence all but `held_out_abstain_share` of the held-out in-scope messages
    reach, each category counting as much as any other.

    Without out-of-scope examples nothing shows what a message of no category looks like, but
    the held-out ones show what a message of a known category scores: abstaining below the
    lowest 1 % of them costs about 1 % of in-scope answers and catches whatever scores lower.
    A desk whose answers were already accurate enough otherwise never abstained at all
    (CLINC150 trained without its out-of-scope examples: none of them caught; with this,
    half). Counted message by message, a desk with one common category set the floor at the
    scores of its rare ones, whose messages are its least confident, and so abstained on a
    fifth of them and on 1 % of the common one; weighed by category, the cost is shared.
    Fewer held-out messages than that share needs to be estimated: no threshold.
    """
    share = options.held_out_abstain_share
    if share <= 0 or len(confidence) * share < 1:
        return 0.0
    return balanced_quantile(confidence, categories, share)


def balanced_quantile(values: FloatArray, categories: LabelArray, share: float) -> float:
    """The `share` quantile of `values` with each category's values weighing 1 together:
    numpy's linear quantile when the categories are the same size."""
    _, inverse, counts = np.unique(categories, return_inverse=True, return_counts=True)
    weights = 1.0 / counts[inverse]
    order = np.argsort(values, kind="stable")
    ordered, weights = values[order], weights[order]
    # A value's place: the weight below it over all the weight but the last value's, so
    # equal weights give the places k / (n - 1) of numpy's linear method.
    below = np.cumsum(weights) - weights
    return float(np.interp(share, below / (weights.sum() - weights[-1]), ordered))
