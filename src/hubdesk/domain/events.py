"""Who did what and when: the audit trail and the seed of every notification."""

from __future__ import annotations

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


@dataclass(frozen=True)
class TicketEvent:
    """One change to a ticket: ``changes`` maps each field to (before, after)."""

    ticket_id: int | None
    kind: str
    actor: Actor
    at: datetime
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
