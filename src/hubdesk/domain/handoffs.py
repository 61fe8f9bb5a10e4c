"""Department handoffs: a piece of a ticket's work handed to a back-office department.

A handoff has its own assignee in the department, its own deadline (the department's
operational-level agreement, OLA, counted in business time on its calendar), its own internal
thread and its own lifecycle. Its changes are recorded as events of the parent ticket, so the
ticket's audit trail and outbox carry them like any other change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.errors import IllegalTransition, ValidationFailed
from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.handoff_ladders import (
    DEADLINE_PERCENT,
    MAX_AFTER_MINUTES,
    OlaStep,
    default_ladder,
    ladder_from_form,
    legacy_ladder,
)
from hubdesk.domain.messages import without_unencodable
from hubdesk.domain.sla.policies import MAX_TARGET_MINUTES
from hubdesk.domain.tickets import Ticket

# As long as a note: a request often carries a pasted log or an order history.
MAX_REQUEST_LENGTH = 20_000
MAX_NOTE_LENGTH = 20_000
MAX_REASON_LENGTH = 1_000
# Without a calendar an OLA runs around the clock.
ROUND_THE_CLOCK = BusinessCalendar("UTC", always_open=True)
# A year of business time, the bound of an SLA's targets: a department that needs longer is
# not answering, and every handoff's deadline is counted through the calendar up to it.
MAX_OLA_MINUTES = MAX_TARGET_MINUTES


class HandoffStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    DONE = "done"
    REJECTED = "rejected"


class Side(StrEnum):
    """Who makes a move: the department the work was handed to, or the ticket's side."""

    DEPARTMENT = "department"
    REQUESTER = "requester"


# The department takes the work up, answers it or refuses it; the ticket's side accepts the
# answer (done) or sends it back for more (in progress again). Done and rejected are final.
HANDOFF_TRANSITIONS: dict[tuple[HandoffStatus, HandoffStatus], Side] = {
    (HandoffStatus.OPEN, HandoffStatus.IN_PROGRESS): Side.DEPARTMENT,
    (HandoffStatus.OPEN, HandoffStatus.ANSWERED): Side.DEPARTMENT,
    (HandoffStatus.OPEN, HandoffStatus.REJECTED): Side.DEPARTMENT,
    (HandoffStatus.IN_PROGRESS, HandoffStatus.ANSWERED): Side.DEPARTMENT,
    (HandoffStatus.IN_PROGRESS, HandoffStatus.REJECTED): Side.DEPARTMENT,
    (HandoffStatus.ANSWERED, HandoffStatus.DONE): Side.REQUESTER,
    (HandoffStatus.ANSWERED, HandoffStatus.IN_PROGRESS): Side.REQUESTER,
}
FINAL = frozenset({HandoffStatus.DONE, HandoffStatus.REJECTED})
SEND_BACK = (HandoffStatus.ANSWERED, HandoffStatus.IN_PROGRESS)


class Charge(StrEnum):
    """Whom the work after a send-back is charged to in the turnaround report."""

    ORIGIN = "origin"  # the team of the ticket the handoff was opened from
    DEPARTMENT = "department"
    CUSTOMER = "customer"  # neither side: the customer is awaited


class SendBackCause(StrEnum):
    """Why the ticket's side sends an answer back: said by whoever sends it back."""

    INCOMPLETE_REQUEST = "incomplete_request"  # the request did not ask for all it needed
    DEPARTMENT_ERROR = "department_error"  # the answer is wrong or the work must be redone
    WAITING_ON_CUSTOMER = "waiting_on_customer"  # the customer brought something new

    @property
    def charged_to(self) -> Charge:
        return _CHARGES[self]


_CHARGES = {SendBackCause.INCOMPLETE_REQUEST: Charge.ORIGIN,
            SendBackCause.DEPARTMENT_ERROR: Charge.DEPARTMENT,
            SendBackCause.WAITING_ON_CUSTOMER: Charge.CUSTOMER}


def charge_of(cause: SendBackCause | None) -> Charge:
    """A send-back recorded before causes were asked for is charged as it always was: to
    the originating team."""
    return cause.charged_to if cause is not None else Charge.ORIGIN
