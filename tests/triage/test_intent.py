import numpy as np
import pytest

from hubdesk.triage.intent.classifier import IntentClassifier
from hubdesk.triage.intent.embedding import (
    EmbeddingBackendUnavailable,
    get_encoder,
    register_encoder,
)
from hubdesk.triage.intent.thresholds import weight_grid
from hubdesk.triage.intent.training import (
    TrainingDataError,
    TrainingOptions,
    train_intent_classifier,
)


def test_predicts_the_category_with_a_version(small_classifier: IntentClassifier):
    prediction = small_classifier.predict("my replacement card still has not arrived")
    assert prediction.category == "card_arrival"
    assert prediction.model_version == small_classifier.version
    assert prediction.alternatives[0][0] == "card_arrival"


def test_abstains_below_the_threshold(small_classifier: IntentClassifier):
    strict = IntentClassifier(**{**small_classifier.__dict__, "threshold": 0.999})
    prediction = strict.predict("the weather is nice today")
    assert prediction.abstained
    assert prediction.category is None
    assert prediction.alternatives  # the human triaging it still sees the guesses


def test_single_message_path_matches_the_batch_path(small_classifier: IntentClassifier):
    texts = ["refund please", "forgot my password", "close my account now"]
    batch = small_classifier.log_proba(texts)
    single = np.vstack([small_classifier.log_proba_one(text) for text in texts])
    assert np.allclose(batch, single, atol=1e-4)


def test_two_categories_work():
    examples = [("refund my money", "refund"), ("where is my card", "card")] * 6
    model = train_intent_classifier(examples)
    assert model.predict("I want a refund").category == "refund"


def test_one_category_is_not_enough():
    with pytest.raises(TrainingDataError, match="at least two categories"):
        train_intent_classifier([("a", "x"), ("b", "x")])


def test_unknown_backend_is_refused(examples):
    with pytest.raises(TrainingDataError, match="unknown backend"):
        train_intent_classifier(examples, TrainingOptions(backend="gpt"))


def test_empty_texts_and_categories_are_ignored(examples):
    model = train_intent_classifier([*examples, ("", "refund"), ("hello", "")])
    assert set(model.classes) == {"card_arrival", "refund", "password_reset", "cancel_account"}


def test_out_of_scope_examples_tune_the_threshold_and_are_never_a_category(examples):
    noise = [(f"what is the capital of country number {i}", "oos") for i in range(12)]
    model = train_intent_classifier(
        examples + noise, TrainingOptions(out_of_scope_label="oos", validation_fraction=0.3)
    )
    assert "oos" not in set(model.classes)
    assert model.threshold > 0


def test_weight_grid_shares_one():
    grid = weight_grid(["a", "b", "c"], step=0.1)
    assert len(grid) == 66
    assert all(abs(sum(weights.values()) - 1) < 1e-6 for weights in grid)


class HashingEncoder:
    """A deterministic stand-in for a sentence encoder: bag of hashed words, normalised."""

    name = "hashing"

    def encode(self, texts):
        out = np.zeros((len(texts), 64), np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, sum(map(ord, word)) % 64] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


def test_the_ensemble_trains_and_predicts_with_any_encoder(examples):
    register_encoder("hashing", HashingEncoder)
    options = TrainingOptions(backend="ensemble", encoder="hashing", ensemble_folds=3)
    model = train_intent_classifier(examples, options)
    assert set(model.weights) == {"linear", "embedding", "kernel"}
    assert abs(sum(model.weights.values()) - 1) < 1e-6
    assert model.predict("I forgot my password").category == "password_reset"
    batch = model.log_proba(["I forgot my password"])
    assert np.allclose(batch[0], model.log_proba_one("I forgot my password"), atol=1e-4)


def test_a_missing_encoder_says_how_to_install_it():
    def unavailable():
        raise EmbeddingBackendUnavailable("pip install 'hubdesk[embeddings]'")

    register_encoder("absent", unavailable)
    with pytest.raises(EmbeddingBackendUnavailable, match="embeddings"):
        get_encoder("absent")
