"""A team's week of shifts: drafted, edited and swapped by coordinators, then published to the
agents, who may ask for a change.

Shifts are UTC instants (start, end, an optional break inside), so a shift over midnight is
one shift, and what a desk calls "Monday" is decided where the week is made, not here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from itertools import pairwise

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import PermissionDenied, ValidationFailed

LONGEST_SHIFT = timedelta(hours=16)
# The days a desk plans: this century's, as the API's day pattern allows (a day's forecast
# reads weeks of history before it and a week reaches a day past it, so the calendar's own
# ends cannot be planned).
FIRST_PLANNED_DAY, LAST_PLANNED_DAY = date(2000, 1, 1), date(2099, 12, 31)


def planned_day(day: date, field: str = "day") -> date:
    """``day``, where a desk can plan it (`FIRST_PLANNED_DAY` to `LAST_PLANNED_DAY`)."""
    if not FIRST_PLANNED_DAY <= day <= LAST_PLANNED_DAY:
        raise ValidationFailed(f"choose a day from {FIRST_PLANNED_DAY.isoformat()} to "
                               f"{LAST_PLANNED_DAY.isoformat()}", {field: "out of range"})
    return day


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
        # Kept in UTC: Python subtracts two times of one zone by their wall clocks, which
        # would make the night of a clock change an hour too long or too short.
        for name in ("starts_at", "ends_at", "break_starts_at", "break_ends_at"):
            value = getattr(self, name)
            if isinstance(value, datetime) and value.tzinfo is not None:
                object.__setattr__(self, name, value.astimezone(UTC))
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


class RequestKind(StrEnum):
    """What approving a request does to the schedule."""

    NOTE = "note"  # nothing by itself: the coordinator edits the week by hand
    SWAP = "swap"  # the shift and another agent's shift of the same week change hands
    DAY_OFF = "day_off"  # the shift is removed
    TIME_CHANGE = "time_change"  # the shift moves to new times, its break with it


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
    kind: RequestKind = RequestKind.NOTE
    swap_shift_id: int | None = None
    new_starts_at: datetime | None = None
    new_ends_at: datetime | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.note, str) or not self.note.strip() or len(self.note) > MAX_NOTE:
            raise ValidationFailed(f"say what should change, in 1 to {MAX_NOTE} characters",
                                   {"note": "invalid"})
        if self.kind is RequestKind.TIME_CHANGE:
            if self.new_starts_at is None or self.new_ends_at is None:
                raise ValidationFailed("a time change gives the new start and end",
                                       {"new_starts_at": "missing"})
            # The same checks a shift gets, named for the request's fields.
            try:
                PlannedShift(None, self.agent_id, self.new_starts_at, self.new_ends_at)
            except ValidationFailed as bad:
                raise ValidationFailed(str(bad), {f"new_{name}": reason for name, reason
                                                  in bad.fields.items()}) from None

    def check_complete(self) -> None:
        """A new request names what approving it changes (stored ones may have lost a shift
        that was removed since)."""
        if self.kind is not RequestKind.NOTE and self.shift_id is None:
            raise ValidationFailed(f"a {self.kind.value.replace('_', ' ')} request names the "
                                   "shift it changes", {"shift_id": "missing"})
        if self.kind is RequestKind.SWAP and self.swap_shift_id is None:
            raise ValidationFailed("a swap names the other agent's shift",
                                   {"swap_shift_id": "missing"})


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


def on_clock(moment: datetime | None, zone: tzinfo) -> datetime | None:
    """A time as given: one with an offset is that instant; one without is read on the
    ``zone``'s wall clock (the team's, where only the week's owner knows which it is)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class ShiftInput:
    """A shift as a coordinator gives it, checked when it becomes a `PlannedShift`. Times
    without an offset are wall-clock times of the week's team (`on_clock`)."""

    agent_id: int
    starts_at: datetime
    ends_at: datetime
    break_starts_at: datetime | None = None
    break_ends_at: datetime | None = None

    def on_clock(self, zone: tzinfo) -> ShiftInput:
        starts, ends = on_clock(self.starts_at, zone), on_clock(self.ends_at, zone)
        assert starts is not None and ends is not None
        return ShiftInput(self.agent_id, starts, ends, on_clock(self.break_starts_at, zone),
                          on_clock(self.break_ends_at, zone))

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


# --- approving a request ----------------------------------------------------------------------

@dataclass(frozen=True)
class WorkRules:
    """The contract rules a change to a published week must keep: hours of rest between two
    shifts, paid hours (at least, at most) and working days per week."""

    rest_hours: float = 11.0
    max_week_hours: float = 40.0
    max_days: int = 5
    min_week_hours: float = 0.0


