"""The demo desk's intent model, trained the way a real desk trains one: on categorised
contacts of its own (here, written by the demo's generator before any ticket exists).

The benchmarks train the same model into their data folder, so that what they measure is a
desk whose intake classifies messages rather than one where every message abstains."""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

from hubdesk.bootstrap import Hub
from hubdesk.demo import content
from hubdesk.demo.people import LANGUAGE_WEIGHTS

if TYPE_CHECKING:
    from hubdesk.triage.intent.store import StoredModel

EXAMPLES_PER_CATEGORY = 60


def train_intent_model(data_dir: Path, seed: int) -> StoredModel:
    """Train the default intent model on generated contacts and store it as the current
    version under ``data_dir``, where a desk with that data folder loads it."""
    from hubdesk.triage.intent.store import ModelStore
    from hubdesk.triage.intent.training import train_and_save

    rng = random.Random(seed ^ 0x5EED)
    languages = list(LANGUAGE_WEIGHTS)
    weights = list(LANGUAGE_WEIGHTS.values())
    examples = []
    for category in content.CATEGORIES:
        for _ in range(EXAMPLES_PER_CATEGORY):
            language = rng.choices(languages, weights=weights)[0]
            contact = content.compose_contact(rng, category, language, "Alex")
            examples.append((f"{contact.subject}\n{contact.body}", category.name))
    return train_and_save(examples, store=ModelStore(data_dir / "models" / "intent"))


def train_demo_intent_model(hub: Hub, seed: int) -> str | None:
    """Train and store the model, then give ``hub`` triage that uses it; returns its version.

    Without triage (disabled in the settings) nothing is trained."""
    if not hub.settings.triage_enabled:
        return None
    stored = train_intent_model(hub.settings.data_dir, seed)
    hub.reload_triage()
    return str(stored.version)
