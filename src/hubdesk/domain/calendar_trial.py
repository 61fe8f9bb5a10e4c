"""Trying a business calendar: when a target of so much business time, started at a given
moment, falls due, and how much business time lies between two moments. An administrator
checks a calendar this way before tickets depend on it ("opened Friday at 16:30, four
business hours: due Monday at 11:30?"), and anyone can hold the desk's arithmetic against
their own. Pure rules over `BusinessCalendar`.

A moment given without an offset is a time on the calendar's own clock. One the clock skips
when it goes forward is read with the offset before the change, as the clock on the wall
would still show it; one it shows twice when it goes back is the first of the two."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hubdesk.domain.calendars import FIRST_YEAR, LAST_YEAR, BusinessCalendar
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.sla.policies import SlaTarget

# A target longer than this is not one a desk sets (a year of round-the-clock time).
MAX_TARGET = timedelta(days=366)


@dataclass(frozen=True)
class Deadline:
    """``counting_from`` is ``start`` when the calendar is open then, else its next opening;
    ``timezone`` is the calendar's."""

    timezone: str
    start: datetime
    target: timedelta
    counting_from: datetime
    due_at: datetime


@dataclass(frozen=True)
class TargetsDue:
    """A policy's targets for one priority, each started at ``start``, in its order."""

    timezone: str
    start: datetime
    deadlines: tuple[tuple[SlaTarget, Deadline], ...]


@dataclass(frozen=True)
class Elapsed:
    timezone: str
    start: datetime
    end: datetime
    business: timedelta
    open_at_start: bool
    open_at_end: bool


def read_moment(text: str, field: str = "start") -> datetime:
    """A moment as typed: RFC 3339, with or without an offset (see `on_clock`)."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(f"{field} {text[:40]!r} is not a moment: give it as "
                               "2026-12-04T16:30 (on the calendar's clock) or with an offset, "
                               "2026-12-04T16:30+01:00", {field: "bad date"}) from None


def target_of(minutes: float, field: str = "minutes") -> timedelta:
    """A target given in business minutes, more than none and at most `MAX_TARGET`."""
    try:
        target = timedelta(minutes=minutes)
    except (ValueError, OverflowError):  # not a number, or beyond any calendar
        target = timedelta(-1)
    if not timedelta(0) < target <= MAX_TARGET:
        raise ValidationFailed(f"{field} {minutes} is not a target: give more than no time "
                               "and at most 366 days", {field: "out of range"})
    return target


def on_clock(calendar: BusinessCalendar, moment: datetime, field: str = "start") -> datetime:
    """``moment`` with its offset, or read on the calendar's clock when it has none; within
    the years the calendar counts in."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=calendar.zone, fold=0)
    try:
        year = moment.astimezone(UTC).year
    except OverflowError:  # an offset that takes it past year 1 or 9999
        year = 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed(f"{field} must fall in the years {FIRST_YEAR} to {LAST_YEAR}",
                               {field: "out of range"})
    return moment


def deadline(calendar: BusinessCalendar, start: datetime, target: timedelta) -> Deadline:
    if not timedelta(0) < target <= MAX_TARGET:
        raise ValidationFailed("a target is more than no time and at most 366 days",
                               {"target": "out of range"})
    start = on_clock(calendar, start)
    due = calendar.add(start.astimezone(UTC), target)
    return Deadline(calendar.timezone, start, target,
                    calendar.next_opening(start).astimezone(UTC), due.astimezone(UTC))


def targets_due(calendar: BusinessCalendar, start: datetime,
                goals: Mapping[SlaTarget, int]) -> TargetsDue:
    """When each of ``goals`` (business minutes per target) falls due, started at ``start``."""
    start = on_clock(calendar, start)
    return TargetsDue(calendar.timezone, start, tuple(
        (target, deadline(calendar, start, timedelta(minutes=goals[target])))
        for target in SlaTarget if target in goals))


def elapsed(calendar: BusinessCalendar, start: datetime, end: datetime) -> Elapsed:
    start, end = on_clock(calendar, start), on_clock(calendar, end, "end")
    if end < start:
        raise ValidationFailed("the end comes before the start", {"end": "reversed"})
    return Elapsed(calendar.timezone, start, end, calendar.elapsed(start, end),
                   calendar.is_open(start), calendar.is_open(end))
