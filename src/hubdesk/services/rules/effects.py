"""What rules need from the store while they run: the facts of a ticket (its requester and
triage loaded only when some rule asks), the stored macros their actions name (read only
when one is applied), whether a status the store forbids is asked for, and writing a rule's
replies."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from hubdesk.domain.customers import Customer
from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.handoffs import check_may_solve
from hubdesk.domain.intake import Arrival, triage_summary
from hubdesk.domain.macros import Macro
from hubdesk.domain.messages import Message, clean_body
from hubdesk.domain.rules import Facts, Firing, Rule, changes_in, facts_of
from hubdesk.domain.rules.actions import Reply
from hubdesk.domain.rules.templates import render, ticket_values
from hubdesk.domain.tickets import Status, Ticket
from hubdesk.services.ports import UnitOfWork


class TicketFacts:
    """Reads a ticket's facts for rules, loading the requester, the latest triage and the
    customer's message once and only if one of ``rules`` reads them: the message that set
    the rules off when there is one (a new ticket's is not stored yet), else the latest."""

    def __init__(self, uow: UnitOfWork, ticket: Ticket, rules: Iterable[Rule], *,
                 now: datetime, actor: Actor | None = None,
                 arrival: Arrival | None = None) -> None:
        self.uow, self.ticket, self.now = uow, ticket, now
        self.actor = actor.kind.value if actor is not None else None
        self.arrival = arrival
        fields = frozenset().union(*(rule.fields for rule in rules))
        self._wants_customer = any(name.startswith("customer.") for name in fields)
        self._wants_triage = any(name.startswith("triage.") for name in fields)
        self._wants_body = "message.body" in fields
        self._wants_satisfaction = "ticket.satisfaction" in fields
        self._satisfaction: str | None = None
        self._customer: Customer | None = None
        self._triage: dict[str, Any] | None = None
        self._body: str | None = None
        self._loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        arrival, ticket = self.arrival, self.ticket
        if self._wants_customer:
            self._customer = (arrival.sender if arrival is not None
                              else self.uow.customers.get(ticket.requester_id))
        if self._wants_triage:
            if arrival is not None and arrival.triage is not None:
                self._triage = triage_summary(arrival.triage)
            elif ticket.id is not None:
                self._triage = self.uow.rules.latest_customer_triage(ticket.id)
        if self._wants_body:
            if arrival is not None and arrival.body is not None:
                self._body = arrival.body
            elif ticket.id is not None:
                self._body = self.uow.rules.latest_customer_body(ticket.id)

        if self._wants_satisfaction and ticket.id is not None:
            survey = self.uow.satisfaction.get(ticket.id)
            self._satisfaction = survey.rating.value if survey and survey.rating else None

    def __call__(self) -> Facts:
        self._load()
        return facts_of(self.ticket, now=self.now, customer=self._customer,
                        triage=self._triage, actor=self.actor,
                        changes=changes_in(self.ticket.pending_events),
                        message_body=self._body, satisfaction=self._satisfaction)


class StoredMacros:
    """The rules' `MacroLookup` over the store: each macro read once, when first applied."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._read: dict[int, Macro | None] = {}

    def __call__(self, macro_id: int) -> Macro | None:
        if macro_id not in self._read:
            self._read[macro_id] = self._uow.macros.get(macro_id)
        return self._read[macro_id]


class HandoffHold:
    """The rules' `StatusCheck` over the store: solving waits for every blocking handoff.

    Every status change is held to this in its transaction (`services/handoffs.py`
    `refuse_solving_while_blocked`), which rolls the whole change back; a rule asks first, so
    that only its action is skipped and the change that set it off, and its other actions,
    stand."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def __call__(self, ticket: Ticket, status: Status) -> None:
        if status is Status.SOLVED and ticket.id is not None:  # a new ticket has no handoff
            check_may_solve(self._uow.handoffs.for_ticket(ticket.id))


def write_replies(uow: UnitOfWork, ticket: Ticket, firing: Firing, at: datetime) -> None:
    """Post the firing's replies as public messages from the desk, each recorded as a reply
    (so whatever sends replies to customers sends these too). A macro is filled as for the
    reply box (`Macro.fill`), with no agent: the desk replies."""
    if not firing.outcome.replies:
        return
    assert ticket.id is not None
    customer = uow.customers.get(ticket.requester_id)
    values = ticket_values(ticket.id, ticket.subject, ticket.status.value,
                           ticket.priority.value, customer.name if customer else None)
    for reply in firing.outcome.replies:
        text = render(reply.template, values) if isinstance(reply, Reply) \
            else reply.fill(values)
        if not text.strip():  # only empty placeholders: nothing to say
            continue
        body = clean_body(text)
        message = Message(id=None, ticket_id=ticket.id, author=Actor.system(), body=body,
                          created_at=at, public=True)
        uow.tickets.add_message(message)
        uow.tickets.index_text(ticket.id, body)
        data: dict[str, Any] = {"message_id": message.id, "rule_id": firing.rule.id,
                                "rule": firing.rule.name}
        if not isinstance(reply, Reply):
            data["macro_id"] = reply.id
        ticket.record(Actor.system(), EventKind.REPLIED, at, data=data)
