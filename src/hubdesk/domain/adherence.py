"""Schedule adherence: whether an agent's presence matched their published shifts.

An agent is in adherence while online during a working part of a shift, and while not online
(away, on a break, offline) during a shift's break. Minutes outside every shift count for
neither side; being online then is reported apart (``online_outside_shifts``). Only the past
is judged: every span is cut at ``now``. Before the first presence row an agent is taken to
be offline (a routing profile starts offline).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from hubdesk.domain.schedules import PlannedShift

WORKING_PRESENCE = "online"
Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class PresenceSpan:
    presence: str
    since: datetime
    until: datetime | None  # None: still so


@dataclass(frozen=True)
class Adherence:
    scheduled_minutes: float
    adherent_minutes: float
    online_outside_shifts: float

    @property
    def fraction(self) -> float | None:
        """Adherent minutes over scheduled minutes; None when nothing was scheduled yet."""
        if self.scheduled_minutes <= 0:
            return None
        return min(1.0, self.adherent_minutes / self.scheduled_minutes)


def overlap(a: Span, b: Span) -> timedelta:
    """How long two half-open spans [start, end) share; never negative."""
    return max(timedelta(0), min(a[1], b[1]) - max(a[0], b[0]))


def _minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def _clip(span: Span, window: Span) -> Span | None:
    start, end = max(span[0], window[0]), min(span[1], window[1])
    return (start, end) if end > start else None


def online_spans(presence: Sequence[PresenceSpan], now: datetime) -> list[Span]:
    spans = []
    for row in presence:
        until = row.until if row.until is not None else now
        if row.presence == WORKING_PRESENCE and until > row.since:
            spans.append((row.since, min(until, now)))
    return spans


def _total(spans: Sequence[Span], others: Sequence[Span]) -> timedelta:
    return sum((overlap(a, b) for a in spans for b in others), timedelta(0))


def agent_adherence(shifts: Sequence[PlannedShift], presence: Sequence[PresenceSpan],
                    window: Span, now: datetime) -> Adherence:
    """One agent's adherence over ``window`` (a day, say), judged up to ``now``."""
    judged = _clip(window, (window[0], now))
    if judged is None:
        return Adherence(0.0, 0.0, 0.0)
    online = online_spans(presence, now)
    working = [c for s in shifts for w in s.working_spans() if (c := _clip(w, judged))]
    breaks = [c for s in shifts for b in s.break_spans() if (c := _clip(b, judged))]
    scheduled = sum((e - s for s, e in working + breaks), timedelta(0))
    adherent = _total(working, online)
    adherent += sum((e - s for s, e in breaks), timedelta(0)) - _total(breaks, online)
    on_shift = [c for s in shifts if (c := _clip((s.starts_at, s.ends_at), judged))]
    online_in_window = [c for o in online if (c := _clip(o, judged))]
    outside = sum((e - s for s, e in online_in_window), timedelta(0)) \
        - _total(online_in_window, on_shift)
    return Adherence(_minutes(scheduled), _minutes(adherent), _minutes(outside))


def expected_presence(shifts: Sequence[PlannedShift], moment: datetime) -> str:
    """What the schedule asks of an agent at ``moment``: working, on_break or off."""
    for shift in shifts:
        if shift.starts_at <= moment < shift.ends_at:
            on_break = any(s <= moment < e for s, e in shift.break_spans())
            return "on_break" if on_break else "working"
    return "off"


def out_of_adherence(expected: str, presence: str) -> bool:
    """Working but not online, or online during a break. Online while off shift is extra time,
    not a breach of the schedule."""
    if expected == "working":
        return presence != WORKING_PRESENCE
    if expected == "on_break":
        return presence == WORKING_PRESENCE
    return False
