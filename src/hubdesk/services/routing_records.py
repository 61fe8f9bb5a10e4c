"""What the routing store hands to the routing use cases: plain rows, no SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# A ticket's routing state: waiting for an eligible agent, routed (holding units), assigned by
# hand, or unroutable (no one in the roster could ever serve it: flagged to coordinators).
WAITING = "waiting"
ROUTED = "routed"
MANUAL = "manual"
UNROUTABLE = "unroutable"
DONE = "done"

# Waiting work is offered most urgent first, as the domain ranks it
# (`TicketRequirements.urgency`): the running answer clock's deadline (none last), then
# priority, the customer's VIP level, age.
PRIORITY_ORDER = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


def urgency_rank(priority: str) -> int:
    return PRIORITY_ORDER.get(priority, len(PRIORITY_ORDER))


@dataclass(frozen=True)
class AgentRoutingRow:
    """An agent as routing sees them: profile, presence and the units in use."""

    agent_id: int
    name: str
    role: str
    active: bool
    tier: int
    languages: tuple[str, ...]
    team_ids: frozenset[int]
    skills: dict[str, int]
    channel_costs: dict[str, int]
    presence: str
    presence_since: datetime
    paused: bool
    shift_starts_at: datetime | None
    shift_ends_at: datetime | None
    capacity: int
    load: int
    last_assigned_at: datetime | None


@dataclass
class TicketRoutingState:
    ticket_id: int
    state: str = WAITING
    agent_id: int | None = None
    held: int = 0
    locked: bool = False
    difficult: bool = False
    reason: str | None = None
    relaxations: list[str] = field(default_factory=list)
    assigned_at: datetime | None = None
    waiting_since: datetime | None = None


@dataclass(frozen=True)
class StoredDecision:
    id: int
    ticket_id: int
    agent_id: int | None
    mode: str
    difficult: bool
    decision: dict[str, Any]
    decided_at: datetime


@dataclass(frozen=True)
class WaitingTicket:
    """An unassigned, unresolved ticket routing may give to someone, with what it needs."""

    ticket_id: int
    channel: str
    priority: str
    category: str | None
    language: str | None
    team_id: int | None
    requester_id: int
    customer_tier: str
    created_at: datetime
    state: TicketRoutingState | None
    subject: str = ""
    tier: int = 1  # the tier it was escalated to (`ticket_tiers`); 1 at the front line
    answer_due: datetime | None = None  # the running answer clock's deadline, if any


@dataclass(frozen=True)
class AgentExclusion:
    """A customer asked not to be served by this agent again: routing never offers the
    customer's tickets to them (a hard constraint, `Exclusion.EXCLUDED`)."""

    customer_id: int
    agent_id: int
    reason: str
    created_at: datetime
    created_by_id: int | None
    agent_name: str = ""
    moved: tuple[MovedTicket, ...] = ()  # when just made: the tickets taken from the agent


@dataclass(frozen=True)
class MovedTicket:
    """A ticket the agent held when a customer's wish excluded them: routed to ``agent_id``
    (None: it waits for an eligible agent), ``unlocked`` when a lock had kept it with them."""

    ticket_id: int
    agent_id: int | None
    unlocked: bool = False


@dataclass(frozen=True)
class ServedLines:
    """The waiting tickets an agent could ever take, as far as the store can tell: of their
    channels, of no team or one of theirs, in no language or one they speak (``languages``
    None: any, when a relaxation step may give a ticket another language), of a category
    within their skills and tier (`domain/routing/reach.py`: none of ``skip_categories``, or
    when no unmapped category is theirs only of ``only_categories``), escalated to no tier
    above ``max_tier``. The routing policy still decides each one."""

    channels: tuple[str, ...]
    team_ids: tuple[int, ...]
    languages: tuple[str, ...] | None
    skip_categories: tuple[str, ...] = ()
    only_categories: tuple[str, ...] | None = None
    max_tier: int | None = None


@dataclass(frozen=True)
class ProfileChange:
    """A coordinator's edit of a routing profile; None leaves a part as it is."""

    skills: dict[str, int] | None = None
    languages: tuple[str, ...] | None = None
    tier: int | None = None
    capacity: int | None = None
    channel_costs: dict[str, int] | None = None
    shift_starts_at: datetime | None = None
    shift_ends_at: datetime | None = None
    clear_shift: bool = False
    paused: bool | None = None
