"""`hubdesk bench triage`: the whole per-message triage, timed one message at a time.

Language, sentiment and anger, abuse, intent and personal data, as the intake pipeline runs
them. The intent model is the stored current one if there is one, else one trained on
BANKING77 (77 categories, a realistic model size) when the shared data is present, else one
trained on a small generated set. Returns a JSON-ready dict and prints nothing.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import numpy as np

from hubdesk.triage.engine import TriageConfig, TriageEngine
from hubdesk.triage.intent.classifier import IntentClassifier
from hubdesk.triage.intent.store import ModelCorrupted, ModelNotFound, ModelStore
from hubdesk.triage.intent.training import TrainingOptions, train_intent_classifier

_OPENINGS = (
    "Hi,",
    "Hello team,",
    "Good morning.",
    "",
    "URGENT:",
    "Dear support,",
    "hey",
    "Bonjour,",
)
_BODIES = (
    "my card was charged twice for the same order and I want a refund",
    "I still have not received my new card, it has been two weeks",
    "how do I change the address on my account?",
    "the app is down again and I cannot log in, this is the third time this week!!",
    "please cancel my subscription, I am switching to another provider",
    "my transfer to GB82 WEST 1234 5698 7654 32 has not arrived",
    "someone used my card 4539 1488 0343 6467 without permission, is this fraud?",
    "you are useless idiots, I will call my lawyer",
    "thanks a lot for the quick help yesterday, everything works now",
    "can I get a copy of my invoice from March? my e-mail is ana.lopez@example.com",
    "call me back on +44 20 7946 0958 please",
    "ma carte est bloquée depuis hier, que faire ?",
    "Meine Überweisung ist noch nicht angekommen.",
)
_CLOSINGS = ("Thanks", "Regards, Ana", "", "!!!", "Sent from my phone")


def generated_messages(count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    messages = []
    for _ in range(count):
        parts = [rng.choice(_OPENINGS), rng.choice(_BODIES)]
        if rng.random() < 0.3:
            parts.append(rng.choice(_BODIES))
        parts.append(rng.choice(_CLOSINGS))
        messages.append(" ".join(part for part in parts if part))
    return messages


def _intent_model(data_dir: Path | None, backend: str) -> tuple[IntentClassifier, str]:
    if backend == "default":
        try:
            return ModelStore().load(), "stored current model"
        except (ModelNotFound, ModelCorrupted):
            pass  # nothing usable stored: train one below
    from hubdesk.triage.evaluation import datasets

    options = TrainingOptions(backend=backend)
    try:
        data = datasets.banking77(datasets.shared_data_dir(data_dir))
        return train_intent_classifier(data.train, options), "trained on banking77"
    except datasets.DataSetMissing:
        pairs = [(body, f"topic_{i}") for i, body in enumerate(_BODIES)] * 3
        return train_intent_classifier(pairs, options), "trained on generated examples"


def run(
    messages: int = 2000,
    backend: str = "default",
    data_dir: Path | None = None,
    languages: tuple[str, ...] = ("en", "fr", "de", "es"),
) -> dict[str, Any]:
    classifier, source = _intent_model(data_dir, backend)
    engine = TriageEngine(TriageConfig(languages=languages), intent=classifier)
    engine.warm_up()
    texts = generated_messages(messages)
    durations = []
    skipped = errors = 0
    for text in texts:
        started = time.perf_counter()
        result = engine.analyse(text)
        durations.append((time.perf_counter() - started) * 1000)
        skipped += bool(result.skipped)
        errors += bool(result.errors)
    timings = np.asarray(durations)
    return {
        "benchmark": "triage",
        "backend": backend,
        "messages": messages,
        "ms_per_message": round(float(timings.mean()), 4),
        "p50_ms": round(float(np.percentile(timings, 50)), 4),
        "p99_ms": round(float(np.percentile(timings, 99)), 4),
        "max_ms": round(float(timings.max()), 4),
        "messages_with_skipped_stages": skipped,
        "messages_with_errors": errors,
        "model_version": classifier.version,
        "intent_model": source,
        "stages": ["pii", "language", "signals", "abuse", "intent", "priority"],
    }
