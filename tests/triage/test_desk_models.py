"""The desk's own anger and abuse models, learned from its agents' corrections."""

from __future__ import annotations

import pytest

from hubdesk.triage.abuse import AbuseDetector
from hubdesk.triage.desk_models import (
    DeskModelStore,
    NotEnoughCorrections,
    train_desk_model,
)
from hubdesk.triage.engine import TriageEngine
from hubdesk.triage.intent.store import ModelStore

# A desk whose customers swear cheerfully: its agents keep clearing the profanity flag.
FRIENDLY = [f"damn, that was quick, thanks for fixing order {n}" for n in range(12)] + [
    f"bloody brilliant service on ticket {n}, cheers" for n in range(12)]
# ... and who flag messages the rules miss: contempt without a swear word.
HOSTILE = [f"you people are a pathetic joke and a waste of space, reference {n}"
           for n in range(12)] + [
    f"what a useless clown answering ticket {n}, get someone with a brain" for n in range(12)]


def _examples():
    return [(text, False) for text in FRIENDLY] + [(text, True) for text in HOSTILE]


def test_too_few_corrections_train_nothing():
    with pytest.raises(NotEnoughCorrections, match="at least 10"):
        train_desk_model([*_examples()[:20], ("you clown", True)])


def test_a_learned_abuse_model_follows_the_desks_corrections(tmp_path):
    model, metrics = train_desk_model(_examples())
    assert metrics["examples"] == 48 and metrics["flagged"] == 24
    assert 0.0 < metrics["threshold"] < 1.0
    store = DeskModelStore(tmp_path)
    store.save("abusive", model, metrics)
    loaded = store.load("abusive")
    assert loaded is not None

    rules_only = AbuseDetector()
    learned = AbuseDetector(loaded, loaded.threshold)
    cheerful = "holy shit, that was quick, thanks for fixing order 77"
    assert rules_only.detect(cheerful).abusive  # swearing alone trips the rules...
    assert not learned.detect(cheerful).abusive  # ...this desk's agents say it is fine
    contempt = "you people are a pathetic joke and a waste of space, reference 99"
    assert learned.detect(contempt).abusive
    threat = "damn you, I know where you live"
    assert learned.detect(threat).abusive  # threats are never overruled


def test_the_engine_loads_the_desks_models(tmp_path):
    store = DeskModelStore(tmp_path)
    model, metrics = train_desk_model(_examples())
    store.save("abusive", model, metrics)
    engine = TriageEngine.with_stored_model(store=ModelStore(tmp_path / "intent"),
                                            desk_models=store)
    assert engine.abuse.learned is not None and engine.signals.learned_anger is None


def test_a_tampered_model_file_is_ignored(tmp_path):
    store = DeskModelStore(tmp_path)
    model, metrics = train_desk_model(_examples())
    path = store.save("difficult", model, metrics)
    path.write_bytes(path.read_bytes() + b"x")
    assert store.load("difficult") is None
    assert store.load("abusive") is None  # never trained
    with pytest.raises(ValueError):
        store.load("category")
