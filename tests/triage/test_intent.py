import itertools

import numpy as np
import pytest

from hubdesk.triage.intent.classifier import IntentClassifier
from hubdesk.triage.intent.embedding import (
    EmbeddingBackendUnavailable,
    EmbeddingIntentModel,
    get_encoder,
    register_encoder,
)
from hubdesk.triage.intent.thresholds import choose_weights, weight_grid
from hubdesk.triage.intent.training import (
    TrainingDataError,
    TrainingOptions,
    train_intent_classifier,
)

from .conftest import PHRASES, generated_examples


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


def test_spellings_of_one_category_are_one_category(examples):
    """Exports mix "refund", "Refund " and "REFUND"; Unicode has several forms of "é"."""
    variants = [(text, category.upper() if n % 3 == 0 else f" {category.title()} ")
                for n, (text, category) in enumerate(examples)]
    variants += [("le café est froid", "caf\u00e9"), ("café tiède", "cafe\u0301")] * 3
    model = train_intent_classifier(variants)
    assert len(model.classes) == 5
    assert "CAFÉ" not in set(model.classes) and "card_arrival".title() in set(model.classes)
    assert model.predict("my new card has not arrived yet").category == "Card_Arrival"


def test_the_out_of_scope_label_is_found_in_any_case(examples):
    noise = [(f"what is the capital of country number {i}", "OOS") for i in range(12)]
    model = train_intent_classifier(
        examples + noise, TrainingOptions(out_of_scope_label="oos", validation_fraction=0.3)
    )
    assert "OOS" not in set(model.classes) and len(model.classes) == 4


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


class CharacterEncoder:
    """A second stand-in whose vectors differ from HashingEncoder's: hashed letter pairs."""

    name = "characters"

    def encode(self, texts):
        out = np.zeros((len(texts), 32), np.float32)
        for row, text in enumerate(texts):
            for first, second in itertools.pairwise(text):
                out[row, (ord(first) * 31 + ord(second)) % 32] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


class FailingEncoder:
    name = "failing"

    def encode(self, texts):
        raise AssertionError("an encoder whose components weigh 0 must not run")


def _unavailable():
    raise EmbeddingBackendUnavailable("pip install 'hubdesk[embeddings]'")


def test_the_ensemble_trains_and_predicts_with_any_encoder(examples):
    register_encoder("hashing", HashingEncoder)
    options = TrainingOptions(backend="ensemble", encoders=("hashing",), ensemble_folds=3)
    model = train_intent_classifier(examples, options)
    assert set(model.weights) == {"linear", "embedding:hashing", "kernel:hashing"}
    assert abs(sum(model.weights.values()) - 1) < 1e-6
    assert model.predict("I forgot my password").category == "password_reset"
    batch = model.log_proba(["I forgot my password"])
    assert np.allclose(batch[0], model.log_proba_one("I forgot my password"), atol=1e-4)


def test_the_ensemble_weighs_the_components_of_several_encoders(examples):
    register_encoder("hashing", HashingEncoder)
    register_encoder("characters", CharacterEncoder)
    options = TrainingOptions(
        backend="ensemble", encoders=("hashing", "characters"), ensemble_folds=3
    )
    model = train_intent_classifier(examples, options)
    assert set(model.weights) == {
        "linear",
        "embedding:hashing",
        "kernel:hashing",
        "embedding:characters",
        "kernel:characters",
    }
    assert abs(sum(model.weights.values()) - 1) < 1e-6
    assert model.metrics["encoders"] == ["characters", "hashing"]
    # Components weighted 0 are not even refitted.
    assert set(model.embedded) == {name for name, w in model.weights.items() if w > 0} - {"linear"}
    texts = ["I forgot my password", "refund please"]
    batch = model.log_proba(texts)
    assert np.allclose(batch, np.vstack([model.log_proba_one(t) for t in texts]), atol=1e-4)


def test_an_encoder_weighted_zero_is_never_run(examples):
    register_encoder("hashing", HashingEncoder)
    register_encoder("failing", FailingEncoder)
    model = train_intent_classifier(examples)
    texts, labels = zip(*examples, strict=True)
    vectors = HashingEncoder().encode(texts)
    fitted = EmbeddingIntentModel("hashing").fit(vectors, labels)
    model.embedded = {"embedding:hashing": fitted, "embedding:failing": fitted}
    model.weights = {"linear": 0.6, "embedding:hashing": 0.4, "embedding:failing": 0.0}
    assert model.encoders == ["hashing"]
    assert model.predict("I forgot my password").category == "password_reset"
    assert model.log_proba(["refund please"]).shape == (1, len(model.classes))


def test_the_ensemble_leaves_out_an_encoder_that_is_not_installed(examples):
    register_encoder("hashing", HashingEncoder)
    register_encoder("absent", _unavailable)
    options = TrainingOptions(backend="ensemble", encoders=("absent", "hashing"), ensemble_folds=3)
    model = train_intent_classifier(examples, options)
    assert model.metrics["encoders"] == ["hashing"]
    assert all(not name.endswith(":absent") for name in model.weights)


