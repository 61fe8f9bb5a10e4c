"""The ticket: its lifecycle, its fields and the events every change records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from hubdesk.domain.errors import IllegalTransition, ValidationFailed
from hubdesk.domain.events import Actor, EventKind, TicketEvent
from hubdesk.domain.messages import without_unencodable


class Status(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    ON_HOLD = "on_hold"
    SOLVED = "solved"
    CLOSED = "closed"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def raised(self) -> Priority | None:
        """One step more pressing; None for urgent, which nothing is above."""
        order = list(Priority)
        at = order.index(self)
        return order[at + 1] if at + 1 < len(order) else None


class Channel(StrEnum):
    EMAIL = "email"
    CHAT = "chat"
    WEB = "web"
    PHONE = "phone"
    API = "api"


# Closed is final; solved may only be reopened or closed; nothing returns to "new".
ALLOWED_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
    Status.OPEN: frozenset({Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
    Status.PENDING: frozenset({Status.OPEN, Status.ON_HOLD, Status.SOLVED}),
    Status.ON_HOLD: frozenset({Status.OPEN, Status.PENDING, Status.SOLVED}),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

# Work still to be done: the statuses queues show by default and duplicates are sought among.
UNRESOLVED = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)

MAX_SUBJECT_LENGTH = 500
MAX_TAG_LENGTH = 80
MAX_TAGS = 50


def normalise_tags(tags: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Tags are lower-case, trimmed, unique and kept in the order first given."""
    seen: dict[str, None] = {}
    for raw in tags:
        tag = raw.strip().lower()
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH or any(ch.isspace() for ch in tag):
            raise ValidationFailed(
                f"tag {raw!r} is not valid: use at most {MAX_TAG_LENGTH} characters, no spaces",
                {"tags": "invalid tag"},
            )
        seen.setdefault(tag, None)
    if len(seen) > MAX_TAGS:
        raise ValidationFailed(f"a ticket holds at most {MAX_TAGS} tags", {"tags": "too many"})
    return tuple(seen)


def fitted_subject(subject: str) -> tuple[str, bool]:
    """A subject that arrived on a channel the desk cannot send back (an e-mail, a form), cut
    to the longest a ticket holds, and whether it was cut: such a message is filed, never
    refused for its subject's length."""
    text = " ".join(subject.split())
    if len(text) <= MAX_SUBJECT_LENGTH:
        return text, False
    return text[:MAX_SUBJECT_LENGTH - 1].rstrip() + "…", True


def clean_subject(subject: str) -> str:
    text = " ".join(without_unencodable(subject).replace("\x00", "").split())
    if not text:
        raise ValidationFailed("the subject is empty: say what the ticket is about",
                               {"subject": "empty"})
    if len(text) > MAX_SUBJECT_LENGTH:
        raise ValidationFailed(f"the subject is longer than {MAX_SUBJECT_LENGTH} characters",
                               {"subject": "too long"})
    return text


