"""The ticket flow report: how many tickets came in, were solved and came back each day, and
how large the backlog stood at each day's end, read from the tickets' history.

The backlog is every ticket not solved: "with the desk" (new or open: the desk owes the next
step) and "waiting" (pending or on hold: the customer or someone else does). A day's end is
midnight on the desk's own clock. The backlog of a past day is what it was then, not today's
tickets filtered by date: it is rewound from the tickets unsolved now through every arrival
and status change since, so a ticket solved, reopened and solved again counts where each of
those happened, and the day's figures add up (the backlog at a day's end is the day before's
plus arrivals and reopenings, less solved and merged).

Leaving the backlog is counted once per time: "solved" (solved or closed straight from the
backlog, by an agent, the customer or an automation) and "merged" (a duplicate merged into
another ticket; not a customer helped, so kept apart). A solved ticket closed later has not
left again; one reopened has come back ("reopened", and the share of solves that came back).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum

from hubdesk.domain.tickets import Status

# The history is counted in slots this long (every time zone's offset from UTC is a multiple
# of it, so a slot lies within one local day).
SLOT = timedelta(minutes=15)
SLOT_SECONDS = int(SLOT.total_seconds())
# The longest window the report draws day by day.
MAX_DAYS = 400


class Stage(StrEnum):
    WITH_DESK = "with_desk"
    WAITING = "waiting"
    DONE = "done"


STAGES = {Status.NEW: Stage.WITH_DESK, Status.OPEN: Stage.WITH_DESK,
          Status.PENDING: Stage.WAITING, Status.ON_HOLD: Stage.WAITING,
          Status.SOLVED: Stage.DONE, Status.CLOSED: Stage.DONE}


def stage_of(status: str | None) -> Stage | None:
    """The stage a status (as stored) belongs to; None for a value no status has."""
    try:
        return STAGES[Status(status)] if status is not None else None
    except ValueError:
        return None


class Part(StrEnum):
    """Where a count falls: inside the window, or after it (read only to rewind the backlog
    from now)."""

    WINDOW = "window"
    AFTER = "after"


@dataclass(frozen=True)
class Arrivals:
    """Tickets created in one slot (``slot``: seconds since the epoch // `SLOT_SECONDS`)."""

    part: Part
    slot: int
    channel: str
    count: int


@dataclass(frozen=True)
class Moves:
    """Status changes from ``before`` to ``after`` in one slot."""

    part: Part
    slot: int
    before: str | None
    after: str | None
    count: int


@dataclass(frozen=True)
class Solves:
    """Tickets one actor took out of the backlog in the window (merges among them), counted
    apart from the slots: who solved is asked of the window, not of each day."""

    actor_kind: str
    actor_id: int | None
    count: int


@dataclass(frozen=True)
class Merges:
    """Tickets that left the backlog by being merged into another, in one slot, by one actor."""

    part: Part
    slot: int
    actor_kind: str
    actor_id: int | None
    count: int


@dataclass(frozen=True)
class Backlog:
    with_desk: int = 0
    waiting: int = 0

    @property
    def total(self) -> int:
        return self.with_desk + self.waiting

    def moved(self, stage: Stage | None, by: int) -> Backlog:
        if stage is Stage.WITH_DESK:
            return Backlog(self.with_desk + by, self.waiting)
        if stage is Stage.WAITING:
            return Backlog(self.with_desk, self.waiting + by)
        return self


@dataclass(frozen=True)
class FlowDay:
    day: date
    received: int
    solved: int
    merged: int
    reopened: int
    backlog: Backlog  # at the day's end (or the window's, if sooner)


@dataclass(frozen=True)
class Solver:
    """Who solved: an agent (``agent_id``), the customer, or an automation (rules, a
    blocked sender's contact held)."""

    kind: str  # "agent", "customer" or "system"
    agent_id: int | None = None


@dataclass(frozen=True)
class FlowReport:
    days: tuple[FlowDay, ...]
    backlog_at_start: Backlog
    received_by_channel: dict[str, int] = field(default_factory=dict)
    solved_by: dict[Solver, int] = field(default_factory=dict)

    @property
    def received(self) -> int:
        return sum(day.received for day in self.days)

    @property
    def solved(self) -> int:
        return sum(day.solved for day in self.days)

    @property
    def merged(self) -> int:
        return sum(day.merged for day in self.days)

    @property
    def reopened(self) -> int:
        return sum(day.reopened for day in self.days)

    @property
    def backlog_at_end(self) -> Backlog:
        return self.days[-1].backlog if self.days else self.backlog_at_start

    @property
    def reopened_share(self) -> float | None:
        """Reopenings per ticket solved in the window, a fraction (it can pass 1 when older
        solves come back); None when nothing was solved."""
        return round(self.reopened / self.solved, 4) if self.solved else None


def window_days(since: datetime, until: datetime, zone: tzinfo) -> list[date]:
    """The local days [since, until) touches, in order."""
    if until <= since:
        return []
    first, last = since.astimezone(zone).date(), (until - timedelta(microseconds=1)
                                                   ).astimezone(zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def slot_day(slot: int, zone: tzinfo) -> date:
    return datetime.fromtimestamp(slot * SLOT_SECONDS, UTC).astimezone(zone).date()


def flow_report(since: datetime, until: datetime, zone: tzinfo, backlog_now: Backlog,
                arrivals: Iterable[Arrivals], moves: Iterable[Moves],
                merges: Iterable[Merges], solves: Iterable[Solves] = ()) -> FlowReport:
    """The flow in [since, until), day by day on ``zone``'s clock, from the backlog now and
    every arrival, status change and merge since ``since`` (those after ``until`` marked
    `Part.AFTER`), and who took tickets out of the backlog in the window."""
    arrivals, moves, merges = list(arrivals), list(moves), list(merges)
    start = _rewound(backlog_now, arrivals, moves)
    days = window_days(since, until, zone)
    received: Counter[date] = Counter()
    solved: Counter[date] = Counter()
    merged: Counter[date] = Counter()
    reopened: Counter[date] = Counter()
    change: dict[date, Backlog] = defaultdict(Backlog)
    by_channel: Counter[str] = Counter()
    solved_by: Counter[Solver] = Counter()
    for arrival in arrivals:
        if arrival.part is Part.WINDOW:
            day = slot_day(arrival.slot, zone)
            received[day] += arrival.count
            by_channel[arrival.channel] += arrival.count
            change[day] = change[day].moved(Stage.WITH_DESK, arrival.count)
    for move in moves:
        if move.part is not Part.WINDOW:
            continue
        day = slot_day(move.slot, zone)
        before, after = stage_of(move.before), stage_of(move.after)
        change[day] = change[day].moved(before, -move.count).moved(after, move.count)
        if before in (Stage.WITH_DESK, Stage.WAITING) and after is Stage.DONE:
            solved[day] += move.count
        elif before is Stage.DONE and after in (Stage.WITH_DESK, Stage.WAITING):
            reopened[day] += move.count
    for solve in solves:
        solved_by[_solver(solve.actor_kind, solve.actor_id)] += solve.count
    for merge in merges:  # each merge's move was counted as solved above: set it apart
        if merge.part is Part.WINDOW:
            day = slot_day(merge.slot, zone)
            solved[day] -= merge.count
            merged[day] += merge.count
            solved_by[_solver(merge.actor_kind, merge.actor_id)] -= merge.count
    flow, standing = [], start
    for day in days:
        standing = Backlog(standing.with_desk + change[day].with_desk,
                           standing.waiting + change[day].waiting)
        flow.append(FlowDay(day, received[day], solved[day], merged[day], reopened[day],
                            standing))
    return FlowReport(tuple(flow), start, dict(by_channel.most_common()),
                      {solver: count for solver, count in solved_by.most_common()
                       if count > 0})


def _rewound(now: Backlog, arrivals: list[Arrivals], moves: list[Moves]) -> Backlog:
    """The backlog at the window's start: the one now, with every arrival and status change
    since undone."""
    backlog = now
    for arrival in arrivals:
        backlog = backlog.moved(Stage.WITH_DESK, -arrival.count)
    for move in moves:
        backlog = backlog.moved(stage_of(move.after), -move.count).moved(
            stage_of(move.before), move.count)
    return backlog


def _solver(kind: str, agent_id: int | None) -> Solver:
    return Solver("agent", agent_id) if kind == "agent" else Solver(
        kind if kind == "customer" else "system")
