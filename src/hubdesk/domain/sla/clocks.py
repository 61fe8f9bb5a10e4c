"""One SLA clock: a ticket's progress towards one target, in business time, with its history.

A clock runs, pauses and resumes; it is met (on time or late), or stopped when the target no
longer applies. Business time used is *settled* at every change: the stretch since the clock
last started running is measured on the calendar in force, added to ``elapsed``, and the clock
goes on from there. So a change of priority, policy or calendar mid-flight keeps the time used
so far and applies the new goal (and calendar) to what remains.

``due_at`` is the deadline while running: an answer at that very instant is in time, one a
moment later is late: the clock is breached from that moment on (the answer met late, the
breach marked, the queues' count of breaches). The time has run out at the deadline itself:
the risk reads breached there, and the ladder's step at 100 % fires. ``next_due_at`` is the
earliest instant anything must happen (the next ladder step not yet fired in this cycle, or
the deadline). Each ladder step fires at most once per cycle; a next-response clock starts a
new cycle for each customer message that waits for an answer.

An instant the calendar cannot reach (a target saved before targets were checked against
their calendar) is no instant: the clock runs without it, and says so in its history
(``unreachable``), rather than refusing the ticket it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.errors import IllegalTransition
from hubdesk.domain.sla.policies import LadderStep, SlaTarget

ZERO = timedelta(0)
_MOMENT = timedelta(microseconds=1)  # the least time after a deadline that is past it


class ClockStatus(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    STOPPED = "stopped"


LIVE = (ClockStatus.RUNNING, ClockStatus.PAUSED)


class Risk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"  # half the time used
    HIGH = "high"  # three quarters used
    BREACHED = "breached"


# The share of the goal used (in percent) from which a clock is at each raised risk short of
# breached (which the deadline is).
RISK_FROM = ((50, Risk.MEDIUM), (75, Risk.HIGH))


@dataclass(frozen=True)
class RiskChange:
    """An instant at which a running clock's risk rises, and the business time then left."""

    at: datetime
    risk: Risk
    left: timedelta


