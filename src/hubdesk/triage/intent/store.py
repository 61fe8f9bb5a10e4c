"""Versioned model files: each trained classifier in its own folder, with its metrics.

    <root>/<version>/model.pkl     the classifier (pickle)
    <root>/<version>/meta.json     backend, classes, threshold, metrics, sha256 of model.pkl
    <root>/CURRENT                 the version triage uses

Pickle runs code when loaded, so a model is only loaded when its bytes match the sha256 that
was written next to it at training time; the folder itself must be as trusted as the code.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hubdesk.triage.intent.classifier import IntentClassifier

MODEL_FILE = "model.pkl"
META_FILE = "meta.json"
CURRENT_FILE = "CURRENT"
DEFAULT_MODEL_DIR_ENV = "HUBDESK_MODEL_DIR"


class ModelNotFound(LookupError):
    """No trained model is stored yet: run `hubdesk triage train` first."""


class ModelCorrupted(RuntimeError):
    """A model file does not match its recorded checksum; retrain or restore it."""


@dataclass(frozen=True)
class StoredModel:
    version: str
    path: Path
    meta: dict[str, Any]


def default_model_dir() -> Path:
    return Path(os.environ.get(DEFAULT_MODEL_DIR_ENV, "var/models")) / "intent"


class ModelStore:
    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else default_model_dir()

    def save(self, classifier: IntentClassifier, *, make_current: bool = True) -> StoredModel:
        folder = self.root / classifier.version
        meta = write_checked(folder / MODEL_FILE, folder / META_FILE, classifier, {
            "version": classifier.version,
            "backend": classifier.backend,
            "classes": [str(name) for name in classifier.classes],
            "threshold": classifier.threshold,
            "weights": classifier.weights,
            "metrics": classifier.metrics,
        })
        if make_current:
            self.set_current(classifier.version)
        return StoredModel(classifier.version, folder, meta)

    def set_current(self, version: str) -> None:
        if not (self.root / version / META_FILE).exists():
            raise ModelNotFound(f"no stored model {version!r} under {self.root}")
        _atomic_write(self.root / CURRENT_FILE, version.encode())

    def current_version(self) -> str | None:
        marker = self.root / CURRENT_FILE
        return marker.read_text().strip() if marker.exists() else None

    def versions(self) -> list[StoredModel]:
        if not self.root.exists():
            return []
        found = []
        for folder in sorted(self.root.iterdir()):
            meta_path = folder / META_FILE
            if meta_path.exists():
                found.append(StoredModel(folder.name, folder, json.loads(meta_path.read_text())))
        return found

    def load(self, version: str | None = None) -> IntentClassifier:
        version = version or self.current_version()
        if not version:
            raise ModelNotFound(
                f"no intent model under {self.root}: train one with `hubdesk triage train`"
            )
        folder = self.root / version
        try:
            classifier = read_checked(folder / MODEL_FILE, folder / META_FILE)
        except FileNotFoundError as error:
            raise ModelNotFound(f"model {version!r} is incomplete under {self.root}") from error
        if not isinstance(classifier, IntentClassifier):
            raise ModelCorrupted(f"model {version!r} is not an intent classifier")
        return classifier


def write_checked(model_path: Path, meta_path: Path, model: object,
                  meta: dict[str, Any]) -> dict[str, Any]:
    """Pickle ``model`` and write ``meta`` beside it with the pickle's checksum."""
    payload = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    _atomic_write(model_path, payload)
    meta = {**meta, "saved_at": datetime.now(UTC).isoformat(),
            "sha256": hashlib.sha256(payload).hexdigest()}
    _atomic_write(meta_path, json.dumps(meta, indent=2).encode())
    return meta


def read_checked(model_path: Path, meta_path: Path) -> object:
    """The model written by `write_checked`; ModelCorrupted if its bytes changed since."""
    meta = json.loads(meta_path.read_text())
    payload = model_path.read_bytes()
    if hashlib.sha256(payload).hexdigest() != meta.get("sha256"):
        raise ModelCorrupted(f"{model_path.name} does not match its checksum; retrain it")
    return pickle.loads(payload)  # noqa: S301 - checksummed file written by `write_checked`


def _atomic_write(path: Path, data: bytes) -> None:
    """Write then rename, so a reader never sees half a model."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
