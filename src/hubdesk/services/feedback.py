"""Agents correcting triage: "this customer is not angry", "this is abusive after all".

Corrections are stored per message (the latest one wins) and recorded on the ticket's
history; `hubdesk triage learn-signals` trains the desk's own anger and abuse models on them.
"""

from __future__ import annotations

from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.events import Actor, ActorKind, EventKind
from hubdesk.domain.permissions import TicketAction, check_admin
from hubdesk.domain.triage import Verdict
from hubdesk.services.ports import UnitOfWorkFactory
from hubdesk.services.tickets import flush_events, load_for, message_on

MAX_TRAINING_EXAMPLES = 100_000


def correct_verdict(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int, message_id: int,
                    verdict: Verdict, value: bool, *, now: datetime | None = None) -> None:
    """Any agent who may write on the ticket may correct how its customer was read."""
    at = now or utcnow()
    assert actor.id is not None
    with uows() as uow:
        ticket = load_for(uow, actor, ticket_id, TicketAction.INTERNAL_NOTE)
        message = message_on(uow, ticket_id, message_id)
        if message.author.kind is not ActorKind.CUSTOMER:
            raise ValidationFailed("only customers' messages are triaged; agents' are not",
                                   {"message_id": "not a customer message"})
        uow.tickets.record_feedback(message_id, actor.id, verdict.value, value, at)
        ticket.record(Actor.agent(actor.id), EventKind.TRIAGE_CORRECTED, at,
                      data={"message_id": message_id, "verdict": verdict.value, "value": value})
        uow.tickets.save(ticket)
        flush_events(uow, ticket)
        uow.commit()


def verdict_examples(uows: UnitOfWorkFactory, actor: Agent, verdict: Verdict,
                     limit: int = MAX_TRAINING_EXAMPLES) -> list[tuple[str, bool]]:
    """(message text, corrected value) pairs: what the desk's own model learns from."""
    check_admin(actor, "exporting training data")
    with uows(write=False) as uow:
        return uow.tickets.feedback_examples(verdict.value, limit)


def corrections(uows: UnitOfWorkFactory, actor: Agent,
                ticket_id: int) -> dict[tuple[int, str], bool]:
    """How agents corrected triage on this ticket: (message id, verdict) → value."""
    with uows(write=False) as uow:
        load_for(uow, actor, ticket_id, TicketAction.VIEW, for_update=False)
        return uow.tickets.corrections(ticket_id)
