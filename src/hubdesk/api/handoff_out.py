"""Response bodies of handoffs and tiers (the ticket's body embeds them, see `schemas.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from hubdesk.domain.handoffs import HandoffNote, HandoffStatus, SendBackCause
from hubdesk.services.views import HandoffView


class HandoffNoteOut(BaseModel):
    id: int
    author_id: int
    author_name: str | None
    body: str
    created_at: datetime

    @classmethod
    def of(cls, note: HandoffNote, names: dict[int, str]) -> HandoffNoteOut:
        assert note.id is not None
        return cls(id=note.id, author_id=note.author_id, author_name=names.get(note.author_id),
                   body=note.body, created_at=note.created_at)


class HandoffOut(BaseModel):
    id: int
    ticket_id: int
    ticket_subject: str
    department_id: int
    department_name: str
    status: HandoffStatus
    blocking: bool
    request: str
    requested_by_id: int
    requested_by_name: str | None
    assignee_id: int | None
    assignee_name: str | None
    opened_at: datetime
    due_at: datetime | None = Field(description="the OLA deadline; null: the department has "
                                                "no OLA")
    time_left_seconds: int | None = Field(
        description="business time left until the deadline on the department's calendar, "
                    "as of `as_of`; negative: overdue by that much")
    overdue: bool
    as_of: datetime
    answer: str | None
    answered_at: datetime | None
    closed_at: datetime | None
    rejection_reason: str | None
    send_back_cause: SendBackCause | None = Field(
        default=None, description="why the answer was last sent back, if it was")
    escalation_level: int = Field(description="how many steps of its ladder have fired "
                                              "(the steps are in `ladder`)")
    ladder: list[dict[str, Any]] | None = Field(
        default=None, description="the escalation ladder the handoff climbs, as its "
                                  "department's OLA had it when it was opened; null: no OLA")
    allowed_transitions: list[HandoffStatus] = Field(
        description="the statuses the caller may move the handoff to now")
    notes: list[HandoffNoteOut]

    @classmethod
    def of(cls, view: HandoffView) -> HandoffOut:
        h = view.handoff
        assert h.id is not None
        left = view.time_left
        return cls(id=h.id, ticket_id=h.ticket_id, ticket_subject=view.ticket_subject,
                   department_id=h.department_id, department_name=view.department_name,
                   status=h.status, blocking=h.blocking, request=h.request,
                   requested_by_id=h.requested_by_id, requested_by_name=view.requested_by_name,
                   assignee_id=h.assignee_id, assignee_name=view.assignee_name,
                   opened_at=h.opened_at, due_at=h.due_at,
                   time_left_seconds=int(left.total_seconds()) if left is not None else None,
                   overdue=view.overdue, as_of=view.as_of, answer=h.answer,
                   answered_at=h.answered_at, closed_at=h.closed_at,
                   rejection_reason=h.rejection_reason,
                   send_back_cause=h.send_back_cause, escalation_level=h.escalation_level,
                   ladder=[step.to_dict() for step in h.ola.steps] if h.ola else None,
                   allowed_transitions=h.moves_for(view.sides),
                   notes=[HandoffNoteOut.of(n, view.author_names) for n in view.notes])