# Waiting on the department: what blocks solving the ticket and what the ladder watches.
AWAITING_DEPARTMENT = frozenset({HandoffStatus.OPEN, HandoffStatus.IN_PROGRESS})


def clean_text(text: str, field_name: str, limit: int, what: str) -> str:
    cleaned = without_unencodable(text).replace("\x00", "").strip()
    if not cleaned:
        raise ValidationFailed(f"the {what} is empty: write it out", {field_name: "required"})
    if len(cleaned) > limit:
        raise ValidationFailed(f"the {what} is longer than {limit} characters",
                               {field_name: "too long"})
    return cleaned


@dataclass(frozen=True)
class Ola:
    """A department's operational-level agreement: how much business time it takes to answer
    a handoff, on which calendar, and whom its ladder tells when (`domain/handoff_ladders.py`)."""

    target: timedelta
    calendar: BusinessCalendar | None = None
    lead_id: int | None = None
    # Business time past the deadline after which the coordinators hear of it as well, on
    # the default ladder (an OLA that names no ladder of its own).
    coordinator_after: timedelta = timedelta(hours=4)
    ladder: tuple[OlaStep, ...] | None = None  # None: the default ladder

    @classmethod
    def of_minutes(cls, target_minutes: int, coordinator_after_minutes: int,
                   **rest: Any) -> Ola:
        """An OLA from whole minutes as a request or a form gives them, each refused, naming
        its field, outside its range (a number too large for a duration included)."""
        for field, value, low, high, meaning in (
                ("target_minutes", target_minutes, 1, MAX_OLA_MINUTES,
                 f"a positive whole number of business minutes, at most {MAX_OLA_MINUTES}"),
                ("coordinator_after_minutes", coordinator_after_minutes, 0, MAX_AFTER_MINUTES,
                 f"a whole number of business minutes from 0 to {MAX_AFTER_MINUTES}")):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValidationFailed(f"{field} is {meaning}", {field: "out of range"})
        return cls(target=timedelta(minutes=target_minutes),
                   coordinator_after=timedelta(minutes=coordinator_after_minutes), **rest)

    def __post_init__(self) -> None:
        if self.target <= timedelta(0):
            raise ValidationFailed("an OLA target is a positive duration",
                                   {"target_minutes": "not positive"})
        if self.coordinator_after < timedelta(0):
            raise ValidationFailed("the coordinator step cannot come before the deadline",
                                   {"coordinator_after_minutes": "negative"})

    @property
    def business_calendar(self) -> BusinessCalendar:
        return self.calendar or ROUND_THE_CLOCK

    def longest_wait(self) -> timedelta:
        """Business time from a handoff's opening to the last instant its OLA counts to: the
        deadline, or a ladder step after it."""
        return max([self.target, *(step.offset(self.target) for step in self.steps)])

    @property
    def steps(self) -> tuple[OlaStep, ...]:
        """The ladder a handoff under this OLA climbs, in order."""
        ladder = self.ladder if self.ladder is not None else default_ladder(
            self.coordinator_after)
        return tuple(sorted(ladder, key=lambda step: step.offset(self.target)))

    def to_dict(self) -> dict[str, Any]:
        """The plain form, with the ladder spelt out (the default one too), as a handoff
        keeps it."""
        return {"target_minutes": _minutes(self.target),
                "calendar": self.calendar.to_dict() if self.calendar else None,
                "lead_id": self.lead_id,
                "coordinator_after_minutes": _minutes(self.coordinator_after),
                "ladder": [step.to_dict() for step in self.steps]}

    @classmethod
    def from_dict(cls, form: dict[str, Any]) -> Ola:
        """From the plain form. ``ladder`` None: the default ladder; no ``ladder`` at all:
        a handoff's copy from before ladders could be set, which keeps its two steps."""
        calendar = form.get("calendar")
        target = timedelta(minutes=form["target_minutes"])
        after = timedelta(minutes=form["coordinator_after_minutes"])
        if "ladder" not in form:
            ladder: tuple[OlaStep, ...] | None = legacy_ladder(after)
        elif form["ladder"] is None:
            ladder = None
        else:
            ladder = ladder_from_form(form["ladder"], target)
        return cls(target=target,
                   calendar=BusinessCalendar.from_dict(calendar) if calendar else None,
                   lead_id=form.get("lead_id"), coordinator_after=after, ladder=ladder)


