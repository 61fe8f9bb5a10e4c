"""Training an intent classifier from (text, category) pairs, wherever they come from.

The same function serves a CSV, the database of categorised tickets (agents' corrections
included) and the benchmarks. Hyper-parameters that matter are chosen on a validation split
of the training data: the ensemble weight and the abstain threshold. The final models are then
refitted on all the data with those choices.
"""

from __future__ import annotations

import hashlib
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np

from hubdesk.triage.arrays import Float32Array, FloatArray, LabelArray
from hubdesk.triage.intent.classifier import (
    BACKENDS,
    ENCODER_BACKENDS,
    LINEAR,
    IntentClassifier,
    ProgressCallback,
    combine,
    component_name,
    encode_texts,
    encoder_of,
)
from hubdesk.triage.intent.costs import Costs, modelled
from hubdesk.triage.intent.costs import measure as measure_costs
from hubdesk.triage.intent.customer_words import customer_words
from hubdesk.triage.intent.embedding import (
    EmbeddingBackendUnavailable,
    EmbeddingIntentModel,
    get_encoder,
)
from hubdesk.triage.intent.kernel import KernelIntentModel
from hubdesk.triage.intent.label_conflicts import CONFLICTS_KEY, conflicting_labels
from hubdesk.triage.intent.linear import LinearIntentModel
from hubdesk.triage.intent.store import ModelStore, StoredModel
from hubdesk.triage.intent.thresholds import choose_threshold, choose_weights
from hubdesk.triage.text import prepare

MIN_EXAMPLES_PER_CLASS_FOR_VALIDATION = 2
# Below this many examples a category is rarely recognised: whoever trains is told.
FEW_EXAMPLES = 5
FEW_EXAMPLES_KEY = "categories_with_few_examples"


class TrainingDataError(ValueError):
    """The examples cannot train a classifier; the message says what to fix."""


@dataclass(frozen=True)
class TrainingOptions:
    backend: str = "default"
    validation_fraction: float = 0.1
    seed: int = 0
    # Without out-of-scope examples: abstain where validation answers would be less accurate
    # than this, but never on more than `max_abstain_rate` of the messages.
    target_answered_accuracy: float = 0.95
    max_abstain_rate: float = 0.2
    # And, still without them, abstain below the confidence all but this share of held-out
    # in-scope messages reach: what scores lower is likely of no category (thresholds.py).
    held_out_abstain_share: float = 0.01
    # With out-of-scope examples: catch as many as possible while abstaining on in-scope
    # messages costs at most this share of accuracy.
    max_in_scope_loss: float = 0.03
    out_of_scope_label: str | None = None
    # The ensemble's sentence encoders; those not installed are left out (all of them: error).
    encoders: tuple[str, ...] = ENCODER_BACKENDS
    # The ensemble only weighs parts whose summed modelled cost per message (costs.py: a
    # fixed table and counted operations, never a clock) fits here (None: no limit). Both
    # encoders together cost ~20 ms. The time measured while training is only reported.
    latency_budget_ms: float | None = 15.0
    fixed_threshold: float | None = None
    # Ensemble weights tuned on out-of-fold predictions over all the training data: a single
    # 10 % split is too noisy to choose three weights (BANKING77: 93.8 % vs 94.1 % on test).
    ensemble_folds: int = 5


