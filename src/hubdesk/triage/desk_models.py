"""The desk's own anger and abuse models, learned from its agents' corrections.

Rules catch what every desk sees; these learn what this desk's customers write and what its
agents call difficult or abusive. Each is a `learned.BinaryTextModel`, stored next to the
intent models as one file per verdict with its metrics and checksum:

    <root>/difficult.pkl + difficult.json
    <root>/abusive.pkl   + abusive.json

A verdict with too few corrections of either kind is not trained: a model learned from a
handful of examples would be noise with a confident face.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hubdesk.triage.intent.store import ModelCorrupted, read_checked, write_checked
from hubdesk.triage.learned import BinaryTextModel

log = logging.getLogger(__name__)

VERDICTS = ("difficult", "abusive")
MIN_EXAMPLES_PER_KIND = 10
HOLDOUT_SHARE = 0.2


class NotEnoughCorrections(ValueError):
    """Too few corrections of one kind to learn from; the message says how many more."""


def train_desk_model(examples: Sequence[tuple[str, bool]], *,
                     seed: int = 0) -> tuple[BinaryTextModel, dict[str, Any]]:
    """Fit on most examples, choose the threshold on the rest, refit on all of them."""
    positives = [e for e in examples if e[1]]
    negatives = [e for e in examples if not e[1]]
    short = min(len(positives), len(negatives))
    if short < MIN_EXAMPLES_PER_KIND:
        raise NotEnoughCorrections(
            f"need at least {MIN_EXAMPLES_PER_KIND} corrections each way, have "
            f"{len(positives)} flagged and {len(negatives)} not flagged")
    rng = random.Random(seed)  # noqa: S311 - a reproducible split, not a secret
    held: list[tuple[str, bool]] = []
    fit: list[tuple[str, bool]] = []
    for group in (positives, negatives):  # stratified: both kinds in both parts
        shuffled = list(group)
        rng.shuffle(shuffled)
        take = max(2, round(len(shuffled) * HOLDOUT_SHARE))
        held += shuffled[:take]
        fit += shuffled[take:]
    model = BinaryTextModel().fit(fit)
    threshold = model.tune_threshold(held)
    metrics = _scores(model, held)
    final = BinaryTextModel(threshold=threshold).fit(examples)
    return final, {"holdout": metrics, "threshold": threshold, "examples": len(examples),
                   "flagged": len(positives)}


def _scores(model: BinaryTextModel, held: Sequence[tuple[str, bool]]) -> dict[str, float]:
    predicted = [model.flags(text) for text, _ in held]
    truth = [label for _, label in held]
    true_positive = sum(p and t for p, t in zip(predicted, truth, strict=True))
    precision = true_positive / max(1, sum(predicted))
    recall = true_positive / max(1, sum(truth))
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


class DeskModelStore:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def save(self, verdict: str, model: BinaryTextModel, metrics: dict[str, Any]) -> Path:
        _check(verdict)
        path = self.root / f"{verdict}.pkl"
        write_checked(path, self.root / f"{verdict}.json", model,
                      {"verdict": verdict, "metrics": metrics})
        return path

    def load(self, verdict: str) -> BinaryTextModel | None:
        """The stored model, or None when there is none or it cannot be trusted."""
        _check(verdict)
        try:
            model = read_checked(self.root / f"{verdict}.pkl", self.root / f"{verdict}.json")
        except (FileNotFoundError, ValueError):
            return None
        except ModelCorrupted:
            log.error("the desk's %s model does not match its checksum: ignored", verdict)
            return None
        return model if isinstance(model, BinaryTextModel) else None


def learn_from_corrections(corrections: dict[str, list[tuple[str, bool]]],
                           store: DeskModelStore) -> dict[str, Any]:
    """Train and store a model for each verdict with enough corrections; say what happened."""
    report: dict[str, Any] = {}
    for verdict, examples in corrections.items():
        try:
            model, metrics = train_desk_model(examples)
        except NotEnoughCorrections as error:
            report[verdict] = {"trained": False, "why": str(error)}
            continue
        report[verdict] = {"trained": True, "path": str(store.save(verdict, model, metrics)),
                           **metrics}
    return report


def _check(verdict: str) -> None:
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}; one of {VERDICTS}")
