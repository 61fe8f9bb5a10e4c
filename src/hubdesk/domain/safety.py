"""Protecting agents from abusive senders: blocking a sender, escalating to security.

A blocked sender's contacts are still received and kept (nothing a customer sends is ever
dropped: it may be evidence), but they no longer reach anyone's queue. A threat is a security
matter before it is a support one: it goes to the security department, urgently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from hubdesk.domain.agents import Department, Role
from hubdesk.domain.customers import SenderBlock
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.tickets import Priority, Status, Ticket
from hubdesk.domain.triage import AbuseVerdict

BLOCKED_SENDER_TAG = "blocked-sender"
SECURITY_TAG = "security"
MAX_REASON_LENGTH = 1_000
# The abuse detector's "threat" kind, from this confidence on, is a threat to act upon.
THREAT_CONFIDENCE = 0.6


@dataclass(frozen=True)
class SafetyPolicy:
    """The organisation's rules; set by configuration."""

    security_department: str = "Security"
    escalate_threats: bool = True  # a threatening message escalates itself on arrival
    blocking_roles: frozenset[Role] = field(default_factory=lambda: frozenset(
        {Role.COORDINATOR, Role.MANAGER, Role.ADMIN}))

    def security_department_in(self, departments: Iterable[Department]) -> int | None:
        """The department escalations go to; names compare without case or extra spaces."""
        wanted = " ".join(self.security_department.split()).casefold()
        return next((d.id for d in departments
                     if " ".join(d.name.split()).casefold() == wanted), None)


def required_reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationFailed("say why the sender is blocked: colleagues will read it",
                               {"reason": "required"})
    return text[:MAX_REASON_LENGTH]


def is_threat(abuse: AbuseVerdict) -> bool:
    return abuse.abusive and "threat" in abuse.kinds and abuse.confidence >= THREAT_CONFIDENCE


def hold_from_blocked_sender(ticket: Ticket, block: SenderBlock, at: datetime) -> None:
    """A new contact from a blocked sender is kept, solved at once and out of every queue."""
    ticket.tags = tuple(dict.fromkeys((*ticket.tags, BLOCKED_SENDER_TAG)))
    ticket.team_id = None
    ticket.record(Actor.system(), EventKind.HELD_BLOCKED_SENDER, at,
                  data={"blocked_at": block.at.isoformat(), "reason": block.reason})
    ticket.change_status(Status.SOLVED, Actor.system(), at)


def escalate_to_security(ticket: Ticket, actor: Actor, at: datetime, *,
                         department_id: int | None, reason: str,
                         automatic: bool = False) -> None:
    """Urgent, tagged, and handed to the security department when the desk has one."""
    values: dict[str, object] = {
        "priority": Priority.URGENT,
        "tags": (*ticket.tags, SECURITY_TAG),
    }
    if department_id is not None:
        values["department_id"] = department_id
    ticket.update(actor, at, **values)
    if ticket.status is Status.SOLVED:  # a held contact that turns out to be a threat
        ticket.change_status(Status.OPEN, actor, at)
    ticket.record(actor, EventKind.SECURITY_ESCALATED, at, data={
        "reason": reason[:MAX_REASON_LENGTH], "automatic": automatic,
        "department_id": department_id})
