"""Which tickets waiting for an agent will miss their answer deadline: a forecast for each from
the line ahead of it (`domain/sla/prediction`), for the people who watch the queues.

Every ticket waiting for an agent with a running first- or next-response clock is forecast
from the line ahead of it and the slots of the online agents who could take it
(`domain/routing/outlook`), the business time its clock has left, and how long work has held
agents' units lately, per channel. That figure is the median of the most recent releases over
ln 2, the mean of an exponential with that median: a ticket left assigned overnight does not
swamp it. A ticket whose clock's calendar is closed now is counted apart, not forecast: who
will be online when the desk opens is not known here.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import PermissionDenied, ValidationFailed
from hubdesk.domain.routing import instant
from hubdesk.domain.routing.outlook import line_outlooks
from hubdesk.domain.sla import ClockStatus, SlaClock, SlaTarget
from hubdesk.domain.sla.prediction import breach_probability
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

    def to_dict(self) -> dict[str, Any]:
        return {"ticket_id": self.ticket_id, "subject": self.subject, "channel": self.channel,
                "team_id": self.team_id, "target": self.target,
                "due_at": self.due_at.isoformat() if self.due_at else None,
                "business_seconds_left": self.business_seconds_left,
                "probability": round(self.probability, 4), "ahead": self.ahead,
                "free_slots": self.free_slots, "busy_slots": self.busy_slots,
                "mean_handle_s": round(self.mean_handle_s, 1),
                "expected_wait_s": None if math.isinf(self.expected_wait_s)
                else round(self.expected_wait_s, 1)}


@dataclass(frozen=True)
class RiskReport:
    threshold: float
    forecasts: list[BreachForecast]  # the likeliest breach first
    waiting: int  # tickets waiting for an agent that were looked at
    closed: int  # of those, on a calendar closed now: not forecast
    mean_handle_s: dict[str, float]

    @property
    def at_risk(self) -> list[BreachForecast]:
        """Forecast to breach, not breached yet."""
        return [f for f in self.forecasts
                if f.probability >= self.threshold and f.business_seconds_left > 0]

    @property
    def breached(self) -> int:
        return sum(1 for f in self.forecasts if f.business_seconds_left <= 0)

    def to_dict(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "waiting": self.waiting, "closed": self.closed,
                "forecast": len(self.forecasts), "at_risk": len(self.at_risk),
                "breached": self.breached,
                "mean_handle_s": {k: round(v, 1) for k, v in self.mean_handle_s.items()},
                "forecasts": [f.to_dict() for f in self.forecasts]}


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


def forecast_in(uow: UnitOfWork, now: datetime, threshold: float = DEFAULT_THRESHOLD,
                limit: int = MAX_WAITING) -> RiskReport:
    settings = settings_in(uow)
    waiting = uow.routing.waiting(limit, with_state=False)
    clocks = uow.sla.clocks_of([w.ticket_id for w in waiting])
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
    forecasts.sort(key=lambda f: (-f.probability, f.business_seconds_left, f.ticket_id))
    return RiskReport(threshold, forecasts, len(waiting), closed,
                      {k: v for k, v in handle.items() if k != "*"})


def forecast_breaches(uows: UnitOfWorkFactory, actor: Agent, *, now: datetime,
                      threshold: float = DEFAULT_THRESHOLD) -> RiskReport:
    """The at-risk view: every waiting ticket's chance of missing its answer deadline."""
    if actor.role not in BOARD_ROLES:
        raise PermissionDenied("breach forecasts are for team leads, coordinators, managers "
                               "and administrators")
    if not 0 < threshold <= 1:
        raise ValidationFailed("the threshold is a probability above 0 and at most 1",
                               {"threshold": "out of range"})
    with uows(write=False) as uow:
        return forecast_in(uow, now, threshold)
