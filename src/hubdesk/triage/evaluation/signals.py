"""Benchmarks of the detectors other than intent: language, sentiment, anger, abuse, PII.

Rates are percentages. Where a detector can also learn from labels (anger, abuse), the
benchmark reports the rules alone and the rules blended with a model trained on the data
set's own training split, evaluated on data it did not see.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from hubdesk.triage.arrays import BoolArray
from hubdesk.triage.evaluation import datasets


def evaluate_signals(name: str, data_dir: Path) -> dict[str, Any]:
    runners: dict[str, Callable[[Path], dict[str, Any]]] = {
        "lingua": evaluate_language,
        "uci": evaluate_sentiment,
        "goemotions": evaluate_anger,
        "davidson": evaluate_abuse,
        "presidio": evaluate_pii,
    }
    return {"dataset": name, **runners[name](data_dir)}


def _timed(function: Callable[[str], Any], texts: Sequence[str]) -> tuple[list[Any], float]:
    started = time.perf_counter()
    outputs = [function(text) for text in texts]
    return outputs, (time.perf_counter() - started) * 1000 / max(1, len(texts))


def _pct(value: float) -> float:
    return round(float(value) * 100, 2)


def evaluate_language(data_dir: Path) -> dict[str, Any]:
    from hubdesk.triage.language import LanguageDetector

    sentences = list(datasets.language_samples(data_dir, "sentences"))
    pairs = list(datasets.language_samples(data_dir, "word-pairs"))
    languages = sorted({code for _, code in sentences})
    restricted = LanguageDetector(languages)
    unrestricted = LanguageDetector()
    result: dict[str, Any] = {"backend": "py3langid+lingua", "languages": languages}
    for label, samples in (("sentences", sentences), ("word_pairs", pairs)):
        guesses, ms = _timed(lambda text: restricted.detect(text).code, [t for t, _ in samples])
        truth = [code for _, code in samples]
        result[f"{label}_accuracy"] = _pct(
            np.mean([g == t for g, t in zip(guesses, truth, strict=True)])
        )
        result[f"{label}_ms_per_message"] = round(ms, 4)
        open_guesses, _ = _timed(
            lambda text: unrestricted.detect(text).code, [t for t, _ in samples]
        )
        result[f"{label}_accuracy_all_languages"] = _pct(
            np.mean([g == t for g, t in zip(open_guesses, truth, strict=True)])
        )
    result["accuracy"] = result["sentences_accuracy"]
    result["messages"] = len(sentences) + len(pairs)
    return result


def evaluate_sentiment(data_dir: Path) -> dict[str, Any]:
    from hubdesk.triage.signals import SignalDetector

    detector = SignalDetector()
    result: dict[str, Any] = {"backend": "vader"}
    total_correct = total = 0
    for source, rows in datasets.uci_sentiment(data_dir).items():
        scores, ms = _timed(detector.sentiment, [text for text, _ in rows])
        correct = sum(
            (score >= 0) == bool(label) for score, (_, label) in zip(scores, rows, strict=True)
        )
        result[f"{source}_accuracy"] = _pct(correct / len(rows))
        total_correct += correct
        total += len(rows)
        result["ms_per_message"] = round(ms, 4)
    result["accuracy"] = _pct(total_correct / total)
    return result


def _binary_scores(predicted: BoolArray, truth: BoolArray) -> dict[str, float]:
    tp = float((predicted & truth).sum())
    precision = tp / max(1.0, float(predicted.sum()))
    recall = tp / max(1.0, float(truth.sum()))
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    return {"precision": _pct(precision), "recall": _pct(recall), "f1": _pct(f1)}


def evaluate_anger(data_dir: Path) -> dict[str, Any]:
    from hubdesk.triage.learned import BinaryTextModel
    from hubdesk.triage.signals import SignalDetector

    test = datasets.goemotions_anger(data_dir, "test")
    truth = np.array([bool(label) for _, label in test])
    texts = [text for text, _ in test]
    rules = SignalDetector()
    verdicts, ms = _timed(rules.detect, texts)
    result: dict[str, Any] = {"backend": "rules", "test_examples": len(test)}
    result["rules"] = _binary_scores(np.array([v.difficult_contact for v in verdicts]), truth)
    result["rules"]["ms_per_message"] = round(ms, 4)

    started = time.perf_counter()
    model = BinaryTextModel().fit(datasets.goemotions_anger(data_dir, "train"))
    learned = SignalDetector(learned_anger=model)
    dev = datasets.goemotions_anger(data_dir, "dev")
    learned.weights = _tune_difficult_threshold(learned, dev)
    train_seconds = time.perf_counter() - started
    verdicts, ms = _timed(learned.detect, texts)
    result["learned"] = _binary_scores(np.array([v.difficult_contact for v in verdicts]), truth)
    result["learned"].update(ms_per_message=round(ms, 4), train_seconds=round(train_seconds, 1))
    result["f1"] = result["learned"]["f1"]
    return result


def _tune_difficult_threshold(detector: Any, dev: list[tuple[str, int]]) -> Any:
    """Choose the anger cut-off on the development split (never on test)."""
    from dataclasses import replace

    truth = np.array([bool(label) for _, label in dev])
    anger = np.array([detector.detect(text).anger for text, _ in dev])
    best = max(
        np.linspace(0.2, 0.8, 25),
        key=lambda cut: _binary_scores(anger >= cut, truth)["f1"],
    )
    return replace(detector.weights, difficult_threshold=round(float(best), 3))


def evaluate_abuse(data_dir: Path) -> dict[str, Any]:
    from hubdesk.triage.abuse import AbuseDetector
    from hubdesk.triage.learned import BinaryTextModel

    rows = datasets.davidson(data_dir)
    order = np.random.default_rng(0).permutation(len(rows))
    cut = int(len(rows) * 0.8)
    train = [rows[i] for i in order[:cut]]
    test = [rows[i] for i in order[cut:]]
    truth = np.array([bool(label) for _, label in test])
    texts = [text for text, _ in test]
    result: dict[str, Any] = {
        "backend": "rules",
        "test_examples": len(test),
        "positive_share": _pct(truth.mean()),
    }
    verdicts, ms = _timed(AbuseDetector().detect, texts)
    result["rules"] = _binary_scores(np.array([v.abusive for v in verdicts]), truth)
    result["rules"]["ms_per_message"] = round(ms, 4)

    holdout = int(len(train) * 0.9)
    model = BinaryTextModel().fit(train[:holdout])
    model.tune_threshold(train[holdout:])
    verdicts, ms = _timed(AbuseDetector(model, model.threshold).detect, texts)
    result["learned"] = _binary_scores(np.array([v.abusive for v in verdicts]), truth)
    result["learned"]["ms_per_message"] = round(ms, 4)
    result["precision"] = result["rules"]["precision"]
    result["recall"] = result["rules"]["recall"]
    return result


def evaluate_pii(data_dir: Path) -> dict[str, Any]:
    from hubdesk.triage.pii import PiiDetector

    records = datasets.presidio_synthetic(data_dir)
    detector = PiiDetector()
    found, ms = _timed(detector.detect, [record["full_text"] for record in records])
    gold_total: Counter[str] = Counter()
    gold_hit: Counter[str] = Counter()
    predicted_total: Counter[str] = Counter()
    predicted_hit: Counter[str] = Counter()
    for record, spans in zip(records, found, strict=True):
        gold = [(s["entity_type"], s["start_position"], s["end_position"]) for s in record["spans"]]
        for entity, start, end in gold:
            gold_total[entity] += 1
            gold_hit[entity] += any(
                p.entity == entity and p.start < end and start < p.end for p in spans
            )
        for p in spans:
            predicted_total[p.entity] += 1
            predicted_hit[p.entity] += any(
                p.entity == entity and p.start < end and start < p.end
                for entity, start, end in gold
            )
    per_entity = {}
    for entity in sorted(gold_total | predicted_total):
        per_entity[entity] = {
            "recall": _pct(gold_hit[entity] / gold_total[entity]) if gold_total[entity] else None,
            "precision": _pct(predicted_hit[entity] / predicted_total[entity])
            if predicted_total[entity]
            else None,
            "gold": gold_total[entity],
            "predicted": predicted_total[entity],
        }
    detected = set(detector.entities)
    return {
        "backend": "regex+checksum+phonenumbers",
        "texts": len(records),
        "ms_per_message": round(ms, 4),
        "entities": per_entity,
        "not_detected_entity_types": sorted(set(gold_total) - detected),
    }
