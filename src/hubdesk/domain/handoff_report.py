"""Turnaround of handoffs per department: which department is the bottleneck, and which
time and rework were caused by the ticket's side rather than the department.

Turnaround is business time on the handoff's own OLA calendar (round the clock without one)
from opening to the department's first answer, or to its rejection or end when it was
finished without one. What follows a first answer is not the department's own doing: while a
handoff is answered it waits on the ticket's side to accept it or send it back. Whoever sends it
back says why (`SendBackCause`), and the work after it is charged by that cause: to the
originating team (the parent ticket's team) when its request was incomplete, to the department
when its answer was wrong, to neither when the customer is awaited. A send-back recorded before
causes were asked for is charged to the originating team. A rejection says the request could
not be worked as sent: it, too, counts against the originating team. Shares are fractions
between 0 and 1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hubdesk.domain.handoffs import (
    AWAITING_DEPARTMENT,
    FINAL,
    ROUND_THE_CLOCK,
    Charge,
    Handoff,
    HandoffStatus,
    SendBackCause,
    charge_of,
)
from hubdesk.domain.percentiles import percentile

# The moves that end the department's first pass: it answered, refused, or it was closed.
_DECISIONS = frozenset({HandoffStatus.ANSWERED, HandoffStatus.REJECTED, HandoffStatus.DONE})


@dataclass(frozen=True)
class StatusMove:
    at: datetime
    status: HandoffStatus  # the status the handoff moved to
    cause: SendBackCause | None = None  # a send-back's, when one was given


@dataclass(frozen=True)
class HandoffHistory:
    """What the report needs beyond the handoff row: its moves in order, and the team of the
    ticket it was opened from (None: a ticket without a team)."""

    moves: tuple[StatusMove, ...]
    origin_team_id: int | None


@dataclass(frozen=True)
class Attribution:
    """One handoff's business time split by who held it."""

    decided_at: datetime | None  # the department's first answer or rejection
    own: timedelta | None  # opening to that decision; None while still awaited
    waiting_on_requester: timedelta  # answered, held by the ticket's side
    rework: timedelta  # awaited from the department again after send-backs the origin caused
    sent_back: int
    rejected: bool
    rework_by_department: timedelta = timedelta(0)  # after send-backs for its own errors
    waiting_on_customer: timedelta = timedelta(0)  # after send-backs awaiting the customer
    sent_back_charged: Mapping[Charge, int] = field(default_factory=dict)

    def sent_back_to(self, charge: Charge) -> int:
        return self.sent_back_charged.get(charge, 0)


@dataclass(frozen=True)
class DepartmentTurnaround:
    department_id: int
    handoffs: int
    finished: int  # answered, done or rejected: a turnaround is known
    median: timedelta | None
    p90: timedelta | None
    overdue_share: float  # of handoffs with a deadline: first answered late, or awaited past it
    rejected_share: float
    waiting_on_requester: timedelta = timedelta(0)  # caused by others: the ticket's side held it
    rework: timedelta = timedelta(0)  # caused by others: again after incomplete requests
    sent_back: int = 0
    waiting_on_customer: timedelta = timedelta(0)  # caused by others: the customer awaited
    own_rework: timedelta = timedelta(0)  # its own doing: again after its errors
    sent_back_for_errors: int = 0

    @property
    def caused_by_others(self) -> timedelta:
        return self.waiting_on_requester + self.rework + self.waiting_on_customer


@dataclass(frozen=True)
class OriginRework:
    """What one originating team's handoffs cost the departments beyond a first answer."""

    team_id: int | None
    handoffs: int
    rejected: int
    sent_back: int  # for requests it sent incomplete
    waiting_on_team: timedelta
    rework: timedelta

    @property
    def time_caused(self) -> timedelta:
        return self.waiting_on_team + self.rework


@dataclass(frozen=True)
class TurnaroundReport:
    departments: list[DepartmentTurnaround]
    origins: tuple[OriginRework, ...] = ()

    @property
    def bottleneck(self) -> DepartmentTurnaround | None:
        """The department that keeps work longest: highest p90, then most often late."""
        timed = [d for d in self.departments if d.p90 is not None]
        if not timed:
            return None
        return max(timed, key=lambda d: (d.p90, d.overdue_share, -d.department_id))


def moves_of(handoff: Handoff) -> tuple[StatusMove, ...]:
    """The moves the handoff's row still shows, for a handoff whose history is not known:
    its latest answer and its end."""
    moves = []
    if handoff.answered_at is not None:
        moves.append(StatusMove(handoff.answered_at, HandoffStatus.ANSWERED))
    if handoff.closed_at is not None and handoff.status in FINAL:
        moves.append(StatusMove(handoff.closed_at, handoff.status))
    return tuple(moves)


