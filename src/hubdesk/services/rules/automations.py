"""Time-based automations: the periodic sweep that fires rules on tickets that have waited
long enough in a status ("pending for 3 days: remind the customer").

Candidates come from the (status, instant) indexes of the tickets table, a page at a time,
never a scan of every ticket. Each firing is its own transaction: the ticket is locked, the
rule checked again on it as it is now, and a row of the firing log claimed, unique per rule,
ticket and stay in the status; a second sweep, or a second worker at the same moment, finds
the row and does nothing. What the rule changes commits with that row; an action the
ticket refuses is skipped and said in the firing, and one ticket that cannot be changed at all
is left for the next sweep without stopping this one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain.errors import DomainError
from hubdesk.domain.rules import Rule, TimeTrigger, entered_at, evaluate, fire
from hubdesk.domain.rules.engine import may_change
from hubdesk.services.ports import DuplicateKey, UnitOfWorkFactory
from hubdesk.services.rules.effects import HandoffHold, StoredMacros, TicketFacts, write_replies
from hubdesk.services.tickets import flush_events

PAGE = 200
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepResult:
    rules: int
    candidates: int
    fired: int


def run_automations(uows: UnitOfWorkFactory, now: datetime, *, page: int = PAGE) -> SweepResult:
    """Fire every enabled time rule on every ticket it is due for; returns what was seen."""
    with uows(write=False) as uow:
        rules = uow.rules.enabled("time")
    candidates = fired = 0
    for rule in rules:
        seen, done = _sweep_rule(uows, rule, now, page)
        candidates += seen
        fired += done
    return SweepResult(len(rules), candidates, fired)


def _sweep_rule(uows: UnitOfWorkFactory, rule: Rule, now: datetime,
                page: int) -> tuple[int, int]:
    trigger = rule.trigger
    assert isinstance(trigger, TimeTrigger) and rule.id is not None
    # Business time never runs faster than the clock: whatever is due in business time is
    # among the tickets due in calendar time, so the calendar cut-off is a safe first filter.
    cutoff = now - trigger.after
    after: tuple[datetime, int] | None = None
    seen = fired = 0
    while True:
        with uows(write=False) as uow:
            rows = uow.rules.due_candidates(rule.id, trigger.status.value, trigger.since,
                                            cutoff, after, page)
        seen += len(rows)
        for ticket_id, entered in rows:
            fired += _fire_once(uows, rule, ticket_id, entered, now)
        if len(rows) < page:
            return seen, fired
        entered, ticket_id = rows[-1][1], rows[-1][0]
        after = (entered, ticket_id)


def _fire_once(uows: UnitOfWorkFactory, rule: Rule, ticket_id: int, entered: datetime,
               now: datetime) -> int:
    """Fire ``rule`` on the ticket if it still qualifies; 1 if it fired here, else 0."""
    trigger = rule.trigger
    assert isinstance(trigger, TimeTrigger) and rule.id is not None
    try:
        with uows() as uow:
            ticket = uow.tickets.get(ticket_id, for_update=True)
            if ticket is None or not may_change(ticket) or ticket.status is not trigger.status \
                    or entered_at(trigger, ticket) != entered \
                    or (due := trigger.due_at(entered)) is None or now < due:
                return 0  # moved on since the candidates were read, or not due in business time
            explanation = evaluate(rule.conditions, TicketFacts(uow, ticket, [rule], now=now)())
            if not explanation.result:
                return 0
            if not uow.rules.claim_firing(rule.id, ticket_id, entered, now):
                return 0  # another sweep fired it for this stay in the status
            firing = fire(rule, ticket, explanation, now, "time", StoredMacros(uow),
                          HandoffHold(uow))
            write_replies(uow, ticket, firing, now)
            uow.tickets.save(ticket)
            flush_events(uow, ticket)
            uow.commit()
    except DuplicateKey:  # the rule was deleted meanwhile
        return 0
    except DomainError as error:
        # Refused actions are skipped inside the firing; this is a refusal nothing foresaw.
        # It rolled back whole (the firing is not claimed), and the other tickets still run.
        log.warning("automation not applied", extra={"fields": {
            "rule": rule.id, "ticket": ticket_id, "reason": str(error)}})
        return 0
    return 1
