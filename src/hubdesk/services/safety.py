"""Use cases that protect agents: block or unblock a sender, escalate a ticket to security."""

from __future__ import annotations

from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.clock import utcnow
from hubdesk.domain.customers import Customer, SenderBlock
from hubdesk.domain.errors import NotFound, ValidationFailed
from hubdesk.domain.events import Actor, EventKind, TicketEvent
from hubdesk.domain.permissions import TicketAction, check_block
from hubdesk.domain.safety import (
    SECURITY_TAG,
    SafetyPolicy,
    hold_from_blocked_sender,
    is_threat,
    required_reason,
)
from hubdesk.domain.safety import escalate_to_security as escalate
from hubdesk.domain.tickets import Status
from hubdesk.services.intake import NO_TOOLS, IntakeTools, mask_line
from hubdesk.services.messagebus import EventContext, InTransactionHandler, MessageBus
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.tickets import flush_events, get_ticket, load_for
from hubdesk.services.views import TicketDetail


def block_sender(uows: UnitOfWorkFactory, actor: Agent, customer_id: int, reason: str | None,
                 policy: SafetyPolicy, *, ticket_id: int | None = None,
                 now: datetime | None = None, tools: IntakeTools = NO_TOOLS) -> Customer:
    """From now on the customer's contacts are kept but held out of every queue. The ticket
    the decision was made on, if any, keeps the record."""
    return _block(uows, actor, policy, _masked_reason(tools, reason), customer_id, ticket_id,
                  now)


def block_requester(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int,
                    reason: str | None, policy: SafetyPolicy, *,
                    now: datetime | None = None, tools: IntakeTools = NO_TOOLS) -> Customer:
    """Block whoever wrote ``ticket_id`` (the console acts from a ticket)."""
    return _block(uows, actor, policy, _masked_reason(tools, reason), None, ticket_id, now)


def _masked_reason(tools: IntakeTools, reason: str | None) -> str | None:
    """A reason is stored with the customer, the ticket's history and the outbox: it is
    masked like any text an agent writes (an agent may quote the customer)."""
    return None if reason is None else mask_line(tools, reason)


def _block(uows: UnitOfWorkFactory, actor: Agent, policy: SafetyPolicy, reason: str | None,
           customer_id: int | None, ticket_id: int | None, now: datetime | None) -> Customer:
    check_block(actor, policy.blocking_roles)
    text = required_reason(reason)
    at = now or utcnow()
    assert actor.id is not None
    with uows() as uow:
        ticket = load_for(uow, actor, ticket_id, TicketAction.VIEW) if ticket_id else None
        if ticket is not None and customer_id not in (None, ticket.requester_id):
            raise ValidationFailed("that ticket is not from this customer",
                                   {"ticket_id": "another requester"})
        customer_id = customer_id if ticket is None else ticket.requester_id
        assert customer_id is not None
        customer = _customer(uow, customer_id)
        customer.blocked = SenderBlock(at, actor.id, text)
        uow.customers.set_block(customer_id, customer.blocked, at)
        if ticket is not None:
            ticket.record(Actor.agent(actor.id), EventKind.SENDER_BLOCKED, at,
                          data={"customer_id": customer_id, "reason": text})
            uow.tickets.save(ticket)
            flush_events(uow, ticket)
        uow.outbox.put("customer.blocked", {"customer_id": customer_id, "reason": text,
                                            "by_agent_id": actor.id, "at": at.isoformat()}, at)
        uow.commit()
    return customer


def unblock_sender(uows: UnitOfWorkFactory, actor: Agent, customer_id: int,
                   policy: SafetyPolicy, *, now: datetime | None = None) -> Customer:
    return _unblock(uows, actor, policy, customer_id, None, now)


def unblock_requester(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int,
                      policy: SafetyPolicy, *, now: datetime | None = None) -> Customer:
    return _unblock(uows, actor, policy, None, ticket_id, now)


def _unblock(uows: UnitOfWorkFactory, actor: Agent, policy: SafetyPolicy,
             customer_id: int | None, ticket_id: int | None, now: datetime | None) -> Customer:
    check_block(actor, policy.blocking_roles)
    at = now or utcnow()
    with uows() as uow:
        if ticket_id is not None:
            customer_id = load_for(uow, actor, ticket_id, TicketAction.VIEW,
                                   for_update=False).requester_id
        assert customer_id is not None
        customer = _customer(uow, customer_id)
        customer.blocked = None
        uow.customers.set_block(customer_id, None, at)
        uow.outbox.put("customer.unblocked", {"customer_id": customer_id,
                                              "by_agent_id": actor.id, "at": at.isoformat()}, at)
        uow.commit()
    return customer


def escalate_to_security(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int,
                         reason: str | None, policy: SafetyPolicy, *,
                         now: datetime | None = None,
                         tools: IntakeTools = NO_TOOLS) -> TicketDetail:
    """Anyone who can see a ticket can raise it: an agent who is threatened must be heard."""
    text = required_reason(_masked_reason(tools, reason))
    at = now or utcnow()
    assert actor.id is not None
    with uows() as uow:
        ticket = load_for(uow, actor, ticket_id, TicketAction.INTERNAL_NOTE)
        escalate(ticket, Actor.agent(actor.id), at,
                 department_id=policy.security_department_in(uow.structure.departments()),
                 reason=text)
        uow.tickets.save(ticket)
        flush_events(uow, ticket)
        uow.commit()
    return get_ticket(uows, actor, ticket_id)


def _customer(uow: UnitOfWork, customer_id: int) -> Customer:
    customer = uow.customers.get(customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} was not found")
    return customer


def protect_agents_on_arrival(policy: SafetyPolicy) -> InTransactionHandler:
    """The on-arrival safety rules, as a handler of new contacts and customers' replies: a
    blocked sender's contact is held out of the queues, and a message triage reads as a threat
    escalates its ticket to security (when the policy says so)."""

    def protect(event: TicketEvent, context: EventContext) -> None:
        arrival, ticket = context.arrival, context.ticket
        if arrival is None:
            return
        if arrival.sender.blocked is not None and ticket.status is not Status.SOLVED:
            hold_from_blocked_sender(ticket, arrival.sender.blocked, event.at)
        if arrival.triage is not None and policy.escalate_threats \
                and is_threat(arrival.triage.abuse) and SECURITY_TAG not in ticket.tags:
            department_id = policy.security_department_in(context.uow.structure.departments())
            escalate(ticket, Actor.system(), event.at, department_id=department_id,
                     reason="the message reads as a threat", automatic=True)

    return protect


def register(bus: MessageBus, policy: SafetyPolicy) -> None:
    bus.on((EventKind.CREATED, EventKind.CUSTOMER_REPLIED), protect_agents_on_arrival(policy))
