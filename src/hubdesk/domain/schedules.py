"""A team's week of shifts: drafted, edited and swapped by coordinators, then published to the
agents, who may ask for a change.

Shifts are UTC instants (start, end, an optional break inside), so a shift over midnight is
one shift, and what a desk calls "Monday" is decided where the week is made, not here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import PermissionDenied, ValidationFailed

LONGEST_SHIFT = timedelta(hours=16)
MAX_NOTE = 1000


class ScheduleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class RequestStatus(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    DECLINED = "declined"


def _aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValidationFailed(f"{name} needs a time zone (an offset such as Z)",
                               {name: "no offset"})


@dataclass(frozen=True)
class PlannedShift:
    id: int | None
    agent_id: int
    starts_at: datetime
    ends_at: datetime
    break_starts_at: datetime | None = None
    break_ends_at: datetime | None = None

    def __post_init__(self) -> None:
        _aware(self.starts_at, "starts_at")
        _aware(self.ends_at, "ends_at")
        if self.ends_at <= self.starts_at:
            raise ValidationFailed("a shift ends after it starts", {"ends_at": "reversed"})
        if self.ends_at - self.starts_at > LONGEST_SHIFT:
            raise ValidationFailed("a shift lasts at most 16 hours", {"ends_at": "too long"})
        if (self.break_starts_at is None) != (self.break_ends_at is None):
            raise ValidationFailed("a break has both a start and an end",
                                   {"break_ends_at": "missing"})
        if self.break_starts_at is not None and self.break_ends_at is not None:
            _aware(self.break_starts_at, "break_starts_at")
            _aware(self.break_ends_at, "break_ends_at")
            if not self.starts_at <= self.break_starts_at < self.break_ends_at <= self.ends_at:
                raise ValidationFailed("the break lies inside the shift and ends after it starts",
                                       {"break_starts_at": "outside the shift"})

    @property
    def working_minutes(self) -> float:
        worked = self.ends_at - self.starts_at
        if self.break_starts_at is not None and self.break_ends_at is not None:
            worked -= self.break_ends_at - self.break_starts_at
        return worked.total_seconds() / 60

    def working_spans(self) -> list[tuple[datetime, datetime]]:
        if self.break_starts_at is None or self.break_ends_at is None:
            return [(self.starts_at, self.ends_at)]
        return [(s, e) for s, e in ((self.starts_at, self.break_starts_at),
                                    (self.break_ends_at, self.ends_at)) if e > s]

    def break_spans(self) -> list[tuple[datetime, datetime]]:
        if self.break_starts_at is None or self.break_ends_at is None:
            return []
        return [(self.break_starts_at, self.break_ends_at)]


@dataclass(frozen=True)
class TeamWeek:
    id: int | None
    team_id: int
    week_start: date  # a Monday
    status: ScheduleStatus
    shifts: tuple[PlannedShift, ...]
    updated_at: datetime | None = None
    updated_by: int | None = None


@dataclass(frozen=True)
class ChangeRequest:
    id: int | None
    agent_id: int
    shift_id: int | None
    note: str
    status: RequestStatus = RequestStatus.OPEN
    answer: str | None = None
    created_at: datetime | None = None
    answered_by: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.note, str) or not self.note.strip() or len(self.note) > MAX_NOTE:
            raise ValidationFailed(f"say what should change, in 1 to {MAX_NOTE} characters",
                                   {"note": "invalid"})


def monday_of(day: date) -> date:
    """Weeks run Monday to Sunday; any day names the week it falls in."""
    return day - timedelta(days=day.weekday())


def check_may_plan(actor: Agent) -> None:
    """Schedules, adherence and intraday staffing are for coordinators, managers and admins."""
    if not actor.oversees_everything:
        raise PermissionDenied("schedules are planned by coordinators, managers and "
                               "administrators")


def check_no_overlap(shifts: Iterable[PlannedShift]) -> None:
    """An agent works one shift at a time; the error names the agent and the two starts."""
    by_agent: dict[int, list[PlannedShift]] = defaultdict(list)
    for shift in shifts:
        by_agent[shift.agent_id].append(shift)
    for agent_id, own in by_agent.items():
        own.sort(key=lambda s: s.starts_at)
        for before, after in pairwise(own):
            if after.starts_at < before.ends_at:
                raise ValidationFailed(
                    f"agent {agent_id} would work two shifts at once (from "
                    f"{before.starts_at:%a %H:%M} and from {after.starts_at:%a %H:%M} UTC)",
                    {"starts_at": "overlaps another shift"})


@dataclass(frozen=True)
class ShiftInput:
    """A shift as a coordinator gives it, checked when it becomes a `PlannedShift`."""

    agent_id: int
    starts_at: datetime
    ends_at: datetime
    break_starts_at: datetime | None = None
    break_ends_at: datetime | None = None

    def planned(self, shift_id: int | None) -> PlannedShift:
        return PlannedShift(shift_id, self.agent_id, self.starts_at, self.ends_at,
                            self.break_starts_at, self.break_ends_at)


def swapped(shifts: list[PlannedShift], first_id: int, second_id: int) -> list[PlannedShift]:
    """The week with two shifts' agents exchanged; the overlap check runs on the result."""
    by_id = {s.id: s for s in shifts}
    if first_id == second_id or first_id not in by_id or second_id not in by_id:
        raise ValidationFailed("give two different shifts of this schedule to swap",
                               {"shift_ids": "unknown"})
    first, second = by_id[first_id], by_id[second_id]
    if first.agent_id == second.agent_id:
        raise ValidationFailed("both shifts belong to the same agent: nothing to swap",
                               {"shift_ids": "same agent"})
    changed = {first_id: _with_agent(first, second.agent_id),
               second_id: _with_agent(second, first.agent_id)}
    result = [changed.get(s.id or 0, s) for s in shifts]
    check_no_overlap(result)
    return result


def _with_agent(shift: PlannedShift, agent_id: int) -> PlannedShift:
    return PlannedShift(shift.id, agent_id, shift.starts_at, shift.ends_at,
                        shift.break_starts_at, shift.break_ends_at)
