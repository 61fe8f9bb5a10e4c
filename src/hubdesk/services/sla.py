"""SLA clocks kept in step with their tickets, inside the transaction of every ticket change.

`keep_clocks` is the in-transaction handler (registered in `bootstrap.build_bus` through
`register`): it loads the ticket's clocks, lets the domain rules (`domain/sla/ticket_rules.py`)
move them for the event, and writes them back with their history, so a ticket change and its
clocks commit or roll back together. `SlaSetup` resolves which policy governs a ticket and the
calendar each clock runs on, from the policies and calendars as stored now.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.customers import Customer
from hubdesk.domain.events import EventKind, TicketEvent
from hubdesk.domain.sla import (
    ALWAYS_OPEN,
    Governing,
    LadderStep,
    SlaClock,
    SlaPolicy,
    SlaTarget,
    TicketClocks,
    TicketFacts,
    match_policy,
)
from hubdesk.domain.sla.ticket_rules import CalendarOf
from hubdesk.domain.tickets import Ticket
from hubdesk.services.messagebus import EventContext, MessageBus
from hubdesk.services.ports import HandledChange, UnitOfWork

# Events that move clocks; the rest leave them alone.
CLOCK_EVENTS = (EventKind.CREATED, EventKind.REPLIED, EventKind.CUSTOMER_REPLIED,
                EventKind.STATUS_CHANGED, EventKind.UPDATED, EventKind.ASSIGNED,
                EventKind.MERGED_INTO)


@lru_cache(maxsize=256)
def _calendar_from_json(form: str) -> BusinessCalendar:
    # Calendars are immutable values: one per distinct form per process keeps the tables each
    # builds for the years in use, which is what makes deadlines cheap.
    return BusinessCalendar.from_dict(json.loads(form))


def calendar_from_form(form: dict[str, object]) -> BusinessCalendar:
    return _calendar_from_json(json.dumps(form, sort_keys=True))


class SlaSetup:
    """The stored policies and calendars, as one transaction sees them."""

    def __init__(self, policies: list[SlaPolicy], calendars: dict[int, BusinessCalendar]
                 ) -> None:
        self.policies = policies
        self._by_id = {p.id: p for p in policies}
        self._calendars = calendars

    @classmethod
    def load(cls, uow: UnitOfWork) -> SlaSetup:
        """The policies and calendars as stored, remembered while they are unchanged."""
        return uow.settings.remembered("sla_setup", lambda: cls._read(uow))

    @classmethod
    def _read(cls, uow: UnitOfWork) -> SlaSetup:
        policies = uow.sla.policies()
        wanted = {p.calendar_id for p in policies if p.calendar_id is not None}
        calendars = {named.id: calendar_from_form(named.calendar.to_dict())
                     for named in (uow.sla.calendars() if wanted else [])
                     if named.id is not None}
        return cls(policies, calendars)

    def calendar(self, policy: SlaPolicy | None) -> BusinessCalendar:
        if policy is None:
            return ALWAYS_OPEN
        if policy.calendar is not None:
            return calendar_from_form(dict(policy.calendar))
        if policy.calendar_id is not None:
            return self._calendars.get(policy.calendar_id, ALWAYS_OPEN)
        return ALWAYS_OPEN

    def calendar_of(self, policy_id: int | None) -> BusinessCalendar:
        """The calendar a clock under ``policy_id`` runs on (24/7 if the policy is gone)."""
        return self.calendar(self._by_id.get(policy_id))

    def ladder_of(self, policy_id: int | None, target: SlaTarget) -> tuple[LadderStep, ...]:
        """The ladder a clock of ``target`` under ``policy_id`` climbs (none if it is gone)."""
        policy = self._by_id.get(policy_id)
        return policy.ladder_for(target) if policy is not None else ()

    def policy_of(self, policy_id: int | None) -> SlaPolicy | None:
        return self._by_id.get(policy_id)

    def governing(self, ticket: Ticket, customer: Customer | None) -> Governing | None:
        facts = TicketFacts(priority=ticket.priority, channel=ticket.channel,
                            category=ticket.category, team_id=ticket.team_id,
                            customer_tier=customer.tier.value if customer else None,
                            organisation_id=customer.organisation_id if customer else None)
        policy = match_policy(self.policies, facts)
        return Governing(policy, self.calendar(policy)) if policy is not None else None

    def rules(self, uow: UnitOfWork, ticket: Ticket, clocks: list[SlaClock],
              customer: Customer | None = None) -> TicketClocks:
        if customer is None:
            customer = uow.customers.get(ticket.requester_id)
        return TicketClocks(ticket, {c.target: c for c in clocks},
                            self.governing(ticket, customer), self.calendar_of)


def keep_clocks(event: TicketEvent, context: EventContext) -> None:
    """Move the ticket's clocks for ``event`` and store them, in the change's transaction."""
    uow, ticket = context.uow, context.ticket
    assert ticket.id is not None
    # The change holds the ticket's row lock and this handler is the only one to write its
    # clocks, so they are read once per change and kept as last saved for its later events;
    # a ticket just created has none yet.
    held = context.once(f"sla_clocks:{ticket.id}", _ChangeClocks)  # see kept_clocks
    if held.clocks is None:
        held.clocks = [] if event.kind is EventKind.CREATED else uow.sla.clocks(ticket.id)
    clocks = held.clocks
    if not clocks and event.kind in (EventKind.REPLIED, EventKind.MERGED_INTO):
        return
    setup = context.once("sla_setup", lambda: SlaSetup.load(uow))  # once per change
    if not setup.policies and not clocks:
        return
    rules = setup.rules(uow, ticket, clocks,
                        context.arrival.sender if context.arrival is not None else None)
    rules.apply(event)
    save(uow, ticket.id, rules)
    held.clocks = list(rules.clocks.values())


@dataclass
class _ChangeClocks:
    """A ticket's clocks as one change last saved them (None: not read yet)."""

    clocks: list[SlaClock] | None = None