def requested(request: ChangeRequest, shifts: list[PlannedShift]) -> list[PlannedShift]:
    """The week's shifts as the request would leave them (overlaps refused)."""
    by_id = {s.id: s for s in shifts}
    own = by_id.get(request.shift_id)
    if own is None or own.agent_id != request.agent_id:
        raise ValidationFailed("the shift of the request is no longer the agent's in this "
                               "week", {"shift_id": "changed"})
    if request.kind is RequestKind.DAY_OFF:
        return [s for s in shifts if s.id != own.id]
    if request.kind is RequestKind.SWAP:
        other = by_id.get(request.swap_shift_id)
        if other is None:
            raise ValidationFailed("the shift to swap with is no longer in this week",
                                   {"swap_shift_id": "changed"})
        return swapped(shifts, own.id or 0, other.id or 0)
    if request.kind is RequestKind.TIME_CHANGE:
        assert request.new_starts_at is not None and request.new_ends_at is not None
        result = [moved(s, request.new_starts_at, request.new_ends_at) if s.id == own.id else s
                  for s in shifts]
        check_no_overlap(result)
        return result
    return shifts


def moved(shift: PlannedShift, starts_at: datetime, ends_at: datetime) -> PlannedShift:
    """The shift at new times; its break keeps its distance from the start when it still
    fits, else it lies in the middle of the new shift."""
    if shift.break_starts_at is None or shift.break_ends_at is None:
        return PlannedShift(shift.id, shift.agent_id, starts_at, ends_at)
    length = shift.break_ends_at - shift.break_starts_at
    begins = starts_at + (shift.break_starts_at - shift.starts_at)
    if begins + length > ends_at:
        begins = starts_at + ((ends_at - starts_at) - length) / 2
    if begins < starts_at:
        return PlannedShift(shift.id, shift.agent_id, starts_at, ends_at)
    return PlannedShift(shift.id, shift.agent_id, starts_at, ends_at, begins, begins + length)


def week_hours(shifts: Iterable[PlannedShift], week_start: date, zone: tzinfo) -> float:
    """Paid hours of the shifts that start in the local week beginning on ``week_start``."""
    return sum(s.working_minutes for s in shifts
               if 0 <= (s.starts_at.astimezone(zone).date() - week_start).days < 7) / 60


def check_min_hours(agent_name: str, before: Iterable[PlannedShift],
                    after: Iterable[PlannedShift], week_start: date, zone: tzinfo,
                    rules: WorkRules) -> None:
    """Refuse a change that takes the agent from at least the contract's minimum paid hours
    in the week to fewer. A week planned below the minimum (a coordinator's choice: a part
    week, a new starter) is not the change's doing, so it only counts when the change crosses
    the line."""
    was, now = week_hours(before, week_start, zone), week_hours(after, week_start, zone)
    if now < rules.min_week_hours <= was:
        raise ValidationFailed(
            f"minimum hours: {agent_name} would work {now:g} paid hours in the week, at least "
            f"{rules.min_week_hours:g} are required", {"rule": "min_week_hours"})


def check_work_rules(agent_name: str, shifts: Iterable[PlannedShift], week_start: date,
                     zone: tzinfo, rules: WorkRules) -> None:
    """One agent's shifts around a week (the week's and its neighbours'), refused with the
    rule they break: rest between shifts, paid hours or working days in the local week that
    begins on ``week_start`` (days are the zone's local days). The minimum hours depend on
    the week before the change: ``check_min_hours``."""
    own = sorted(shifts, key=lambda s: s.starts_at)
    rest = timedelta(hours=rules.rest_hours)
    for before, after in pairwise(own):
        if after.starts_at - before.ends_at < rest:
            gap = (after.starts_at - before.ends_at).total_seconds() / 3600
            raise ValidationFailed(
                f"rest between shifts: {agent_name} would have {gap:g} hours between the shift "
                f"ending {before.ends_at.astimezone(zone):%a %d %b %H:%M} and the next, at "
                f"least {rules.rest_hours:g} are required", {"rule": "rest_between_shifts"})
    days = {s: s.starts_at.astimezone(zone).date() for s in own}
    week = [s for s in own if 0 <= (days[s] - week_start).days < 7]
    hours = week_hours(week, week_start, zone)
    if hours > rules.max_week_hours:
        raise ValidationFailed(
            f"maximum hours: {agent_name} would work {hours:g} paid hours in the week, at most "
            f"{rules.max_week_hours:g} are allowed", {"rule": "max_week_hours"})
    worked = {days[s] for s in week}
    if len(worked) > rules.max_days:
        raise ValidationFailed(
            f"working days: {agent_name} would work {len(worked)} days in the week, at most "
            f"{rules.max_days} are allowed", {"rule": "max_days"})