def train_intent_classifier(
    examples: Iterable[tuple[str, str]],
    options: TrainingOptions | None = None,
    progress: ProgressCallback | None = None,
    embeddings: dict[str, dict[str, Float32Array]] | None = None,
    timer: Callable[[], float] = time.perf_counter,
) -> IntentClassifier:
    """Train on (text, category) pairs.

    `embeddings` may carry precomputed vectors by encoder name, then by text; vectors computed
    here are added to it. `timer` times the ensemble's parts for the latency verdict only.
    """
    options = options or TrainingOptions()
    if options.backend not in BACKENDS:
        raise TrainingDataError(f"unknown backend {options.backend!r}; choose one of {BACKENDS}")
    started = time.perf_counter()
    texts, labels = _clean(examples)
    if options.out_of_scope_label is not None:
        # Spelt as the examples spell it, so that "OOS" names their "oos".
        named = canonical_categories([*labels, options.out_of_scope_label])
        options = replace(options, out_of_scope_label=named[category_key(
            options.out_of_scope_label)])
    oos = options.out_of_scope_label
    in_scope = [i for i, label in enumerate(labels) if label != oos]
    _check_classes([labels[i] for i in in_scope])
    vectors = _embed(options, texts, progress, embeddings)

    classes, validation_truth, parts, fold_model = _validation_predictions(
        options, texts, labels, vectors, progress
    )
    ensemble = options.backend == "ensemble"
    costs = modelled(fold_model) if ensemble else None
    weights = choose_weights(
        parts,
        classes,
        validation_truth,
        None if costs is None else costs.of,
        options.latency_budget_ms,
    )
    threshold, validation_metrics = choose_threshold(
        combine(parts, weights), classes, validation_truth, options
    )
    validation_metrics["examples"] = len(validation_truth)

    used = {name for name, weight in weights.items() if weight > 0}
    final = _fit(options, texts, labels, vectors, in_scope, used)
    final.weights = weights
    final.threshold = threshold if options.fixed_threshold is None else options.fixed_threshold
    final.metrics = {
        "validation": validation_metrics,
        "examples": len(in_scope),
        FEW_EXAMPLES_KEY: few_examples([labels[i] for i in in_scope]),
        CONFLICTS_KEY: conflicting_labels(texts, labels),
        "classes": len(final.classes),
        "encoders": sorted(vectors),
        **({} if costs is None else _cost_metrics(
            costs, measure_costs(fold_model, [texts[i] for i in in_scope], timer), weights,
            options.latency_budget_ms)),
        "train_seconds": round(time.perf_counter() - started, 2),
    }
    final.version = make_version(options.backend, texts, labels)
    return final


def _validation_predictions(
    options: TrainingOptions,
    texts: Sequence[str],
    labels: Sequence[str],
    vectors: dict[str, Float32Array],
    progress: ProgressCallback | None,
) -> tuple[LabelArray, list[str], dict[str, FloatArray], IntentClassifier]:
    """Component log-probabilities on examples the scoring model was not trained on, and
    the last model that scored them."""
    oos = options.out_of_scope_label
    folds = _folds(options, labels)
    if not folds:
        fit_part, validation = _split(labels, options, oos)
        folds = [(fit_part, validation)]
    truth: list[str] = []
    parts: dict[str, list[FloatArray]] = {}
    classes: LabelArray = np.empty(0, dtype=object)
    model: IntentClassifier | None = None
    for number, (fit_part, held_out) in enumerate(folds, start=1):
        model = _fit(options, texts, labels, vectors, [i for i in fit_part if labels[i] != oos])
        classes = model.classes
        scored = model.component_log_proba(
            [texts[i] for i in held_out],
            {encoder: values[held_out] for encoder, values in vectors.items()},
        )
        for name, values in scored.items():
            parts.setdefault(name, []).append(values)
        truth += [labels[i] for i in held_out]
        if progress is not None:
            progress("tuning", number, len(folds))
    assert model is not None
    return classes, truth, {name: np.vstack(chunks) for name, chunks in parts.items()}, model


def _cost_metrics(
    modelled_costs: Costs, measured: Costs, weights: dict[str, float], budget: float | None
) -> dict[str, Any]:
    """The parts chosen with both costs, and the latency verdict on the measured one."""
    used = frozenset(name for name, weight in weights.items() if weight > 0)
    modelled_ms, measured_ms = modelled_costs.of(used), measured.of(used)
    chosen = sorted(used | {f"encoder:{encoder_of(name)}" for name in used if encoder_of(name)})
    modelled_all, measured_all = modelled_costs.as_dict(), measured.as_dict()
    return {
        "parts": {name: {"weight": weights.get(name),
                         "modelled_ms": modelled_all.get(name),
                         "measured_ms": measured_all.get(name)} for name in chosen},
        "costs_ms": {"modelled": modelled_all, "measured": measured_all},
        "modelled_ms": round(modelled_ms, 2),
        "estimated_ms": round(measured_ms, 2),
        "latency": {"budget_ms": budget, "measured_ms": round(measured_ms, 2),
                    "within_budget": None if budget is None else measured_ms <= budget},
    }


