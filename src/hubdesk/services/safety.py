"""Use cases that protect agents: block or unblock a sender, escalate a ticket to security."""

from __future__ import annotations

from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.clock import utcnow
from hubdesk.domain.customers import Customer, SenderBlock
from hubdesk.domain.errors import NotFound, ValidationFailed
from hubdesk.domain.events import Actor
from hubdesk.domain.permissions import TicketAction, check_ticket
from hubdesk.domain.safety import (
    SafetyPolicy,
    check_block,
    required_reason,
)
from hubdesk.domain.safety import escalate_to_security as escalate
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.tickets import flush_events, get_ticket, load_for, security_department_id
from hubdesk.services.views import TicketDetail


def block_sender(uows: UnitOfWorkFactory, actor: Agent, customer_id: int, reason: str | None,
                 policy: SafetyPolicy, *, ticket_id: int | None = None,
                 now: datetime | None = None) -> Customer:
    """From now on the customer's contacts are kept but held out of every queue."""
    check_block(actor, policy)
    text = required_reason(reason)
    at = now or utcnow()
    assert actor.id is not None
    with uows() as uow:
        customer = _customer(uow, customer_id)
        block = SenderBlock(at, actor.id, text)
        uow.customers.set_block(customer_id, block, at)
        if ticket_id is not None:  # the ticket the coordinator acted from keeps the record
            ticket = load_for(uow, actor, ticket_id, TicketAction.VIEW)
            if ticket.requester_id != customer_id:
                raise ValidationFailed("that ticket is not from this customer",
                                       {"ticket_id": "another requester"})
            ticket.record(Actor.agent(actor.id), "sender_blocked", at,
                          data={"customer_id": customer_id, "reason": text})
            uow.tickets.save(ticket)
            flush_events(uow, ticket)
        uow.outbox.put("customer.blocked", {"customer_id": customer_id, "reason": text,
                                            "by_agent_id": actor.id, "at": at.isoformat()}, at)
        uow.commit()
    customer.blocked = block
    return customer


def unblock_sender(uows: UnitOfWorkFactory, actor: Agent, customer_id: int,
                   policy: SafetyPolicy, *, now: datetime | None = None) -> Customer:
    check_block(actor, policy)
    at = now or utcnow()
    with uows() as uow:
        customer = _customer(uow, customer_id)
        uow.customers.set_block(customer_id, None, at)
        uow.outbox.put("customer.unblocked", {"customer_id": customer_id,
                                              "by_agent_id": actor.id, "at": at.isoformat()}, at)
        uow.commit()
    customer.blocked = None
    return customer


def escalate_to_security(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int,
                         reason: str | None, policy: SafetyPolicy, *,
                         now: datetime | None = None) -> TicketDetail:
    """Anyone who can see a ticket can raise it: an agent who is threatened must be heard."""
    text = required_reason(reason)
    at = now or utcnow()
    assert actor.id is not None
    with uows() as uow:
        ticket = load_for(uow, actor, ticket_id, TicketAction.VIEW)
        check_ticket(actor, ticket, TicketAction.INTERNAL_NOTE)
        escalate(ticket, Actor.agent(actor.id), at,
                 department_id=security_department_id(uow, policy), reason=text)
        uow.tickets.save(ticket)
        flush_events(uow, ticket)
        uow.commit()
    return get_ticket(uows, actor, ticket_id)


def _customer(uow: UnitOfWork, customer_id: int) -> Customer:
    customer = uow.customers.get(customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} was not found")
    return customer
