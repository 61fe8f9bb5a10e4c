"""/api/v1/sla/calendars/{id}/due and /elapsed, /api/v1/sla/policies/{id}/due: try a stored
business calendar, or a policy's targets on its calendar, before tickets depend on them
(managers and administrators, as for the calendars and policies themselves). A moment given
without an offset is read on the calendar's own clock (`domain/calendar_trial.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from pydantic import BaseModel

from hubdesk.api.deps import AgentDep, AppDep, PathId
from hubdesk.api.schemas import problem_responses
from hubdesk.domain.calendar_trial import MAX_TARGET, read_moment, target_of
from hubdesk.domain.sla import SlaTarget
from hubdesk.domain.tickets import Priority

# A thousandth of a minute (60 ms): a target shorter than a microsecond would be no time.
MIN_TARGET_MINUTES = 0.001

router = APIRouter(prefix="/api/v1/sla", tags=["sla"],
                   responses=problem_responses(400, 401, 403, 404, 422))

# Years 1900 to 2999 and a wall clock's values, so that a moment the description allows is
# one the calendar counts (a date that does not exist, 30 February, is still refused).
MOMENT_PATTERN = (r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
                  r"T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?"
                  r"(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?$")
Moment = Annotated[str, Query(pattern=MOMENT_PATTERN, examples=["2026-12-04T16:30"],
                              description="RFC 3339; without an offset, on the calendar's "
                                          "clock")]


class DeadlineOut(BaseModel):
    timezone: str
    start: datetime
    minutes: float
    counting_from: datetime
    due_at: datetime
    due_at_local: datetime


class TargetDueOut(BaseModel):
    target: SlaTarget
    minutes: int
    counting_from: datetime
    due_at: datetime
    due_at_local: datetime


class PolicyDueOut(BaseModel):
    policy_id: int
    priority: Priority
    timezone: str
    start: datetime
    targets: list[TargetDueOut]


class ElapsedOut(BaseModel):
    timezone: str
    start: datetime
    end: datetime
    business_seconds: float
    open_at_start: bool
    open_at_end: bool


@router.get("/calendars/{calendar_id}/due", response_model=DeadlineOut)
def calendar_due(calendar_id: PathId, app: AppDep, agent: AgentDep, start: Moment,
                 minutes: Annotated[float, Query(
                     ge=MIN_TARGET_MINUTES, le=MAX_TARGET.total_seconds() / 60,
                     description="the target in business minutes")]) -> DeadlineOut:
    """When a target of so many business minutes, started at ``start`` (a ticket's arrival),
    falls due on the calendar; ``counting_from`` is when its clock starts to run (the next
    opening, when the calendar is closed at ``start``)."""
    found = app.sla.calendar_deadline(agent, calendar_id, read_moment(start, "start"),
                                      target_of(minutes))
    return DeadlineOut(timezone=found.timezone, start=found.start, minutes=minutes,
                       counting_from=found.counting_from, due_at=found.due_at,
                       due_at_local=found.due_at.astimezone(ZoneInfo(found.timezone)))


@router.get("/calendars/{calendar_id}/elapsed", response_model=ElapsedOut)
def calendar_elapsed(calendar_id: PathId, app: AppDep, agent: AgentDep, start: Moment,
                     end: Moment) -> ElapsedOut:
    """The business time the calendar counts from ``start`` to ``end`` (not before it)."""
    found = app.sla.calendar_elapsed(agent, calendar_id, read_moment(start, "start"),
                                     read_moment(end, "end"))
    return ElapsedOut(timezone=found.timezone, start=found.start, end=found.end,
                      business_seconds=found.business.total_seconds(),
                      open_at_start=found.open_at_start, open_at_end=found.open_at_end)


@router.get("/policies/{policy_id}/due", response_model=PolicyDueOut)
def policy_due(policy_id: PathId, app: AppDep, agent: AgentDep, start: Moment,
               priority: Priority) -> PolicyDueOut:
    """When each target the policy sets for ``priority`` falls due for a ticket received at
    ``start``, on the policy's calendar (round the clock in UTC without one), as its clocks
    would count them before any pause; a next response counts from each customer message.
    A priority the policy sets no target for answers an empty list."""
    found = app.sla.policy_deadlines(agent, policy_id, priority, read_moment(start, "start"))
    zone = ZoneInfo(found.timezone)
    return PolicyDueOut(
        policy_id=policy_id, priority=priority, timezone=found.timezone, start=found.start,
        targets=[TargetDueOut(target=target, minutes=int(due.target.total_seconds() // 60),
                              counting_from=due.counting_from, due_at=due.due_at,
                              due_at_local=due.due_at.astimezone(zone))
                 for target, due in found.deadlines])