def _folds(options: TrainingOptions, labels: Sequence[str]) -> list[tuple[list[int], list[int]]]:
    """Stratified folds for the ensemble; none when a class is too small to stratify."""
    oos = options.out_of_scope_label
    if options.backend != "ensemble" or options.ensemble_folds < 2:
        return []
    in_scope = [i for i, label in enumerate(labels) if label != oos]
    counts = Counter(labels[i] for i in in_scope)
    if min(counts.values()) < options.ensemble_folds:
        return []
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(options.ensemble_folds, shuffle=True, random_state=options.seed)
    in_scope_labels = [labels[i] for i in in_scope]
    out_of_scope = [i for i, label in enumerate(labels) if label == oos]
    folds = []
    for number, (fit_rows, held_rows) in enumerate(splitter.split(in_scope, in_scope_labels)):
        held_out = [in_scope[i] for i in held_rows]
        if number == 0:  # out-of-scope examples are never trained on: score them once
            held_out += out_of_scope
        folds.append(([in_scope[i] for i in fit_rows], held_out))
    return folds


def make_version(backend: str, texts: Sequence[str], labels: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for text, label in sorted(zip(texts, labels, strict=True)):
        digest.update(f"{label}\x1f{text}\x1e".encode())
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{backend}-{stamp}-{digest.hexdigest()[:8]}"


def _clean(examples: Iterable[tuple[str, str]]) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for text, label in examples:
        cleaned = customer_words(prepare(text).text)
        category = str(label or "").strip()
        if cleaned and category:
            texts.append(cleaned)
            labels.append(category)
    named = canonical_categories(labels)
    return texts, [named[category_key(label)] for label in labels]


def category_key(label: str) -> str:
    """What two spellings of one category share: "Card arrival", "card  arrival " and its
    full-width or decomposed Unicode forms are one category, not two that split its
    examples."""
    return " ".join(unicodedata.normalize("NFKC", label).casefold().split())


def canonical_categories(labels: Iterable[str]) -> dict[str, str]:
    """Each category's key (`category_key`) with the spelling its examples use most (the
    first seen of equally common ones)."""
    spellings: dict[str, Counter[str]] = {}
    for label in labels:
        spellings.setdefault(category_key(label), Counter())[label.strip()] += 1
    return {key: counts.most_common(1)[0][0] for key, counts in spellings.items()}


def few_examples(labels: Sequence[str]) -> dict[str, int]:
    """The categories with fewer than `FEW_EXAMPLES` examples, with their count."""
    return {label: count for label, count in sorted(Counter(labels).items())
            if count < FEW_EXAMPLES}


def few_examples_warning(counts: dict[str, int]) -> str | None:
    """One line naming the categories too small to learn well, or None."""
    if not counts:
        return None
    shown = ", ".join(f"{label} ({count})" for label, count in list(counts.items())[:5])
    more = f" and {len(counts) - 5} more" if len(counts) > 5 else ""
    which = "1 category has" if len(counts) == 1 else f"{len(counts)} categories have"
    return (f"{which} fewer than {FEW_EXAMPLES} examples, too few to be recognised "
            f"reliably: {shown}{more}")


def _check_classes(labels: Sequence[str]) -> None:
    counts = Counter(labels)
    if len(counts) < 2:
        raise TrainingDataError(
            f"need categorised examples of at least two categories, got {len(counts)}: "
            "categorise more tickets before training"
        )


def _split(
    labels: Sequence[str], options: TrainingOptions, oos: str | None
) -> tuple[list[int], list[int]]:
    """Stratified: every class with enough examples gives the same share to validation."""
    rng = np.random.default_rng(options.seed)
    by_label: dict[str, list[int]] = {}
    for index, label in enumerate(labels):
        by_label.setdefault(label, []).append(index)
    fit_part, validation = [], []
    for label, indices in sorted(by_label.items()):
        shuffled = list(rng.permutation(indices))
        # At least one of each class that has two: a tenth of a small class rounds to none,
        # and a threshold chosen on the training data itself would never abstain.
        take = max(1, round(len(shuffled) * options.validation_fraction))
        if label == oos:  # out-of-scope examples only ever tune the threshold
            take = len(shuffled)
        elif len(shuffled) < MIN_EXAMPLES_PER_CLASS_FOR_VALIDATION:
            take = 0
        validation += [int(i) for i in shuffled[:take]]
        fit_part += [int(i) for i in shuffled[take:]]
    if not validation:  # tiny data: validate on the training data rather than not at all
        validation = list(fit_part)
    return sorted(fit_part), sorted(validation)


def encoders_for(options: TrainingOptions) -> list[str]:
    """The sentence encoders a backend trains on: its own, or the ensemble's installed ones."""
    if options.backend == "default":
        return []
    if options.backend != "ensemble":
        return [options.backend]
    available, missing = [], []
    for name in options.encoders:
        try:
            get_encoder(name)
        except EmbeddingBackendUnavailable as error:
            missing.append(error)
        else:
            available.append(name)
    if missing and not available:
        raise missing[0]
    return available


def _embed(
    options: TrainingOptions,
    texts: Sequence[str],
    progress: ProgressCallback | None,
    cache: dict[str, dict[str, Float32Array]] | None,
) -> dict[str, Float32Array]:
    """Each encoder's vectors for `texts`, row by row."""
    cache = cache if cache is not None else {}
    vectors = {}
    for encoder in encoders_for(options):
        known = cache.setdefault(encoder, {})
        missing = sorted({text for text in texts if text not in known})
        if missing:
            encoded = encode_texts(encoder, missing, progress)
            known.update(zip(missing, encoded, strict=True))
        vectors[encoder] = np.vstack([known[text] for text in texts])
    return vectors


def _fit(
    options: TrainingOptions,
    texts: Sequence[str],
    labels: Sequence[str],
    vectors: dict[str, Float32Array],
    rows: Sequence[int],
    components: Collection[str] | None = None,
) -> IntentClassifier:
    """The backend's component models on `rows`; only `components` if given."""

    def wanted(name: str) -> bool:
        return components is None or name in components

    chosen_texts = [texts[i] for i in rows]
    chosen_labels = [labels[i] for i in rows]
    model = IntentClassifier(options.backend, np.empty(0, dtype=object))
    if options.backend in ("default", "ensemble") and wanted(LINEAR):
        model.linear = LinearIntentModel().fit(chosen_texts, chosen_labels)
    for encoder, encoded in vectors.items():
        chosen_vectors = encoded[list(rows)]
        embedding, kernel = component_name("embedding", encoder), component_name("kernel", encoder)
        if wanted(embedding):
            model.embedded[embedding] = EmbeddingIntentModel(encoder).fit(
                chosen_vectors, chosen_labels
            )
        if options.backend == "ensemble" and wanted(kernel):
            model.embedded[kernel] = KernelIntentModel().fit(chosen_vectors, chosen_labels)
    fitted = model.linear or next(iter(model.embedded.values()), None)
    assert fitted is not None
    model.classes = fitted.classes
    model.weights = {LINEAR: 1.0} if model.linear is not None else {next(iter(model.embedded)): 1.0}
    return model


def train_and_save(
    examples: Iterable[tuple[str, str]],
    options: TrainingOptions | None = None,
    store: ModelStore | None = None,
    progress: ProgressCallback | None = None,
) -> StoredModel:
    """Train from (text, category) pairs and store the model as the current version."""
    classifier = train_intent_classifier(examples, options, progress)
    return (store or ModelStore()).save(classifier)
