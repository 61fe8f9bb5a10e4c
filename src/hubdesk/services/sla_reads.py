"""What a ticket's SLA clocks say now: per target its status, deadline, business time left,
whether it is paused and how much at risk; and the clocks' full history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hubdesk.domain.agents import Agent
from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import NotFound
from hubdesk.domain.permissions import TicketAction, check_ticket
from hubdesk.domain.sla import ClockStatus, RiskChange, SlaClock
from hubdesk.domain.tickets import Ticket
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.sla import SlaSetup


@dataclass(frozen=True)
class ClockView:
    target: str
    status: str  # running, paused, met, stopped, breached (running or paused past its due)
    cycle: int
    policy_id: int | None
    goal_seconds: float
    due_at: datetime | None
    business_seconds_left: float | None  # None once met or stopped
    paused: bool
    risk: str | None  # low, medium, high, breached; None once met or stopped
    breached_at: datetime | None
    met_at: datetime | None
    # When this was read, and the instants after it at which the risk rises (none unless
    # running and not yet breached): a countdown changes colour at them on its own.
    read_at: datetime | None = None
    changes: tuple[RiskChange, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "status": self.status, "cycle": self.cycle,
                "policy_id": self.policy_id, "goal_seconds": self.goal_seconds,
                "due_at": _iso(self.due_at), "business_seconds_left": self.business_seconds_left,
                "paused": self.paused, "risk": self.risk, "breached_at": _iso(self.breached_at),
                "met_at": _iso(self.met_at)}


@dataclass(frozen=True)
class ClockHistoryEntry:
    target: str
    cycle: int
    kind: str
    at: datetime
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "cycle": self.cycle, "kind": self.kind,
                "at": self.at.isoformat(), "data": self.data}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def clock_views(uow: UnitOfWork, ticket: Ticket, now: datetime | None = None,
                known: list[SlaClock] | None = None) -> list[ClockView]:
    """The ticket's clocks for display: ``known`` (as the transaction stored them), else as
    read."""
    assert ticket.id is not None
    clocks = known if known is not None else uow.sla.clocks(ticket.id)
    if not clocks:
        return []
    setup = SlaSetup.load(uow)
    return [_view(clock, setup, now or utcnow()) for clock in clocks]


def page_deadlines(uow: UnitOfWork, ticket_ids: list[int], now: datetime
                   ) -> dict[int, ClockView]:
    """For each ticket of a list page, the clock the queue shows beside it: the running one
    due first, else a paused one. One read of the clocks for the whole page (and of the
    policies and calendars when any clock is live), however long the page."""
    clocks = uow.sla.clocks_of(ticket_ids) if ticket_ids else {}
    shown: dict[int, SlaClock] = {}
    for ticket_id, own in clocks.items():
        live = [c for c in own if c.live]
        if live:
            shown[ticket_id] = min(live, key=_urgency)
    if not shown:
        return {}
    setup = SlaSetup.load(uow)
    return {ticket_id: _view(clock, setup, now) for ticket_id, clock in shown.items()}


def _urgency(clock: SlaClock) -> tuple[bool, float]:
    running = clock.status is ClockStatus.RUNNING and clock.due_at is not None
    return (not running, clock.due_at.timestamp() if running and clock.due_at else 0.0)


def _view(clock: SlaClock, setup: SlaSetup, now: datetime) -> ClockView:
    calendar = setup.calendar_of(clock.policy_id)
    live = clock.live
    status = clock.status.value
    if live and clock.breached_at is not None:
        status = "breached"
    return ClockView(
        target=clock.target.value, status=status, cycle=clock.cycle, policy_id=clock.policy_id,
        goal_seconds=clock.goal.total_seconds(), due_at=clock.due_at,
        business_seconds_left=clock.business_left(now, calendar).total_seconds() if live
        else None, paused=clock.status is ClockStatus.PAUSED,
        risk=clock.risk(now, calendar).value if live else None,
        breached_at=clock.breached_at, met_at=clock.met_at, read_at=now,
        changes=clock.risk_changes(now, calendar) if live else ())


def ticket_sla(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int, *,
               now: datetime | None = None) -> tuple[list[ClockView], list[ClockHistoryEntry]]:
    with uows(write=False) as uow:
        ticket = uow.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound(f"ticket #{ticket_id} was not found")
        check_ticket(actor, ticket, TicketAction.VIEW)
        history = [ClockHistoryEntry(target.value, cycle, entry.kind, entry.at, entry.data)
                   for target, cycle, entry in uow.sla.history(ticket_id)]
        return clock_views(uow, ticket, now), history
