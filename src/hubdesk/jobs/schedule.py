"""When a periodic job is due, and which tick a moment belongs to.

A tick is the moment a run stands for (the start of its minute, or of its interval). Every
worker computes the same tick for the same moment, which is what lets the database decide
that a tick runs once however many schedulers saw it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from hubdesk.domain.clock import ensure_utc

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# What huey.crontab(...) returns: a test of a naive UTC datetime.
CronTest = Callable[[datetime], bool]


class Schedule(Protocol):
    def tick_for(self, moment: datetime) -> datetime | None:
        """The tick ``moment`` falls in, or None if the job is not due then."""
        ...


@dataclass(frozen=True)
class Interval:
    """Every ``period``, aligned on the Unix epoch (so every 15 minutes means :00, :15 …)."""

    period: timedelta

    def __post_init__(self) -> None:
        if self.period < timedelta(seconds=1):
            raise ValueError("a periodic job runs at most once a second")

    def tick_for(self, moment: datetime) -> datetime:
        elapsed = ensure_utc(moment) - EPOCH
        return EPOCH + self.period * (elapsed // self.period)


@dataclass(frozen=True)
class Cron:
    """The minutes a crontab (in UTC) matches, e.g. ``huey.crontab(minute="*/5")``."""

    matches: CronTest

    def tick_for(self, moment: datetime) -> datetime | None:
        minute = ensure_utc(moment).replace(second=0, microsecond=0)
        return minute if self.matches(minute.replace(tzinfo=None)) else None


def as_schedule(every: int | timedelta | CronTest | Schedule) -> Schedule:
    """A schedule from what a capability declares: minutes, a period, or a crontab."""
    if isinstance(every, bool):
        raise TypeError("every= takes minutes, a timedelta or a crontab")
    if isinstance(every, int):
        return Interval(timedelta(minutes=every))
    if isinstance(every, timedelta):
        return Interval(every)
    if hasattr(every, "tick_for"):
        return every
    if callable(every):
        return Cron(every)
    raise TypeError("every= takes minutes, a timedelta or a crontab")
