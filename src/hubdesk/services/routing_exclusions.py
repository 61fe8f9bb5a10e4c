"""A customer's wish not to be served by an agent again: coordinators record it (with why),
and routing never offers that customer's tickets to the agent (`Exclusion.EXCLUDED`, named in
every decision's explanation).

Work the agent already holds for the customer moves with the wish, in the same transaction:
each unresolved ticket of theirs is taken from them (the history says why, the handlers of
the assignment give their units back and offer them other waiting work), then routed again
to the best eligible agent other than them (a decision of mode ``moved``), or it waits in the
line with why. On a desk that does not assign by itself it waits for a pull. Every such ticket
moves, whichever team's it is: the wish holds for all the customer's tickets, and routing, not
the coordinator, chooses the new agent within each ticket's own team and needs. A pending or
on-hold ticket moves too, so the customer's next reply reaches someone else.

A locked ticket moves too, its lock lifted: a lock keeps a ticket with its assignee against
routing's own moves, and the wish is a coordinator's later and more specific word about this
very agent; keeping it would leave the customer with the one person they asked not to deal
with. The history and the returned `MovedTicket` say the lock was lifted, so the coordinator
can lock the ticket with its new agent.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import Conflict, NotFound, ValidationFailed
from hubdesk.domain.events import Actor
from hubdesk.domain.tickets import UNRESOLVED
from hubdesk.services.intake import NO_TOOLS, IntakeTools, mask_line
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.routing import pushes, route_again
from hubdesk.services.routing_admin import check_coordinates
from hubdesk.services.routing_records import AgentExclusion, MovedTicket
from hubdesk.services.tickets import flush_events

MAX_REASON = 500
MOVED = "moved"  # the mode of the decision routing a ticket taken from an excluded agent


def excluded_agents(uows: UnitOfWorkFactory, actor: Agent,
                    customer_id: int) -> list[AgentExclusion]:
    check_coordinates(actor, "seeing whom a customer asked not to be served by")
    with uows(write=False) as uow:
        _known_customer(uow, customer_id)
        return uow.exclusions.of_customer(customer_id)


def exclude_agent(uows: UnitOfWorkFactory, actor: Agent, customer_id: int, agent_id: int,
                  reason: str, *, now: datetime,
                  tools: IntakeTools = NO_TOOLS) -> AgentExclusion:
    """Routing offers none of the customer's tickets to the agent from now on, and those the
    agent holds move to someone else (``moved`` on the result). The reason is required and
    masked like any short text an agent writes (it may quote the customer)."""
    check_coordinates(actor, "excluding an agent from a customer's tickets")
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationFailed("say why the customer should not be served by this agent",
                               {"reason": "required"})
    if len(text) > MAX_REASON:
        raise ValidationFailed(f"the reason takes at most {MAX_REASON} characters",
                               {"reason": "too long"})
    with uows() as uow:
        _known_customer(uow, customer_id)
        agent = uow.agents.get(agent_id)
        if agent is None:
            raise ValidationFailed(f"agent {agent_id} does not exist", {"agent_id": "unknown"})
        exclusion = AgentExclusion(customer_id=customer_id, agent_id=agent_id,
                                   reason=mask_line(tools, text), created_at=now,
                                   created_by_id=actor.id, agent_name=agent.name)
        if not uow.exclusions.add(exclusion):
            raise Conflict(f"{agent.name} is already excluded from this customer's tickets")
        moved = _move_held_work(uow, actor, exclusion, now)
        uow.commit()
    return replace(exclusion, moved=moved)


def _move_held_work(uow: UnitOfWork, actor: Agent, exclusion: AgentExclusion,
                    now: datetime) -> tuple[MovedTicket, ...]:
    """Take each unresolved ticket of the customer's from the excluded agent and route it
    again (the exclusion is stored already, so routing passes them over)."""
    assert actor.id is not None
    why = f"the customer asked not to be served by {exclusion.agent_name} again"
    moved = []
    for ticket_id in uow.exclusions.held_by(exclusion.customer_id, exclusion.agent_id):
        ticket = uow.tickets.get(ticket_id, for_update=True)
        if ticket is None or ticket.assignee_id != exclusion.agent_id \
                or ticket.status not in UNRESOLVED or ticket.merged_into_id is not None:
            continue  # changed hands or ended before its row was locked
        state = uow.routing.ticket_state(ticket_id)
        unlocked = state is not None and state.locked
        if state is not None and unlocked:
            state.locked = False
            uow.routing.put_ticket_state(state, now)
        ticket.unassign(Actor.agent(actor.id), now,
                        why + (" (its lock was lifted)" if unlocked else ""))
        uow.tickets.save(ticket)
        flush_events(uow, ticket)  # units given back, the agent offered other work
        if ticket.assignee_id is None and pushes(uow):
            route_again(uow, ticket, now, mode=MOVED,
                        context={"moved_from": exclusion.agent_id})
        moved.append(MovedTicket(ticket_id, ticket.assignee_id, unlocked))
    return tuple(moved)


def allow_agent(uows: UnitOfWorkFactory, actor: Agent, customer_id: int,
                agent_id: int) -> None:
    """Lift an exclusion: routing may offer the customer's tickets to the agent again."""
    check_coordinates(actor, "lifting an agent's exclusion from a customer's tickets")
    with uows() as uow:
        _known_customer(uow, customer_id)
        if not uow.exclusions.remove(customer_id, agent_id):
            raise NotFound(f"agent {agent_id} is not excluded from this customer's tickets")
        uow.commit()


def _known_customer(uow: UnitOfWork, customer_id: int) -> None:
    if uow.customers.get(customer_id) is None:
        raise NotFound(f"customer {customer_id} was not found")
