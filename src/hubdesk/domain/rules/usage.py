"""How often each rule has fired: what a desk reads before changing or removing one.

Firings are counted per rule and per hour (UTC) as their events are relayed from the outbox,
after the change that fired them committed: a rule that fires on every new ticket then adds no
write to the intake's own transaction, and no two intakes wait on one counter row. The hours
make the windows exact to the hour: the last 24 hours, 7 days and 30 days."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hubdesk.domain.events import EventKind

WINDOWS = {"last_24_hours": timedelta(hours=24), "last_7_days": timedelta(days=7),
           "last_30_days": timedelta(days=30)}
LONGEST_WINDOW = max(WINDOWS.values())


@dataclass(frozen=True)
class HourTally:
    fired: int
    last_fired_at: datetime


@dataclass(frozen=True)
class RuleUsage:
    last_24_hours: int = 0
    last_7_days: int = 0
    last_30_days: int = 0
    last_fired_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"last_24_hours": self.last_24_hours, "last_7_days": self.last_7_days,
                "last_30_days": self.last_30_days,
                "last_fired_at": self.last_fired_at.isoformat() if self.last_fired_at else None}


NEVER_FIRED = RuleUsage()


def hour_of(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def window_starts(now: datetime) -> dict[str, datetime]:
    """The first hour each window counts: the current hour is the window's last."""
    current = hour_of(now)
    return {name: current - length + timedelta(hours=1) for name, length in WINDOWS.items()}


def tally_firings(payloads: Iterable[Mapping[str, Any]]) -> dict[tuple[int, datetime], HourTally]:
    """Relayed ticket events' payloads counted per (rule id, hour); all but rule firings,
    and firings whose rule or instant cannot be read, are left out."""
    tallies: dict[tuple[int, datetime], HourTally] = {}
    for payload in payloads:
        fired = _firing(payload)
        if fired is None:
            continue
        rule_id, at = fired
        key = (rule_id, hour_of(at))
        before = tallies.get(key)
        tallies[key] = HourTally(1, at) if before is None else HourTally(
            before.fired + 1, max(before.last_fired_at, at))
    return tallies


def _firing(payload: Mapping[str, Any]) -> tuple[int, datetime] | None:
    data = payload.get("data")
    if payload.get("kind") != EventKind.RULE_FIRED.value or not isinstance(data, Mapping):
        return None
    rule_id, written = data.get("rule_id"), payload.get("at")
    if not isinstance(rule_id, int) or isinstance(rule_id, bool) or not isinstance(written, str):
        return None
    try:
        at = datetime.fromisoformat(written)
    except ValueError:
        return None
    return (rule_id, at) if at.tzinfo is not None else None
