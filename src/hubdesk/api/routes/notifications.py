"""/api/v1/notifications: the caller's own notices (SLA warnings, rules' notices, handoff
answers, changes to their schedule), latest first, and marking them read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from hubdesk.api.deps import AgentDep, AppDep, PathId
from hubdesk.api.schemas import problem_responses
from hubdesk.domain.notifications import MAX_LISTED, Notification

router = APIRouter(prefix="/api/v1", tags=["notifications"],
                   responses=problem_responses(400, 401, 404, 422))


class NotificationOut(BaseModel):
    id: int
    ticket_id: int | None
    kind: str = Field(description="sla_step, rule, handoff or schedule")
    text: str
    created_at: datetime
    updated_at: datetime = Field(description="when the latest notice folded into it came "
                                             "(the list's order); created_at if none was")
    count: int = Field(description="how many notices it folds: SLA notices about one ticket "
                                   "within a window are one")
    read_at: datetime | None

    @classmethod
    def of(cls, notification: Notification) -> NotificationOut:
        assert notification.id is not None
        return cls(id=notification.id, ticket_id=notification.ticket_id,
                   kind=notification.kind.value, text=notification.text,
                   created_at=notification.created_at, updated_at=notification.last_at,
                   count=notification.count, read_at=notification.read_at)


class NotificationsOut(BaseModel):
    unread: int = Field(description="how many of the caller's notifications are unread")
    items: list[NotificationOut]


class MarkedOut(BaseModel):
    marked: int = Field(description="how many unread notifications were marked read")


@router.get("/notifications", response_model=NotificationsOut)
def list_notifications(app: AppDep, agent: AgentDep,
                       unread: Annotated[bool, Query(description="only the unread ones")]
                       = False,
                       limit: Annotated[int, Query(ge=1, le=MAX_LISTED)] = 50
                       ) -> NotificationsOut:
    """The caller's notifications, newest first."""
    items = app.notifications.list(agent, unread_only=unread, limit=limit)
    return NotificationsOut(unread=app.notifications.unread_count(agent),
                            items=[NotificationOut.of(n) for n in items])


@router.post("/notifications/{notification_id}/read", status_code=204,
             response_class=Response)
def mark_read(notification_id: PathId, app: AppDep, agent: AgentDep) -> Response:
    """Mark one of the caller's notifications read (another agent's: 404)."""
    app.notifications.mark_read(agent, notification_id)
    return Response(status_code=204)


@router.post("/notifications/read-all", response_model=MarkedOut)
def mark_all_read(app: AppDep, agent: AgentDep) -> MarkedOut:
    """Mark every unread notification of the caller read."""
    return MarkedOut(marked=app.notifications.mark_all_read(agent))
