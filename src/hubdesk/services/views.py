"""Read models the services hand to entry points: plain data, already permission-filtered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hubdesk.domain.customers import Customer
from hubdesk.domain.events import TicketEvent
from hubdesk.domain.messages import Message
from hubdesk.domain.permissions import TicketAction
from hubdesk.domain.tickets import Priority, Status, Ticket


@dataclass(frozen=True)
class TicketFilter:
    status: tuple[Status, ...] = ()
    priority: tuple[Priority, ...] = ()
    assignee_id: int | None = None
    unassigned: bool = False
    team_id: int | None = None
    department_id: int | None = None
    requester_id: int | None = None
    query: str | None = None


@dataclass(frozen=True)
class TicketRow:
    """One line of a ticket list: what a queue view needs, fetched in a single query."""

    id: int
    subject: str
    status: Status
    priority: Priority
    channel: str
    category: str | None
    tags: tuple[str, ...]
    requester_id: int
    requester_name: str
    assignee_id: int | None
    assignee_name: str | None
    team_id: int | None
    team_name: str | None
    department_id: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Page:
    rows: list[TicketRow]
    next_cursor: str | None


@dataclass(frozen=True)
class StoredEvent:
    id: int
    event: TicketEvent


@dataclass
class TicketDetail:
    ticket: Ticket
    requester: Customer
    assignee_name: str | None = None
    team_name: str | None = None
    department_name: str | None = None
    messages: list[Message] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    # What the caller may do to the ticket now (`domain.permissions.allowed_actions`).
    allowed_actions: frozenset[TicketAction] = frozenset()
