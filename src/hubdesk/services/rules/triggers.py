"""Event rules run inside the transaction of the change that set them off: what they change
commits, or rolls back, with it."""

from __future__ import annotations

from functools import partial

from hubdesk.domain.events import TicketEvent
from hubdesk.domain.rules import run_event_rules
from hubdesk.domain.rules.engine import may_change
from hubdesk.domain.rules.model import TRIGGER_KINDS
from hubdesk.services.messagebus import EventContext, MessageBus
from hubdesk.services.rules.effects import HandoffHold, StoredMacros, TicketFacts, write_replies


def run_rules_on_event(event: TicketEvent, context: EventContext) -> None:
    """Fire the enabled event rules triggered by ``event`` on the ticket, in order."""
    uow, ticket = context.uow, context.ticket
    if not may_change(ticket):
        return
    rules = [rule for rule in uow.rules.enabled("event") if rule.triggered_by(event.kind)]
    if not rules:
        return
    facts = TicketFacts(uow, ticket, rules, now=event.at, actor=event.actor,
                        arrival=context.arrival)
    macros = context.once("rule_macros", lambda: StoredMacros(uow))  # read when applied
    for firing in run_event_rules(rules, event.kind, ticket, facts, event.at, macros,
                                  HandoffHold(uow)):
        if firing.outcome.replies:
            context.when_stored(partial(write_replies, uow, ticket, firing, event.at))


def register(bus: MessageBus) -> None:
    bus.on(TRIGGER_KINDS, run_rules_on_event)
