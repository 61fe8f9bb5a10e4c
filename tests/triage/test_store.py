import copy

import numpy as np
import pytest

from hubdesk.triage.intent.store import ModelCorrupted, ModelNotFound, ModelStore
from hubdesk.triage.intent.training import train_and_save


def test_save_load_and_current_version(tmp_path, small_classifier):
    store = ModelStore(tmp_path)
    stored = store.save(small_classifier)
    assert store.current_version() == small_classifier.version
    loaded = store.load()
    assert loaded.version == small_classifier.version
    text = "I forgot my password"
    assert loaded.predict(text) == small_classifier.predict(text)
    assert stored.meta["classes"] == sorted(stored.meta["classes"])
    assert [m.version for m in store.versions()] == [small_classifier.version]


def test_a_tampered_model_is_refused(tmp_path, small_classifier):
    store = ModelStore(tmp_path)
    stored = store.save(small_classifier)
    (stored.path / "model.pkl").write_bytes(b"not a model")
    with pytest.raises(ModelCorrupted):
        store.load()


def test_no_model_yet(tmp_path):
    with pytest.raises(ModelNotFound, match="hubdesk triage train"):
        ModelStore(tmp_path).load()


def test_train_and_save_from_pairs(tmp_path, examples):
    stored = train_and_save(iter(examples), store=ModelStore(tmp_path))
    assert stored.meta["metrics"]["examples"] == len(examples)
    assert ModelStore(tmp_path).current_version() == stored.version


def test_a_model_stored_before_several_encoders_still_loads(tmp_path, small_classifier, examples):
    """Older ensembles kept one encoder's models in `embedding` and `kernel` attributes."""
    from hubdesk.triage.intent.embedding import EmbeddingIntentModel, register_encoder

    class Words:
        name = "words"

        def encode(self, texts):
            vocabulary = sorted({word for text, _ in examples for word in text.split()})
            return np.array(
                [[float(word in text.split()) for word in vocabulary] for text in texts],
                np.float32,
            )

    register_encoder("words", Words)
    texts, labels = zip(*examples, strict=True)
    old = copy.copy(small_classifier)
    old.__dict__ = {
        key: value for key, value in small_classifier.__dict__.items() if key != "embedded"
    }
    old.__dict__.update(
        embedding=EmbeddingIntentModel("words").fit(Words().encode(texts), labels),
        kernel=None,
        encoder_name="words",
        weights={"linear": 0.5, "embedding": 0.5, "kernel": 0.0},
    )
    ModelStore(tmp_path).save(old)
    loaded = ModelStore(tmp_path).load()
    assert loaded.weights == {"linear": 0.5, "embedding:words": 0.5, "kernel:words": 0.0}
    assert set(loaded.embedded) == {"embedding:words"}
    assert loaded.encoders == ["words"]
    assert loaded.predict("I forgot my password").category == "password_reset"
    assert not hasattr(loaded, "encoder_name")


def test_a_stored_model_scores_without_scikit_learn_or_scipy(tmp_path, small_classifier):
    """A server loads the model and scores with it; ~110 MB of training libraries stay out."""
    import json
    import subprocess
    import sys

    ModelStore(tmp_path).save(small_classifier)
    texts = ["I forgot my password", "refund please", "where is my new card", "zzz"]
    script = (
        "import json, sys\n"
        "from hubdesk.triage.intent.store import ModelStore\n"
        f"model = ModelStore({str(tmp_path)!r}).load()\n"
        f"scores = [model.log_proba_one(t).tolist() for t in {texts!r}]\n"
        "heavy = sorted(m for m in ('sklearn', 'scipy') if m in sys.modules)\n"
        "batch = model.log_proba(['refund please']).tolist()\n"
        "print(json.dumps({'scores': scores, 'heavy': heavy, 'batch': batch}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=120)
    answer = json.loads(done.stdout)
    assert answer["heavy"] == []
    expected = np.vstack([small_classifier.log_proba_one(text) for text in texts])
    assert np.allclose(answer["scores"], expected, atol=1e-6)
    # The batch path of a stored model (stacked single rows) agrees with the trained one's.
    assert np.allclose(answer["batch"], small_classifier.log_proba(["refund please"]),
                       atol=1e-5)
