"""Read models the services hand to entry points: plain data, already permission-filtered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from hubdesk.domain.customers import Customer
from hubdesk.domain.escalation import TierStep
from hubdesk.domain.events import TicketEvent
from hubdesk.domain.handoffs import Handoff, HandoffNote, Side
from hubdesk.domain.messages import Message
from hubdesk.domain.permissions import TicketAction
from hubdesk.domain.tickets import Channel, Priority, Status, Ticket


class TicketOrder(StrEnum):
    UPDATED = "updated"  # last changed first
    CREATED = "created"  # oldest first: who has waited longest
    PRIORITY = "priority"  # urgent first, then last changed first
    DUE = "due"  # earliest running SLA deadline first; tickets without one last


@dataclass(frozen=True)
class TicketFilter:
    status: tuple[Status, ...] = ()
    priority: tuple[Priority, ...] = ()
    assignee_id: int | None = None
    unassigned: bool = False
    team_id: int | None = None
    department_id: int | None = None
    requester_id: int | None = None
    organisation_id: int | None = None  # tickets of the organisation's customers
    query: str | None = None
    channel: Channel | None = None
    tag: str | None = None
    created_before: datetime | None = None
    order: TicketOrder = TicketOrder.UPDATED


@dataclass(frozen=True)
class AssignedTicket:
    """A ticket someone is working on, as the team board lists it under them."""

    id: int
    subject: str
    priority: Priority
    assignee_id: int


@dataclass(frozen=True)
class TeamLine:
    """One team's queue at a glance (team None: tickets of no team)."""

    team_id: int | None
    unresolved: int
    waiting: int  # for an agent: new or open, unassigned
    oldest_waiting_since: datetime | None
    breached: int  # live SLA clocks past their deadline
    arrived: int  # created in the window asked for


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
    # Risk flags a queue shows beside the subject.
    requester_tier: str = "standard"
    requester_blocked: bool = False
    abusive: bool = False
    difficult: bool = False
    language: str | None = None
    # the customer wrote after the last agent message (or no agent has written yet)
    customer_waiting: bool = False
    # a customer message newer than the last message the viewing agent read on the ticket
    unread: bool = False


@dataclass(frozen=True)
class Page:
    rows: list[TicketRow]
    next_cursor: str | None
    # Each row's own position: paging from it gives the tickets after it in the same order.
    cursors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StoredEvent:
    id: int
    event: TicketEvent


@dataclass(frozen=True)
class HandoffView:
    """A handoff as its reader sees it (built by `services/handoff_views.py`)."""

    handoff: Handoff
    department_name: str
    ticket_subject: str
    requested_by_name: str | None
    assignee_name: str | None
    as_of: datetime
    # Business time left until the deadline (negative: overdue by that much); None: no OLA.
    time_left: timedelta | None
    overdue: bool
    # The sides of the handoff the reader acts on (what buttons it gets).
    sides: frozenset[Side] = frozenset()
    notes: list[HandoffNote] = field(default_factory=list)
    author_names: dict[int, str] = field(default_factory=dict)


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
    # The ticket's SLA clocks as they stand (`services.sla_reads.ClockView`).
    sla: list[Any] = field(default_factory=list)
    # The support tier the ticket is worked at (domain/escalation.py) and the handoffs the
    # reader may see, with their deadlines (services/handoff_views.py).
    tier: int = 1
    handoffs: list[HandoffView] = field(default_factory=list)
    # The escalation in force (None at the front line) and, when an agent made it, their
    # name; an SLA ladder's escalation names its policy and step instead (`TierStep`).
    escalation: TierStep | None = None
    escalated_by_name: str | None = None


@dataclass(frozen=True)
class SavedView:
    """A queue filter an agent named: the queue's query string, shown in the navigation."""

    id: int
    name: str
    query: str