def test_the_ensemble_without_any_encoder_says_how_to_install_one(examples):
    register_encoder("absent", _unavailable)
    options = TrainingOptions(backend="ensemble", encoders=("absent",), ensemble_folds=3)
    with pytest.raises(EmbeddingBackendUnavailable, match="embeddings"):
        train_intent_classifier(examples, options)


def test_a_missing_encoder_says_how_to_install_it():
    register_encoder("absent", _unavailable)
    with pytest.raises(EmbeddingBackendUnavailable, match="embeddings"):
        get_encoder("absent")


def _parts_where_two_components_beat_one():
    """Component "a" is right on even examples, "b" on multiples of three, both on half of
    the rest: together they beat either alone."""
    classes = np.array(["x", "y"], dtype=object)
    truth = ["x", "y"] * 30
    a, b = np.full((60, 2), np.log(0.5)), np.full((60, 2), np.log(0.5))
    for row, label in enumerate(truth):
        right = int(label == "y")
        a[row] = np.log([0.8, 0.2]) if (right == 0) == (row % 2 == 0) else np.log([0.3, 0.7])
        b[row] = np.log([0.6, 0.4]) if (right == 0) == (row % 3 == 0) else np.log([0.45, 0.55])
    return {"a": a, "b": b}, classes, truth


def test_weights_fit_the_latency_budget():
    parts, classes, truth = _parts_where_two_components_beat_one()
    unlimited = choose_weights(parts, classes, truth)
    assert all(weight > 0 for weight in unlimited.values())
    cost = {"a": 3.0, "b": 4.0}

    def of(used):
        return sum(cost[name] for name in used)

    tight = choose_weights(parts, classes, truth, of, budget=5.0)
    assert sorted(tight.values()) == [0.0, 1.0]
    assert choose_weights(parts, classes, truth, of, budget=10.0) == unlimited
    # Nothing fits: the cheapest weighting that is still the most accurate of its cost.
    assert choose_weights(parts, classes, truth, of, budget=1.0)["a"] == 1.0


def test_the_ensemble_records_what_its_parts_cost(examples):
    register_encoder("hashing", HashingEncoder)
    options = TrainingOptions(backend="ensemble", encoders=("hashing",), ensemble_folds=3)
    model = train_intent_classifier(examples, options)
    parts = {"linear", "embedding:hashing", "kernel:hashing", "encoder:hashing"}
    assert set(model.metrics["costs_ms"]["modelled"]) == parts
    assert set(model.metrics["costs_ms"]["measured"]) == parts
    assert 0 <= model.metrics["modelled_ms"] <= options.latency_budget_ms
    chosen = {name for name, weight in model.weights.items() if weight > 0}
    assert chosen <= set(model.metrics["parts"])
    for name in chosen:
        assert model.metrics["parts"][name]["weight"] == model.weights[name]
        assert model.metrics["parts"][name]["measured_ms"] >= 0



def test_the_ensemble_is_chosen_the_same_on_a_busy_machine(examples, slow_timer):
    register_encoder("hashing", HashingEncoder)
    options = TrainingOptions(backend="ensemble", encoders=("hashing",), ensemble_folds=3)
    quiet = train_intent_classifier(examples, options)
    busy = train_intent_classifier(examples, options, timer=slow_timer)
    assert busy.weights == quiet.weights
    assert set(busy.embedded) == set(quiet.embedded)
    assert busy.threshold == quiet.threshold
    assert busy.metrics["parts"].keys() == quiet.metrics["parts"].keys()
    assert busy.metrics["modelled_ms"] == quiet.metrics["modelled_ms"]
    # The time measured is reported, with its verdict, and never chose anything.
    assert busy.metrics["latency"]["measured_ms"] >= 40
    assert busy.metrics["latency"]["within_budget"] is False
    assert quiet.metrics["latency"]["within_budget"] is True


def test_a_rare_category_is_not_drowned_by_a_common_one():
    """A desk's labels are rarely balanced: 144 refunds against two examples of the rest."""
    common = [(t, c) for t, c in generated_examples(per_phrase=8, seed=21) if c == "refund"]
    rare = [(PHRASES[c][i], c) for c in PHRASES if c != "refund" for i in (0, 1)]
    model = train_intent_classifier(common + rare)
    unseen = [(phrase, c) for c in PHRASES if c != "refund" for phrase in PHRASES[c][2:]]
    best = model.classes[model.log_proba([phrase for phrase, _ in unseen]).argmax(axis=1)]
    hits = sum(guess == c for guess, (_, c) in zip(best, unseen, strict=True))
    assert hits >= 2 * len(unseen) // 3


def test_small_categories_still_hold_examples_out_to_choose_the_threshold():
    """Four examples a category: a tenth of each rounds to none, and a threshold chosen on
    the examples the model was fitted on would never abstain."""
    examples = [(phrase, c) for c, phrases in PHRASES.items() for phrase in phrases[:4]]
    model = train_intent_classifier(examples)
    assert model.metrics["validation"]["examples"] == len(PHRASES)
