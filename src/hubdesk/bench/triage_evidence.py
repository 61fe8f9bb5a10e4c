"""What triage did during a benchmark run, as the running server reports it.

A throughput figure means little without knowing what each request paid for. The server
answers ``POST /api/v1/tickets`` with the ticket and its first message, whose ``triage``
holds every verdict it stored: which stages ran, were skipped for time or failed, and the
version of the intent model that classified it. A benchmark keeps a spread sample of those
answers and summarises them here, beside the metadata of the model it trained into the
server's data folder, so a run whose server did not load the model cannot pass unnoticed.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from hubdesk.bench.http import Response

STAGES = ("pii", "language", "signals", "abuse", "intent", "priority")
NO_MODEL = "none"  # the version triage reports when no intent model is loaded
SAMPLE_SIZE = 100


class ResponseSample:
    """Keeps about ``size`` answers spread over a run of ``expected`` successful requests;
    cheap enough to sit in the timed loop (it only keeps references)."""

    def __init__(self, expected: int, size: int = SAMPLE_SIZE) -> None:
        self.every = max(1, expected // max(1, size))
        self.size = size
        self.seen = 0
        self.bodies: list[bytes] = []

    def __call__(self, response: Response) -> None:
        if self.seen % self.every == 0 and len(self.bodies) < self.size:
            self.bodies.append(response.body)
        self.seen += 1


def summarise_verdicts(bodies: list[bytes]) -> dict[str, Any]:
    """`summarise_stored` of the first message's triage in each sampled API answer."""
    return summarise_stored([_first_message_triage(body) for body in bodies])


def summarise_stored(verdicts: list[dict[str, Any] | None]) -> dict[str, Any]:
    """Per triage stage, on how many sampled messages it ran, was skipped or failed, and its
    mean time where it ran (as the server timed it, so a busy machine's waits included); the
    intent model versions that answered; the share of messages the model abstained on. A
    message stored without triage is given as None."""
    stored = [v for v in verdicts if v is not None]
    stages = {name: Counter[str]() for name in STAGES}
    stage_ms = dict.fromkeys(STAGES, 0.0)
    versions: Counter[str] = Counter()
    abstained = 0
    elapsed = []
    for verdict in stored:
        skipped, failed = set(verdict.get("skipped") or ()), set(verdict.get("errors") or ())
        timed = (verdict.get("extra") or {}).get("stage_ms") or {}
        for name, counts in stages.items():
            outcome = ("failed" if name in failed else "skipped" if name in skipped
                       else "ran" if name in timed else "absent")
            counts[outcome] += 1
            stage_ms[name] += float(timed.get(name) or 0.0)
        intent = verdict.get("intent") or {}
        versions[str(intent.get("model_version", NO_MODEL))] += 1
        abstained += bool(intent.get("abstained"))
        elapsed.append(float(verdict.get("elapsed_ms") or 0.0))
    return {
        "sampled_messages": len(verdicts),
        "without_triage": len(verdicts) - len(stored),
        "stages_ran_on_all": [name for name, c in stages.items()
                              if stored and c["ran"] == len(stored)],
        "stages": {name: {**{k: c[k] for k in ("ran", "skipped", "failed", "absent")},
                          "mean_ms": round(stage_ms[name] / c["ran"], 3) if c["ran"] else None}
                   for name, c in stages.items()},
        "model_versions": dict(versions),
        "abstained_share": round(abstained / len(stored), 3) if stored else None,
        "mean_triage_ms": round(sum(elapsed) / len(elapsed), 3) if elapsed else None,
    }


def _first_message_triage(body: bytes) -> dict[str, Any] | None:
    try:
        messages = orjson.loads(body).get("messages") or []
    except (orjson.JSONDecodeError, AttributeError):
        return None
    triage = messages[0].get("triage") if messages else None
    return triage if isinstance(triage, dict) else None


def intent_model_on_disk(data_dir: Path) -> dict[str, Any]:
    """The current intent model in a data folder, from the metadata the server loads it by."""
    from hubdesk.triage.intent.store import CURRENT_FILE, META_FILE

    root = data_dir / "models" / "intent"
    try:
        version = (root / CURRENT_FILE).read_text().strip()
        meta = json.loads((root / version / META_FILE).read_text())
    except (OSError, ValueError):
        return {"version": None}
    metrics = meta.get("metrics") or {}
    return {"version": version, "backend": meta.get("backend"),
            "classes": len(meta.get("classes") or ()), "examples": metrics.get("examples"),
            "threshold": meta.get("threshold")}


def what_ran(model: dict[str, Any], verdicts: dict[str, Any]) -> dict[str, Any]:
    """The model trained for the run, and whether the server's answers carry its version."""
    versions = verdicts.get("model_versions") or {}
    loaded = bool(model.get("version")) and set(versions) == {model["version"]}
    return {**model, "loaded_by_server": loaded}