def _minutes(duration: timedelta) -> int:
    return int(duration.total_seconds() // 60)


@dataclass
class HandoffNote:
    id: int | None
    handoff_id: int
    author_id: int
    body: str
    created_at: datetime


@dataclass
class Handoff:
    id: int | None
    ticket_id: int
    department_id: int
    requested_by_id: int
    request: str
    opened_at: datetime
    blocking: bool = False
    status: HandoffStatus = HandoffStatus.OPEN
    assignee_id: int | None = None
    ola: Ola | None = None  # the department's OLA as it was when the handoff was opened
    due_at: datetime | None = None
    answer: str | None = None
    answered_at: datetime | None = None
    closed_at: datetime | None = None
    rejection_reason: str | None = None
    send_back_cause: SendBackCause | None = None  # of the latest send-back
    escalation_level: int = 0  # how many ladder steps have fired
    next_escalation_at: datetime | None = None
    updated_at: datetime | None = None  # None: as opened

    @classmethod
    def open(cls, ticket: Ticket, *, department_id: int, requested_by_id: int, request: str,
             blocking: bool, ola: Ola | None, at: datetime,
             assignee_id: int | None = None) -> Handoff:
        if ticket.is_closed or ticket.merged_into_id is not None:
            raise IllegalTransition("a closed or merged ticket cannot be handed off")
        assert ticket.id is not None
        due_at = ola.business_calendar.reach(at, ola.target) if ola else None
        handoff = cls(id=None, ticket_id=ticket.id, department_id=department_id,
                      requested_by_id=requested_by_id,
                      request=clean_text(request, "request", MAX_REQUEST_LENGTH, "request"),
                      opened_at=at, blocking=blocking, assignee_id=assignee_id, ola=ola,
                      due_at=due_at, updated_at=at)
        handoff.next_escalation_at = handoff._next_step_at()
        return handoff

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    @property
    def awaits_department(self) -> bool:
        return self.status in AWAITING_DEPARTMENT

    @property
    def blocks_solving(self) -> bool:
        return self.blocking and self.awaits_department

    def side_of(self, status: HandoffStatus) -> Side:
        """Who may move this handoff to ``status`` now; raises if the lifecycle forbids it."""
        side = HANDOFF_TRANSITIONS.get((self.status, status))
        if side is None:
            hint = ": it is finished, open a new handoff" if self.is_final else ""
            raise IllegalTransition(f"a handoff that is {self.status.value} cannot become "
                                    f"{status.value}{hint}")
        return side

    def moves_for(self, sides: frozenset[Side]) -> list[HandoffStatus]:
        """The statuses whoever acts on ``sides`` may move this handoff to now."""
        return [to for (start, to), side in HANDOFF_TRANSITIONS.items()
                if start is self.status and side in sides]

    def transition(self, status: HandoffStatus, at: datetime, text: str | None = None,
                   cause: SendBackCause | None = None) -> None:
        """Move along the lifecycle; answering needs the answer, rejecting needs a reason,
        sending an answer back needs its ``cause``."""
        self.side_of(status)
        if (self.status, status) == SEND_BACK:
            if cause is None:
                raise ValidationFailed(
                    "say why the answer goes back: the request was incomplete, the department "
                    "made an error, or the customer is awaited",
                    {"cause": "required"})
            self.send_back_cause = cause
        elif cause is not None:
            raise ValidationFailed("a cause is given only when sending an answer back",
                                   {"cause": "only for a send-back"})
        if status is HandoffStatus.ANSWERED:
            self.answer = clean_text(text or "", "text", MAX_NOTE_LENGTH, "answer")
            self.answered_at = at
        elif status is HandoffStatus.REJECTED:
            self.rejection_reason = clean_text(text or "", "text", MAX_REASON_LENGTH,
                                               "reason for rejecting")
        if status in FINAL:
            self.closed_at = at
        self.status = status
        self.updated_at = at
        self.next_escalation_at = self._next_step_at() if self.awaits_department else None

    def due_steps(self, now: datetime) -> list[tuple[int, OlaStep]]:
        """The ladder's steps (with their level: place on the ladder, from 1) that should have
        fired by ``now`` and have not."""
        if not self.awaits_department or self.due_at is None or self.ola is None:
            return []
        return [(level, step) for level, step in enumerate(self.ola.steps, start=1)
                if level > self.escalation_level
                and (at := self.step_at(step)) is not None and at <= now]

    def step_at(self, step: OlaStep) -> datetime | None:
        """When ``step`` comes, in the business time of the handoff's OLA (None: never, on
        its calendar)."""
        assert self.due_at is not None and self.ola is not None
        if step.at_percent == DEADLINE_PERCENT:
            return self.due_at
        calendar = self.ola.business_calendar
        if step.at_percent is not None:
            return calendar.reach(self.opened_at, self.ola.target * step.at_percent / 100)
        assert step.after_deadline is not None
        return calendar.reach(self.due_at, step.after_deadline)

    def climb(self, levels: list[int], at: datetime) -> None:
        """Record that the steps of ``levels`` fired."""
        self.escalation_level = max([self.escalation_level, *levels])
        self.updated_at = at
        self.next_escalation_at = self._next_step_at()

    def _next_step_at(self) -> datetime | None:
        if self.due_at is None or self.ola is None:
            return None
        for level, step in enumerate(self.ola.steps, start=1):
            if level > self.escalation_level:
                return self.step_at(step)
        return None

    def fired_step(self) -> OlaStep | None:
        """The latest ladder step that fired, if any."""
        if self.ola is None or not 1 <= self.escalation_level <= len(self.ola.steps):
            return None
        return self.ola.steps[self.escalation_level - 1]

    def time_left(self, now: datetime) -> timedelta | None:
        """Business time until the deadline; negative (business time past it) when overdue."""
        if self.due_at is None or self.ola is None:
            return None
        calendar = self.ola.business_calendar
        if now <= self.due_at:
            return calendar.elapsed(now, self.due_at)
        return -calendar.elapsed(self.due_at, now)

    def is_overdue(self, now: datetime) -> bool:
        """Answered after its deadline, or still awaited past it."""
        if self.due_at is None:
            return False
        finished = self.answered_at or (self.closed_at if self.is_final else None)
        return (finished or now) > self.due_at

    def event_data(self, **more: Any) -> dict[str, Any]:
        return {"handoff_id": self.id, "department_id": self.department_id,
                "blocking": self.blocking, "status": self.status.value, **more}


_EVENT_OF_STATUS = {
    HandoffStatus.ANSWERED: EventKind.HANDOFF_ANSWERED,
    HandoffStatus.DONE: EventKind.HANDOFF_DONE,
    HandoffStatus.REJECTED: EventKind.HANDOFF_REJECTED,
    HandoffStatus.IN_PROGRESS: EventKind.HANDOFF_UPDATED,
}


def record_transition(ticket: Ticket, handoff: Handoff, before: HandoffStatus, actor: Actor,
                      at: datetime, **data: Any) -> None:
    """The parent ticket's record of a handoff's move."""
    ticket.record(actor, _EVENT_OF_STATUS[handoff.status], at,
                  changes={"handoff_status": (before.value, handoff.status.value)},
                  data=handoff.event_data(**data))


def blocking_handoffs(handoffs: list[Handoff]) -> list[Handoff]:
    return [h for h in handoffs if h.blocks_solving]


def check_may_solve(handoffs: list[Handoff]) -> None:
    """A ticket is not solved while a blocking handoff still awaits its department."""
    blocking = blocking_handoffs(handoffs)
    if blocking:
        numbers = ", ".join(f"#{h.id}" for h in blocking)
        raise IllegalTransition(f"the ticket waits on blocking handoff {numbers}: wait for the "
                                "department's answer, or have it rejected, before solving")