def kept_clocks(change: HandledChange, ticket_id: int) -> list[SlaClock] | None:
    """The ticket's clocks as ``change`` left them stored, or None if it never looked."""
    return change.once(f"sla_clocks:{ticket_id}", _ChangeClocks).clocks


def save(uow: UnitOfWork, ticket_id: int, rules: TicketClocks) -> None:
    changed = [c for c in rules.clocks.values() if c.id is None or c.new_entries]
    if changed:
        uow.sla.save_clocks(ticket_id, changed)


def register(bus: MessageBus) -> None:
    bus.on_stored(CLOCK_EVENTS, keep_clocks)


def recompute_tickets(uow: UnitOfWork, setup: SlaSetup, ticket_ids: list[int], at: datetime,
                      before: CalendarOf) -> int:
    """Match each ticket again under ``setup`` (after a policy or calendar change); each
    clock's time so far is measured on the calendar it ran on (``before``). Returns how many
    tickets' clocks changed."""
    # Read in three statements for the whole batch rather than four per ticket: a re-match
    # can reach hundreds of tickets inside the transaction of the change that caused it.
    tickets = uow.tickets.get_many(ticket_ids, for_update=True)
    customers = uow.customers.get_many(ticket.requester_id for ticket in tickets)
    clocks = uow.sla.clocks_of(ticket.id for ticket in tickets if ticket.id is not None)
    changed = 0
    for ticket in tickets:
        assert ticket.id is not None
        rules = setup.rules(uow, ticket, clocks.get(ticket.id, []),
                            customers.get(ticket.requester_id))
        rules.rematch(at, before=before)
        if any(c.id is None or c.new_entries for c in rules.clocks.values()):
            changed += 1
        save(uow, ticket.id, rules)
    return changed
