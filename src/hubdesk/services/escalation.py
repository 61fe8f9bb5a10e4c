"""Tiered escalation use cases: up to the next tier with a reason, and back down.

`escalate_on` is the one step every escalation takes inside its transaction, a person's
(`escalate_ticket`) and an SLA ladder's (`services/sla_sweep.py`): the tier pushed and the
`escalated` event recorded; once the caller flushes it, its handlers give the old agent's
units back and let routing pick an agent of the new tier."""

from __future__ import annotations

from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.escalation import SlaCause, TierStep, deescalate, escalate
from hubdesk.domain.permissions import TicketAction, check_may_escalate_tier
from hubdesk.domain.tickets import Ticket
from hubdesk.services.intake import NO_TOOLS, IntakeTools, mask_line
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.tickets import detail_of, flush_events, load_for
from hubdesk.services.views import TicketDetail


def escalate_ticket(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int, reason: str, *,
                    team_id: int | None = None, now: datetime | None = None,
                    tools: IntakeTools = NO_TOOLS) -> TicketDetail:
    """Move the ticket to the next tier: unassigned, so routing or a coordinator gives it to
    an agent of that tier, optionally in a team that works it. Same ticket, same conversation."""
    at = now or utcnow()
    assert actor.id is not None
    with uows() as uow:
        ticket = load_for(uow, actor, ticket_id, TicketAction.VIEW)
        check_may_escalate_tier(actor, ticket)
        if team_id is not None and uow.structure.get_team(team_id) is None:
            raise ValidationFailed(f"team {team_id} does not exist", {"team_id": "unknown"})
        escalate_on(uow, ticket, mask_line(tools, reason), actor_id=actor.id, at=at,
                    team_id=team_id)
        uow.tickets.save(ticket)
        flush_events(uow, ticket)
        # Read in the same transaction: the ticket may now be out of the caller's queue.
        detail = detail_of(uow, ticket, viewer=actor, now=at)
        uow.commit()
    return detail


def escalate_on(uow: UnitOfWork, ticket: Ticket, reason: str, *, actor_id: int | None,
                at: datetime, team_id: int | None = None,
                cause: SlaCause | None = None) -> TierStep:
    """Escalate ``ticket`` (loaded for update) in ``uow``'s transaction, by the agent
    ``actor_id`` or, with ``actor_id`` None, by the SLA ladder ``cause``; the caller saves it
    and flushes its events. Raises `Conflict` when no active agent works the next tier and
    `IllegalTransition` for a closed or merged ticket, before anything changed."""
    assert ticket.id is not None
    step = escalate(ticket, uow.handoffs.tier_steps(ticket.id),
                    staffed_tiers=uow.handoffs.staffed_tiers(), reason=reason,
                    actor_id=actor_id, at=at, team_id=team_id, cause=cause)
    # Before the events are flushed: routing reads the tier reached from the steps in force.
    uow.handoffs.push_tier(step)
    return step


def deescalate_ticket(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int, reason: str, *,
                      now: datetime | None = None,
                      tools: IntakeTools = NO_TOOLS) -> TicketDetail:
    """Hand the ticket back down one tier, to the owner and team it had before."""
    at = now or utcnow()
    assert actor.id is not None
    with uows() as uow:
        ticket = load_for(uow, actor, ticket_id, TicketAction.VIEW)
        check_may_escalate_tier(actor, ticket)
        steps = uow.handoffs.tier_steps(ticket_id)
        previous = steps[-1].previous_assignee_id if steps else None
        owner = uow.agents.get(previous) if previous is not None else None
        deescalate(ticket, steps, reason=mask_line(tools, reason), actor_id=actor.id, at=at,
                   still_active=frozenset({previous}) if owner and owner.active
                   and previous is not None else frozenset())
        uow.handoffs.pop_tier(ticket_id)
        uow.tickets.save(ticket)
        flush_events(uow, ticket)
        detail = detail_of(uow, ticket, viewer=actor, now=at)
        uow.commit()
    return detail
