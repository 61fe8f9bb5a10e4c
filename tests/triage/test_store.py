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
