"""Feeding a stream of messages through intake and counting what became of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from hubdesk.channels.email.intake import take
from hubdesk.domain.mail import Outcome
from hubdesk.services.application import Application

_KEYS = {Outcome.CREATED: "created", Outcome.THREADED: "threaded",
         Outcome.DUPLICATE: "duplicates", Outcome.QUARANTINED: "quarantined",
         Outcome.AUTO_REPLY: "auto_replies_ignored"}


@dataclass
class Tally:
    read: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_KEYS.values(), 0))
    recovered: int = 0  # stored by an earlier, interrupted run and filed by this one

    def add(self, outcome: Outcome) -> None:
        self.read += 1
        self.counts[_KEYS[outcome]] += 1

    def summary(self) -> dict[str, int]:
        return {"read": self.read, **self.counts, "recovered_from_earlier_runs": self.recovered}


def ingest_all(app: Application, messages: Iterable[bytes], tally: Tally) -> Tally:
    for raw in messages:
        tally.add(take(app, raw, source="file"))
    return tally
