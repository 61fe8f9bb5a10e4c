"""Which tickets waiting for an agent will miss their answer deadline: a forecast for each from
the line ahead of it (`domain/sla/prediction`), for the people who watch the queues.

Every ticket waiting for an agent with a running first- or next-response clock is forecast
from the line ahead of it and the slots of the online agents who could take it
(`domain/routing/outlook`), the business time its clock has left, and how long work has held
agents' units lately, per channel. That figure is the median of the most recent releases over
ln 2, the mean of an exponential with that median: a ticket left assigned overnight does not
swamp it. A ticket whose clock's calendar is closed now is counted apart, not forecast: who
will be online when the desk opens is not known here.

An assigned ticket still awaiting its answer is forecast from its assignee's own pile: their
unanswered tickets due earlier are ahead of it, worked one after another at the same handling
times (`pile_outlook`). An assignee who is not online works on none of it until back
(`back_at`): at the end of the break their published shift has under way (else a typical
break after it began), or, offline, at the start of their next shift, from their routing
profile or a published schedule. The business time until then is lost from the time left; an
assignee offline with no shift ahead is not known to come back, and the ticket is forecast
to breach unless someone else takes it.
"""

from __future__ import annotations

import math
import statistics
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import PermissionDenied, ValidationFailed
from hubdesk.domain.routing import instant
from hubdesk.domain.routing.outlook import line_outlooks
from hubdesk.domain.sla import ClockStatus, SlaClock, SlaTarget
from hubdesk.domain.sla.prediction import (
    back_at,
    breach_probability,
    lines_ahead,
    pile_outlook,
)
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.routing_admin import BOARD_ROLES
from hubdesk.services.routing_roster import full_roster, requirements_for, settings_in
from hubdesk.services.sla import SlaSetup

ANSWER_TARGETS = frozenset({SlaTarget.FIRST_RESPONSE, SlaTarget.NEXT_RESPONSE})
MAX_WAITING = 2000  # tickets forecast at most, most urgent first
HOLD_SAMPLE = 500  # recent releases the handling time is taken from
DEFAULT_HOLD_S = 1800.0  # before the desk has any history
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class BreachForecast:
    ticket_id: int
    subject: str
    channel: str
    team_id: int | None
    target: str
    due_at: datetime | None
    business_seconds_left: float
    probability: float  # of still waiting for an agent when the clock runs out
    ahead: int  # tickets the same agents will take first
    free_slots: int
    busy_slots: int
    mean_handle_s: float
    expected_wait_s: float  # infinite when nobody online could take it
    assignee_id: int | None = None  # set: forecast from the assignee's own pile
    assignee_name: str | None = None
    assignee_presence: str | None = None
    # When the assignee works on their pile again (None with a presence: not known)
    assignee_back_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"ticket_id": self.ticket_id, "subject": self.subject, "channel": self.channel,
                "team_id": self.team_id, "target": self.target,
                "due_at": self.due_at.isoformat() if self.due_at else None,
                "business_seconds_left": self.business_seconds_left,
                "probability": round(self.probability, 4), "ahead": self.ahead,
                "free_slots": self.free_slots, "busy_slots": self.busy_slots,
                "mean_handle_s": round(self.mean_handle_s, 1),
                "expected_wait_s": None if math.isinf(self.expected_wait_s)
                else round(self.expected_wait_s, 1), "assignee_id": self.assignee_id,
                "assignee_name": self.assignee_name,
                "assignee_presence": self.assignee_presence,
                "assignee_back_at": self.assignee_back_at.isoformat()
                if self.assignee_back_at else None}


@dataclass(frozen=True)
class RiskReport:
    threshold: float
    forecasts: list[BreachForecast]  # the likeliest breach first
    waiting: int  # tickets waiting for an agent that were looked at
    closed: int  # of those, on a calendar closed now: not forecast
    mean_handle_s: dict[str, float]
    assigned: int = 0  # assigned tickets awaiting their answer that were looked at
    assigned_closed: int = 0  # of those, on a calendar closed now: not forecast
    # of those, forecast from their assignees' piles, the likeliest breach first
    assigned_forecasts: list[BreachForecast] = field(default_factory=list)

    @property
    def at_risk(self) -> list[BreachForecast]:
        """Forecast to breach, not breached yet."""
        return [f for f in self.forecasts
                if f.probability >= self.threshold and f.business_seconds_left > 0]

    @property
    def assigned_at_risk(self) -> list[BreachForecast]:
        """Assigned tickets forecast to breach, not breached yet."""
        return [f for f in self.assigned_forecasts
                if f.probability >= self.threshold and f.business_seconds_left > 0]

    @property
    def breached(self) -> int:
        return sum(1 for f in self.forecasts if f.business_seconds_left <= 0)

    def to_dict(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "waiting": self.waiting,
                "closed": self.closed, "assigned": self.assigned,
                "assigned_closed": self.assigned_closed,
                "forecast": len(self.forecasts), "at_risk": len(self.at_risk),
                "breached": self.breached,
                "mean_handle_s": {k: round(v, 1) for k, v in self.mean_handle_s.items()},
                "forecasts": [f.to_dict() for f in self.forecasts],
                "assigned_at_risk": len(self.assigned_at_risk),
                "assigned_forecasts": [f.to_dict() for f in self.assigned_forecasts]}


