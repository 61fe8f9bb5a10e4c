"""Who did what and when: the audit trail and the seed of every notification."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class ActorKind(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: int | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(ActorKind.SYSTEM)

    @classmethod
    def agent(cls, agent_id: int) -> Actor:
        return cls(ActorKind.AGENT, agent_id)

    @classmethod
    def customer(cls, customer_id: int) -> Actor:
        return cls(ActorKind.CUSTOMER, customer_id)


class EventKind(StrEnum):
    """Every kind of change a ticket records. Handlers subscribe to these; the audit trail,
    the outbox topics (``ticket.<kind>``) and webhooks name them the same way."""

    CREATED = "created"
    STATUS_CHANGED = "status_changed"
    ASSIGNED = "assigned"
    UPDATED = "updated"
    REPLIED = "replied"
    NOTED = "noted"
    CUSTOMER_REPLIED = "customer_replied"
    MERGED_IN = "merged_in"
    MERGED_INTO = "merged_into"
    SENSITIVE_REVEALED = "sensitive_revealed"
    SENDER_BLOCKED = "sender_blocked"
    HELD_BLOCKED_SENDER = "held_blocked_sender"
    SECURITY_ESCALATED = "security_escalated"
    TRIAGE_CORRECTED = "triage_corrected"
    SLA_STEP_REACHED = "sla_step_reached"  # a warning-ladder step of an SLA clock
    SLA_BREACHED = "sla_breached"
    # Department handoffs (domain/handoffs.py): recorded on the parent ticket.
    HANDOFF_OPENED = "handoff_opened"
    HANDOFF_UPDATED = "handoff_updated"  # taken up, sent back for more, reassigned
    HANDOFF_ANSWERED = "handoff_answered"
    HANDOFF_DONE = "handoff_done"
    HANDOFF_REJECTED = "handoff_rejected"
    HANDOFF_ESCALATED = "handoff_escalated"
    # Tiered escalation (domain/escalation.py).
    ESCALATED = "escalated"
    DEESCALATED = "deescalated"
    MAIL_AUTOMATIC = "mail_automatic"  # an auto-reply or bounce kept on the ticket
    MAIL_DELIVERY_FAILED = "mail_delivery_failed"
    # Automations (domain/rules): a rule acted, asked for a notification or a handoff, or the
    # rules of one change were cut short by the chain bound.
    RULE_FIRED = "rule_fired"
    NOTIFICATION_REQUESTED = "notification_requested"
    HANDOFF_REQUESTED = "handoff_requested"
    RULE_CHAIN_STOPPED = "rule_chain_stopped"
    SATISFACTION_RATED = "satisfaction_rated"  # the customer answered the survey (again)

    @property
    def topic(self) -> str:
        """The name committed events of this kind are published under."""
        return f"ticket.{self.value}"


@dataclass(frozen=True)
class TicketEvent:
    """One change to a ticket: ``changes`` maps each field to (before, after)."""

    ticket_id: int | None
    kind: EventKind
    actor: Actor
    at: datetime
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


# One serialised form of an event, for the audit trail, the outbox, webhooks and bulk loads.

def event_record(event: TicketEvent, ticket_id: int | None = None) -> dict[str, Any]:
    """The audit-trail row of ``event`` (``ticket_id`` overrides an id not known yet)."""
    return {"ticket_id": event.ticket_id if ticket_id is None else ticket_id,
            "kind": event.kind.value, "actor_kind": event.actor.kind.value,
            "actor_id": event.actor.id,
            "changes": {name: list(pair) for name, pair in event.changes.items()},
            "data": event.data, "created_at": event.at}


def event_from_record(row: Mapping[str, Any]) -> TicketEvent:
    """The inverse of :func:`event_record`."""
    return TicketEvent(ticket_id=row["ticket_id"], kind=EventKind(row["kind"]),
                       actor=Actor(ActorKind(row["actor_kind"]), row["actor_id"]),
                       at=row["created_at"],
                       changes={name: (pair[0], pair[1])
                                for name, pair in row["changes"].items()},
                       data=dict(row["data"]))


def event_message(event: TicketEvent, ticket_id: int | None = None, *,
                  place: Mapping[str, int | None] | None = None) -> tuple[str, dict[str, Any]]:
    """The outbox topic and JSON payload published once ``event`` is committed. ``place`` is
    where the ticket is after the change (`Ticket.place`): who may see the event follows
    from it (`permissions.TicketScope.contains_place`)."""
    payload = {
        "ticket_id": event.ticket_id if ticket_id is None else ticket_id,
        "kind": event.kind.value,
        "actor": {"kind": event.actor.kind.value, "id": event.actor.id},
        "changes": {name: list(pair) for name, pair in event.changes.items()},
        "data": event.data, "at": event.at.isoformat()}
    if place is not None:
        payload["place"] = dict(place)
    return event.kind.topic, payload