@dataclass
class Ticket:
    id: int | None
    subject: str
    requester_id: int
    created_at: datetime
    updated_at: datetime
    status: Status = Status.NEW
    priority: Priority = Priority.NORMAL
    channel: Channel = Channel.WEB
    category: str | None = None
    tags: tuple[str, ...] = ()
    assignee_id: int | None = None
    team_id: int | None = None
    department_id: int | None = None
    language: str | None = None
    solved_at: datetime | None = None
    closed_at: datetime | None = None
    merged_into_id: int | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)
    # When the ticket entered its current status: what time-based automations count from.
    status_changed_at: datetime | None = None
    pending_events: list[TicketEvent] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.status_changed_at is None:
            self.status_changed_at = self.created_at

    @property
    def number(self) -> int | None:
        """The human-facing number (#1042) is the ticket's own sequential identity."""
        return self.id

    @property
    def is_closed(self) -> bool:
        return self.status is Status.CLOSED

    def place(self) -> dict[str, int | None]:
        """Where the ticket is: what decides who may see it (`permissions.TicketScope`)."""
        return {"team_id": self.team_id, "department_id": self.department_id,
                "assignee_id": self.assignee_id}

    def record(self, actor: Actor, kind: EventKind, at: datetime,
               changes: dict[str, tuple[Any, Any]] | None = None,
               data: dict[str, Any] | None = None) -> None:
        self.pending_events.append(
            TicketEvent(ticket_id=self.id, kind=kind, actor=actor, at=at,
                        changes=changes or {}, data=data or {}))
        self.updated_at = at

    def change_status(self, new: Status, actor: Actor, at: datetime) -> bool:
        """Move along the lifecycle; returns False when nothing changes."""
        if new is self.status:
            return False
        if new not in ALLOWED_TRANSITIONS[self.status]:
            raise IllegalTransition(
                f"a {self.status.value} ticket cannot become {new.value}"
                + (": closed tickets are final, open a follow-up instead"
                   if self.is_closed else ""))
        old = self.status
        self.status = new
        self.status_changed_at = at
        changes: dict[str, tuple[Any, Any]] = {"status": (old.value, new.value)}
        if new is Status.SOLVED:
            self.solved_at = at
        elif new is Status.CLOSED:
            self.closed_at = at
        elif old is Status.SOLVED:
            changes["solved_at"] = (self.solved_at.isoformat() if self.solved_at else None, None)
            self.solved_at = None
        self.record(actor, EventKind.STATUS_CHANGED, at, changes)
        return True

    def _ensure_mutable(self) -> None:
        if self.is_closed:
            raise IllegalTransition("the ticket is closed and can no longer change; "
                                    "open a follow-up ticket instead")
        if self.merged_into_id is not None:
            raise IllegalTransition(f"the ticket was merged into #{self.merged_into_id}; "
                                    "work on that one")

    def unassign(self, actor: Actor, at: datetime, reason: str) -> bool:
        """Take the ticket from its assignee, saying why in its history; False when nobody
        holds it."""
        self._ensure_mutable()
        if self.assignee_id is None:
            return False
        before, self.assignee_id = self.assignee_id, None
        self.record(actor, EventKind.ASSIGNED, at, {"assignee_id": (before, None)},
                    data={"reason": reason})
        return True

    def update(self, actor: Actor, at: datetime, **values: Any) -> dict[str, tuple[Any, Any]]:
        """Change plain fields (priority, category, tags, assignee, team, department...)."""
        self._ensure_mutable()
        changes: dict[str, tuple[Any, Any]] = {}
        for name, value in values.items():
            if name == "tags":
                value = normalise_tags(value)
            elif name == "subject":
                value = clean_subject(value)
            elif name == "priority":
                value = Priority(value)
            elif name == "custom_fields":
                value = {**self.custom_fields, **value}
            elif name not in UPDATABLE_FIELDS:
                raise ValidationFailed(f"{name} cannot be changed this way", {name: "read-only"})
            old = getattr(self, name)
            if old != value:
                setattr(self, name, value)
                changes[name] = (_plain(old), _plain(value))
        if changes:
            kind = (EventKind.ASSIGNED if set(changes) <= {"assignee_id", "team_id"}
                    else EventKind.UPDATED)
            self.record(actor, kind, at, changes)
            if "assignee_id" in changes and self.assignee_id is not None \
                    and self.status is Status.NEW:
                self.change_status(Status.OPEN, actor, at)
        return changes

    def on_public_reply_by_agent(self, actor: Actor, at: datetime) -> None:
        """Answering a new ticket opens it; the agent decides about pending explicitly."""
        self._ensure_mutable()
        if self.status is Status.NEW:
            self.change_status(Status.OPEN, actor, at)

    def on_customer_message(self, actor: Actor, at: datetime) -> None:
        """A customer writing back wakes a waiting or solved ticket."""
        self._ensure_mutable()
        if self.status in (Status.PENDING, Status.ON_HOLD, Status.SOLVED):
            self.change_status(Status.OPEN, actor, at)


UPDATABLE_FIELDS = frozenset(
    {"subject", "priority", "category", "tags", "assignee_id", "team_id", "department_id",
     "language", "custom_fields"})


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, StrEnum):
        return value.value
    return value