def attribute(handoff: Handoff, moves: tuple[StatusMove, ...], now: datetime) -> Attribution:
    """Walk the handoff's statuses from its opening, up to ``now``, and book each stretch of
    business time to whoever held it: the work after a send-back to whom its cause charges."""
    calendar = handoff.ola.business_calendar if handoff.ola else ROUND_THE_CLOCK
    status, since = HandoffStatus.OPEN, handoff.opened_at
    decided_at: datetime | None = None
    waiting = timedelta(0)
    again: dict[Charge, timedelta] = defaultdict(timedelta)
    sent_back: dict[Charge, int] = defaultdict(int)
    charge = Charge.ORIGIN
    for move in (*(m for m in moves if m.at <= now), None):
        end = max(now if move is None else move.at, since)
        if status in AWAITING_DEPARTMENT and decided_at is not None:
            again[charge] += calendar.elapsed(since, end)
        elif status is HandoffStatus.ANSWERED:
            waiting += calendar.elapsed(since, end)
        if move is None or status in FINAL:
            break
        if decided_at is None and move.status in _DECISIONS:
            decided_at = end
        if status is HandoffStatus.ANSWERED and move.status is HandoffStatus.IN_PROGRESS:
            charge = charge_of(move.cause)
            sent_back[charge] += 1
        status, since = move.status, end
    own = calendar.elapsed(handoff.opened_at, decided_at) if decided_at is not None else None
    return Attribution(decided_at, own, waiting, again[Charge.ORIGIN],
                       sum(sent_back.values()), rejected=status is HandoffStatus.REJECTED,
                       rework_by_department=again[Charge.DEPARTMENT],
                       waiting_on_customer=again[Charge.CUSTOMER],
                       sent_back_charged=dict(sent_back))


def _late(handoff: Handoff, split: Attribution, now: datetime) -> bool:
    """Late on its own first pass: a deadline missed only by the rework is not the
    department's."""
    assert handoff.due_at is not None
    return (split.decided_at or now) > handoff.due_at


def turnaround_report(handoffs: list[Handoff], now: datetime,
                      histories: Mapping[int, HandoffHistory] | None = None) -> TurnaroundReport:
    """Per department and per originating team, as of ``now``. A handoff without a history
    is read from its row alone (its latest answer, its end) and has no known origin."""
    histories = histories or {}
    splits: dict[int, list[tuple[Handoff, Attribution]]] = defaultdict(list)
    by_origin: dict[int | None, list[Attribution]] = defaultdict(list)
    for handoff in handoffs:
        history = histories.get(handoff.id) if handoff.id is not None else None
        split = attribute(handoff, history.moves if history else moves_of(handoff), now)
        splits[handoff.department_id].append((handoff, split))
        if history is not None:
            by_origin[history.origin_team_id].append(split)
    rows = [_department_row(department_id, group, now)
            for department_id, group in sorted(splits.items())]
    origins = tuple(_origin_row(team_id, group) for team_id, group
                    in sorted(by_origin.items(), key=lambda item: (item[0] is None, item[0])))
    return TurnaroundReport(rows, origins)


def _department_row(department_id: int, group: list[tuple[Handoff, Attribution]],
                    now: datetime) -> DepartmentTurnaround:
    times = sorted(s.own for _, s in group if s.own is not None)
    with_deadline = [(h, s) for h, s in group if h.due_at is not None]
    overdue = sum(1 for h, s in with_deadline if _late(h, s, now))
    return DepartmentTurnaround(
        department_id=department_id, handoffs=len(group), finished=len(times),
        median=percentile(times, 0.5) if times else None,
        p90=percentile(times, 0.9) if times else None,
        overdue_share=overdue / len(with_deadline) if with_deadline else 0.0,
        rejected_share=sum(1 for _, s in group if s.rejected) / len(group),
        waiting_on_requester=sum((s.waiting_on_requester for _, s in group), timedelta(0)),
        rework=sum((s.rework for _, s in group), timedelta(0)),
        sent_back=sum(s.sent_back for _, s in group),
        waiting_on_customer=sum((s.waiting_on_customer for _, s in group), timedelta(0)),
        own_rework=sum((s.rework_by_department for _, s in group), timedelta(0)),
        sent_back_for_errors=sum(s.sent_back_to(Charge.DEPARTMENT) for _, s in group))


def _origin_row(team_id: int | None, group: list[Attribution]) -> OriginRework:
    return OriginRework(
        team_id=team_id, handoffs=len(group), rejected=sum(1 for s in group if s.rejected),
        sent_back=sum(s.sent_back_to(Charge.ORIGIN) for s in group),
        waiting_on_team=sum((s.waiting_on_requester for s in group), timedelta(0)),
        rework=sum((s.rework for s in group), timedelta(0)))