def mean_handle_by_channel(holds: list[tuple[str, datetime, datetime]]) -> dict[str, float]:
    """Per channel, and under "*" for all, the robust mean hold time of recent releases."""
    spans: dict[str, list[float]] = {}
    for channel, assigned, released in holds:
        seconds = (released - assigned).total_seconds()
        if seconds > 0:
            spans.setdefault(channel, []).append(seconds)
            spans.setdefault("*", []).append(seconds)
    return {channel: statistics.median(values) / math.log(2)
            for channel, values in spans.items()}


def _answer_clock(clocks: list[SlaClock]) -> SlaClock | None:
    running = [c for c in clocks if c.status is ClockStatus.RUNNING
               and c.target in ANSWER_TARGETS and c.due_at is not None]
    return min(running, key=lambda c: c.due_at.timestamp() if c.due_at else math.inf) \
        if running else None


@dataclass
class ForecastMemo:
    """The latest forecast, reused while younger than ``max_age`` (one made at a later
    instant than asked for is not reused).

    A forecast reads up to two thousand waiting tickets and works out the line ahead of each.
    The control room and the at-risk page are refreshed by every change on the desk, so each
    coordinator's screen would otherwise work it out again several times a second; they show
    one at most a few seconds old and say when it was made. One per server process."""

    max_age: timedelta = timedelta(seconds=10)
    _kept: tuple[datetime, RiskReport] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def forecast(self, now: datetime, work_out: Callable[[], RiskReport]
                 ) -> tuple[datetime, RiskReport]:
        """(when it was made, the forecast)."""
        with self._lock:
            kept = self._kept
        if kept is not None and timedelta(0) <= now - kept[0] < self.max_age:
            return kept
        made = (now, work_out())
        with self._lock:
            if self._kept is None or self._kept[0] <= now:
                self._kept = made
        return made


def forecast_in(uow: UnitOfWork, now: datetime, threshold: float = DEFAULT_THRESHOLD,
                limit: int = MAX_WAITING) -> RiskReport:
    settings = settings_in(uow)
    waiting = uow.routing.waiting(limit, with_state=False)
    assigned = uow.sla.assigned_awaiting_answer(limit)
    clocks = uow.sla.clocks_of([w.ticket_id for w in waiting] + [a[0] for a in assigned])
    setup = SlaSetup.load(uow)
    handle = mean_handle_by_channel(uow.routing.recent_holds(HOLD_SAMPLE))
    time_left: dict[int, float] = {}
    watched: dict[int, SlaClock] = {}
    closed = 0
    for ticket in waiting:
        clock = _answer_clock(clocks.get(ticket.ticket_id, []))
        if clock is None:
            continue
        calendar = setup.calendar_of(clock.policy_id)
        if not calendar.is_open(now):
            closed += 1
            continue
        watched[ticket.ticket_id] = clock
        time_left[ticket.ticket_id] = clock.business_left(now, calendar).total_seconds()
    # Who may take a ticket does not depend on whether it is difficult or who served the
    # customer before: neither is read for the line.
    excluded = uow.exclusions.agent_ids(w.requester_id for w in waiting)
    needs = [requirements_for(uow, settings, w, False, now, with_previous=False,
                              excluded=excluded.get(w.requester_id, frozenset()))
             for w in waiting]
    roster = full_roster(uow, settings, now)  # the busy count: their slots free up

    def handle_of(channel: str) -> float:
        return handle.get(channel) or handle.get("*") or DEFAULT_HOLD_S

    outlooks = line_outlooks(roster, needs, instant(now), handle_of, time_left)
    forecasts = []
    for ticket in waiting:
        outlook = outlooks.get(ticket.ticket_id)
        if outlook is None:
            continue
        clock = watched[ticket.ticket_id]
        forecasts.append(BreachForecast(
            ticket.ticket_id, ticket.subject, ticket.channel, ticket.team_id, clock.target.value,
            clock.due_at,
            outlook.time_left_s, breach_probability(outlook), outlook.ahead,
            outlook.free_slots, outlook.busy_slots, outlook.mean_handle_s,
            outlook.expected_wait_s))
    returns = _returns(uow, sorted({a[4] for a in assigned}), now)
    piles, closed_assigned = _pile_forecasts(assigned, clocks, setup, now, handle_of, returns)
    for found in (forecasts, piles):
        found.sort(key=lambda f: (-f.probability, f.business_seconds_left, f.ticket_id))
    return RiskReport(threshold, forecasts, len(waiting), closed,
                      {k: v for k, v in handle.items() if k != "*"}, len(assigned),
                      closed_assigned, piles)