@dataclass(frozen=True)
class ClockEntry:
    kind: str  # started, paused, resumed, met, breached, recomputed, stopped, step, unreachable
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class SlaClock:
    target: SlaTarget
    policy_id: int | None
    goal: timedelta
    status: ClockStatus
    started_at: datetime
    cycle: int = 1
    elapsed: timedelta = ZERO  # business time used before ``since`` (all of it when stopped)
    since: datetime | None = None  # running since
    due_at: datetime | None = None
    next_due_at: datetime | None = None
    breached_at: datetime | None = None
    met_at: datetime | None = None
    fired: frozenset[int] = frozenset()  # ladder steps (by percent) fired in this cycle
    id: int | None = None
    ticket_id: int | None = None
    new_entries: list[ClockEntry] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def start(cls, target: SlaTarget, policy_id: int | None, goal: timedelta, at: datetime,
              calendar: BusinessCalendar, ladder: tuple[LadderStep, ...], *,
              paused: bool = False, cycle: int = 1) -> SlaClock:
        clock = cls(target, policy_id, goal, ClockStatus.PAUSED if paused
                    else ClockStatus.RUNNING, at, cycle=cycle, since=None if paused else at)
        clock._log("started", at, goal_seconds=goal.total_seconds(), policy_id=policy_id,
                   cycle=cycle, paused=paused)
        clock._plan(calendar, ladder)
        return clock

    @property
    def live(self) -> bool:
        return self.status in LIVE

    # --- transitions ---------------------------------------------------------------------

    def pause(self, at: datetime, calendar: BusinessCalendar) -> None:
        if self.status is not ClockStatus.RUNNING:
            return
        # A deadline passed before the pause is missed, whether or not a sweep saw it: the
        # paused clock has no deadline left to find it by.
        self._breach_if_late(at)
        self._settle(at, calendar)
        self.status = ClockStatus.PAUSED
        self.due_at = self.next_due_at = None
        self._log("paused", at, elapsed_seconds=self.elapsed.total_seconds())

    def resume(self, at: datetime, calendar: BusinessCalendar,
               ladder: tuple[LadderStep, ...], **data: Any) -> None:
        """Run again from ``at``: a paused clock, or a met resolution of a reopened ticket."""
        if self.status not in (ClockStatus.PAUSED, ClockStatus.MET):
            return
        self.status, self.since, self.met_at = ClockStatus.RUNNING, at, None
        self._log("resumed", at, elapsed_seconds=self.elapsed.total_seconds(), **data)
        self._plan(calendar, ladder)

    def meet(self, at: datetime, calendar: BusinessCalendar) -> None:
        if not self.live:
            return
        self._breach_if_late(at)
        self._settle(at, calendar)
        self.status, self.met_at = ClockStatus.MET, at
        self.due_at = self.next_due_at = None
        self._log("met", at, late=self.breached_at is not None,
                  elapsed_seconds=self.elapsed.total_seconds())

    def stop(self, at: datetime, calendar: BusinessCalendar, reason: str) -> None:
        if not self.live:
            return
        self._breach_if_late(at)  # as for a pause: missed while it applied
        self._settle(at, calendar)
        self.status = ClockStatus.STOPPED
        self.due_at = self.next_due_at = None
        self._log("stopped", at, reason=reason)

    def restart(self, at: datetime, calendar: BusinessCalendar, ladder: tuple[LadderStep, ...],
                *, goal: timedelta, policy_id: int | None, paused: bool) -> None:
        """A new cycle (the next customer message waiting for an answer)."""
        if self.live:
            raise IllegalTransition(f"the {self.target.value} clock is still running")
        self.cycle += 1
        self.goal, self.policy_id = goal, policy_id
        self.elapsed, self.fired, self.breached_at, self.met_at = ZERO, frozenset(), None, None
        self.started_at = at
        self.status = ClockStatus.PAUSED if paused else ClockStatus.RUNNING
        self.since = None if paused else at
        self._log("started", at, goal_seconds=goal.total_seconds(), policy_id=policy_id,
                  cycle=self.cycle, paused=paused)
        self._plan(calendar, ladder)

    def recompute(self, at: datetime, *, before: BusinessCalendar, calendar: BusinessCalendar,
                  ladder: tuple[LadderStep, ...], goal: timedelta,
                  policy_id: int | None) -> bool:
        """Apply a new goal, policy or calendar from ``at``: time used so far (measured on the
        calendar in force until now, ``before``) is kept. Returns whether anything changed."""
        if not self.live:
            return False
        unbreached = self.breached_at is None
        self._breach_if_late(at)  # a deadline missed under the old goal stays missed
        missed = unbreached and self.breached_at is not None
        self._settle(at, before)
        planned = (self.due_at, self.next_due_at)
        changed = (goal, policy_id) != (self.goal, self.policy_id) or before != calendar
        if changed:
            self._log("recomputed", at, goal_seconds=[self.goal.total_seconds(),
                                                      goal.total_seconds()],
                      policy_id=[self.policy_id, policy_id],
                      elapsed_seconds=self.elapsed.total_seconds())
            self.goal, self.policy_id = goal, policy_id
        self._plan(calendar, ladder)
        if not changed and not missed and planned != (self.due_at, self.next_due_at):
            changed = True  # a new ladder
            self._log("recomputed", at, elapsed_seconds=self.elapsed.total_seconds())
        return changed or missed

    def advance(self, now: datetime, calendar: BusinessCalendar,
                ladder: tuple[LadderStep, ...]) -> list[LadderStep]:
        """The ladder steps reached by ``now`` and not yet fired in this cycle, marked fired
        (and the breach marked when reached); ``next_due_at`` moves on."""
        if self.status is not ClockStatus.RUNNING or self.since is None:
            return []
        reached = [step for step in ladder if step.at_percent not in self.fired
                   and (at := self._step_at(step, calendar)) is not None and at <= now]
        for step in reached:
            self._log("step", now, at_percent=step.at_percent,
                      actions=[a.value for a in step.actions])
        self.fired |= {step.at_percent for step in reached}
        self._breach_if_late(now)
        self._plan(calendar, ladder)
        return reached

    # --- reading -------------------------------------------------------------------------

    def used(self, now: datetime, calendar: BusinessCalendar) -> timedelta:
        if self.status is ClockStatus.RUNNING and self.since is not None and now > self.since:
            return self.elapsed + calendar.elapsed(self.since, now)
        return self.elapsed

    def business_left(self, now: datetime, calendar: BusinessCalendar) -> timedelta:
        return self.goal - self.used(now, calendar)

    def risk(self, now: datetime, calendar: BusinessCalendar) -> Risk:
        if self.breached_at is not None or (self.live and self.business_left(now, calendar)
                                            <= ZERO):
            return Risk.BREACHED
        used = self.used(now, calendar)
        reached = [risk for percent, risk in RISK_FROM if used >= self._share(percent)]
        return reached[-1] if reached else Risk.LOW

    def risk_changes(self, now: datetime, calendar: BusinessCalendar) -> tuple[RiskChange, ...]:
        """The wall-clock instants after ``now`` at which the risk rises (half the goal used,
        three quarters, the deadline), in business time on ``calendar``: what a countdown
        needs to change colour on time without asking again. None while the clock is paused,
        met, stopped or already breached: nothing will change until something happens."""
        if self.status is not ClockStatus.RUNNING or self.since is None \
                or self.breached_at is not None or not self.goal:
            return ()
        changes = [(self._instant_at(self._share(percent), calendar), risk,
                    self.goal - self._share(percent)) for percent, risk in RISK_FROM]
        changes.append((self._instant_at(self.goal, calendar), Risk.BREACHED, ZERO))
        return tuple(RiskChange(at, risk, left) for at, risk, left in changes
                     if at is not None and at > now)

    # --- inside --------------------------------------------------------------------------

    def _settle(self, at: datetime, calendar: BusinessCalendar) -> None:
        if self.status is ClockStatus.RUNNING and self.since is not None:
            if at > self.since:
                self.elapsed += calendar.elapsed(self.since, at)
            self.since = max(at, self.since)

    def _share(self, percent: int) -> timedelta:
        return self.goal * percent // 100

    def _instant_at(self, used: timedelta, calendar: BusinessCalendar) -> datetime | None:
        """When a running clock will have used ``used`` of business time; None if never
        within the years the calendar works in."""
        assert self.since is not None
        remaining = used - self.elapsed
        return self.since if remaining <= ZERO else calendar.reach(self.since, remaining)

    def _step_at(self, step: LadderStep, calendar: BusinessCalendar) -> datetime | None:
        return self._instant_at(self._share(step.at_percent), calendar)

    def _late_from(self) -> datetime | None:
        """The first instant a running clock is late at, or None (not running): a moment
        after its deadline, or the deadline itself when more than the goal was used already
        as the clock last started running (a goal cut below the time used)."""
        if self.status is not ClockStatus.RUNNING or self.due_at is None:
            return None
        return self.due_at if self.elapsed > self.goal else self.due_at + _MOMENT

    def _breach_if_late(self, at: datetime) -> None:
        """Mark the breach at the deadline when ``at`` is past it and no sweep had yet (an
        answer just after the deadline is late all the same)."""
        late = self._late_from()
        if self.breached_at is None and late is not None and at >= late:
            assert self.due_at is not None
            self._breach(self.due_at)

    def _plan(self, calendar: BusinessCalendar, ladder: tuple[LadderStep, ...]) -> None:
        if self.status is not ClockStatus.RUNNING or self.since is None:
            self.due_at = self.next_due_at = None
            return
        self.due_at = self._instant_at(self.goal, calendar)
        if self.due_at is None:
            self._log("unreachable", self.since, goal_seconds=self.goal.total_seconds(),
                      elapsed_seconds=self.elapsed.total_seconds())
        pending = [at for step in ladder if step.at_percent not in self.fired
                   if (at := self._step_at(step, calendar)) is not None]
        if self.breached_at is None and self.due_at is not None:
            # the sweep looks at the deadline, and marks the breach from a moment after it
            pending.append(self.due_at)
        self.next_due_at = min(pending) if pending else None

    def _breach(self, at: datetime) -> None:
        self.breached_at = at
        self._log("breached", at)

    def _log(self, kind: str, at: datetime, **data: Any) -> None:
        self.new_entries.append(ClockEntry(kind, at, data))