SHIFTS_AHEAD = timedelta(days=7)  # how far a published schedule is read for a next shift


def _returns(uow: UnitOfWork, agent_ids: list[int], now: datetime
             ) -> dict[int, tuple[str, datetime | None]]:
    """Each assignee's presence and when they are back at their pile (now when online);
    agents without a routing profile are taken to be online."""
    if not agent_ids:
        return {}
    shifts = uow.workforce.published_shifts(now - timedelta(days=1), now + SHIFTS_AHEAD,
                                            agent_ids)
    found = {}
    for row in uow.routing.agents(agent_ids=agent_ids):
        own = [s for s in shifts if s.agent_id == row.agent_id]
        breaks = [s.break_ends_at for s in own if s.break_starts_at is not None
                  and s.break_ends_at is not None and s.break_starts_at <= now < s.break_ends_at]
        starts = [s.starts_at for s in own if s.starts_at > now]
        if row.shift_starts_at is not None and row.shift_starts_at > now:
            starts.append(row.shift_starts_at)
        found[row.agent_id] = (row.presence, back_at(
            row.presence, now, since=row.presence_since,
            break_ends_at=min(breaks) if breaks else None,
            next_shift_at=min(starts) if starts else None))
    return found


def _pile_forecasts(assigned: list[tuple[int, str, str, int | None, int, str]],
                    clocks: dict[int, list[SlaClock]], setup: SlaSetup, now: datetime,
                    handle_of: Callable[[str], float],
                    returns: dict[int, tuple[str, datetime | None]] | None = None
                    ) -> tuple[list[BreachForecast], int]:
    """Forecasts of assigned tickets (given the earliest deadline first) from their assignees'
    piles, each assignee away until back (``returns``: presence and back at, by agent), and
    how many were on a calendar closed now."""
    returns = returns or {}
    ahead = lines_ahead(((ticket_id, assignee_id)
                         for ticket_id, _, _, _, assignee_id, _ in assigned), {})
    forecasts, closed = [], 0
    for ticket_id, subject, channel, team_id, assignee_id, name in assigned:
        clock = _answer_clock(clocks.get(ticket_id, []))
        if clock is None:
            continue
        calendar = setup.calendar_of(clock.policy_id)
        if not calendar.is_open(now):
            closed += 1
            continue
        presence, back = returns.get(assignee_id, (None, now))
        away_s = (math.inf if back is None
                  else calendar.elapsed(now, back).total_seconds() if back > now else 0.0)
        outlook = pile_outlook(clock.business_left(now, calendar).total_seconds(),
                               ahead[ticket_id], handle_of(channel), away_s)
        forecasts.append(BreachForecast(
            ticket_id, subject, channel, team_id, clock.target.value, clock.due_at,
            outlook.time_left_s, breach_probability(outlook), outlook.ahead,
            outlook.free_slots, outlook.busy_slots, outlook.mean_handle_s,
            outlook.expected_wait_s, assignee_id, name, presence, back))
    return forecasts, closed


def forecast_breaches(uows: UnitOfWorkFactory, actor: Agent, *, now: datetime,
                      threshold: float = DEFAULT_THRESHOLD,
                      memo: ForecastMemo | None = None) -> tuple[datetime, RiskReport]:
    """The at-risk view: every waiting ticket's chance of missing its answer deadline, and
    when it was worked out (a kept one from ``memo`` if young enough)."""
    if actor.role not in BOARD_ROLES:
        raise PermissionDenied("breach forecasts are for team leads, coordinators, managers "
                               "and administrators")
    if not 0 < threshold <= 1:
        raise ValidationFailed("the threshold is a probability above 0 and at most 1",
                               {"threshold": "out of range"})
    if memo is None:
        with uows(write=False) as uow:
            return now, forecast_in(uow, now, threshold)
    with uows(write=False) as uow:
        made, report = memo.forecast(now, lambda: forecast_in(uow, now))
    return made, replace(report, threshold=threshold)
