"""Request bodies of handoffs, OLAs and tiered escalation, and the turnaround report."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from hubdesk.api.calendar_schemas import CalendarFormIn
from hubdesk.api.schemas import NOT_BLANK, Id, Strict, _describe_storable_text
from hubdesk.domain.handoff_ladders import MAX_AFTER_MINUTES, MAX_PERCENT, MAX_STEPS, Notify
from hubdesk.domain.handoffs import (
    MAX_NOTE_LENGTH,
    MAX_OLA_MINUTES,
    MAX_REASON_LENGTH,
    MAX_REQUEST_LENGTH,
    HandoffStatus,
    Ola,
    SendBackCause,
)
from hubdesk.services.handoff_reports import HandoffReport


def _text(limit: int, description: str) -> Any:
    return Field(min_length=1, max_length=limit, description=description,
                 json_schema_extra={"pattern": NOT_BLANK})


class HandoffIn(Strict):
    department_id: Id = Field(description="the department the work is handed to")
    request: str = _text(MAX_REQUEST_LENGTH, "what the department is asked to do")
    blocking: StrictBool = Field(default=False, description="the ticket cannot be solved "
                                 "while this handoff awaits the department")
    assignee_id: Id | None = Field(default=None, description="a member of the department")


class HandoffNoteIn(Strict):
    body: str = _text(MAX_NOTE_LENGTH, "a note in the handoff's own thread")


def _transition_rules(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """What the body alone decides, stated in its schema: an answer or a rejection carries its
    text, and only a move back to in_progress may carry a cause (whether that move is a
    send-back, which needs one, depends on the handoff's status: said by a 422)."""
    _describe_storable_text(schema, model)
    schema["allOf"] = [
        {"if": {"properties": {"status": {"enum": ["answered", "rejected"]}},
                "required": ["status"]},
         "then": {"required": ["text"], "properties": {"text": {"type": "string"}}}},
        {"if": {"properties": {"status": {"not": {"const": "in_progress"}}},
                "required": ["status"]},
         "then": {"properties": {"cause": {"type": "null"}}}},
    ]


class HandoffTransitionIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_transition_rules)

    status: HandoffStatus
    text: str | None = Field(default=None, min_length=1, max_length=MAX_NOTE_LENGTH,
                             json_schema_extra={"pattern": NOT_BLANK},
                             description="the answer (to answered) or the reason (to "
                                         "rejected); required for those two")
    cause: SendBackCause | None = Field(
        default=None, description="why an answer is sent back (answered to in_progress), "
        "required then and only then: incomplete_request (charged to the originating team), "
        "department_error (to the department), waiting_on_customer (to neither)")


class HandoffAssigneeIn(Strict):
    assignee_id: Id | None = Field(description="a member of the department; null releases it")


class TierEscalationIn(Strict):
    reason: str = _text(MAX_REASON_LENGTH, "why the ticket needs the next tier")
    team_id: Id | None = Field(default=None,
                               description="a team that works the next tier, if any")


class TierDeescalationIn(Strict):
    reason: str = _text(MAX_REASON_LENGTH, "why the ticket goes back down a tier")


_LADDER = ("the escalation ladder: steps such as {\"at_percent\": 75, \"notify\": "
           "[\"assignee\"]} (percent of the OLA's time used; 100: the deadline) or "
           "{\"after_deadline_minutes\": 240, \"notify\": [\"coordinators\"]} (business "
           "minutes past it); notify: " + ", ".join(n.value for n in Notify))


class OlaStepIn(Strict):
    """One step: at a share of the OLA's time, or minutes past its deadline (one of them)."""

    at_percent: int | None = Field(default=None, ge=1, le=MAX_PERCENT,
                                   description="percent of the OLA's time used; 100: the "
                                               "deadline")
    after_deadline_minutes: int | None = Field(default=None, ge=0, le=MAX_AFTER_MINUTES,
                                               description="business minutes past the "
                                                           "deadline")
    # checked by the domain, so a wrong name is refused naming the step's `notify`
    notify: list[Annotated[str, Field(json_schema_extra={"enum": [n.value for n in Notify]})]] \
        = Field(min_length=1, description="whom the step tells")

    def form(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class OlaIn(Strict):
    target_minutes: int = Field(ge=1, le=MAX_OLA_MINUTES,
                                description="business minutes to answer a handoff")
    calendar: CalendarFormIn | None = Field(
        default=None, description="the department's business calendar in its plain form; "
                                  "null: round the clock")
    lead_id: Id | None = Field(default=None, description="the department's lead, an active "
                                                         "agent")
    coordinator_after_minutes: int = Field(
        default=240, ge=0, le=MAX_AFTER_MINUTES,
        description="on the default ladder: business minutes past the deadline before the "
                    "coordinators are told")
    ladder: list[OlaStepIn] | None = Field(
        default=None, max_length=MAX_STEPS,
        description=_LADDER + ". Null: the default ladder (the assignee at "
        "75 %, the department lead at 100 %, the coordinators coordinator_after_minutes "
        "past the deadline). Each step fires once per handoff; open handoffs keep the "
        "ladder they were opened with")


class OlaOut(BaseModel):
    department_id: int
    target_minutes: int
    calendar: dict[str, Any] | None
    lead_id: int | None
    coordinator_after_minutes: int
    ladder: list[dict[str, Any]] = Field(description="the ladder its handoffs climb, in "
                                                     "order (the default one spelt out)")
    default_ladder: bool = Field(description="no ladder of its own: the default one")

    @classmethod
    def of(cls, department_id: int, ola: Ola) -> OlaOut:
        return cls(department_id=department_id, default_ladder=ola.ladder is None,
                   **ola.to_dict())


class DepartmentTurnaroundOut(BaseModel):
    department_id: int
    department_name: str
    handoffs: int
    finished: int = Field(description="answered, done or rejected")
    median_seconds: int | None = Field(description="business time from opening to the "
                                       "first answer")
    p90_seconds: int | None
    overdue_share: float = Field(ge=0, le=1)
    rejected_share: float = Field(ge=0, le=1)
    waiting_on_requester_seconds: int = Field(
        description="business time answers waited on the ticket's side")
    rework_seconds: int = Field(description="business time worked again after send-backs "
                                "for incomplete requests (caused by others)")
    waiting_on_customer_seconds: int = Field(
        description="business time worked again after send-backs awaiting the customer "
                    "(caused by others)")
    own_rework_seconds: int = Field(
        description="business time worked again after send-backs for its own errors")
    sent_back: int = Field(description="answers sent back, whatever the cause")
    sent_back_for_errors: int = Field(description="answers sent back for its own errors")


class OriginReworkOut(BaseModel):
    team_id: int | None = Field(description="the team of the ticket handed off from; null: "
                                "tickets without a team")
    team_name: str
    handoffs: int
    rejected: int = Field(description="requests the department refused as sent")
    sent_back: int = Field(description="answers sent back because its request was "
                                       "incomplete (or before causes were recorded)")
    waiting_on_team_seconds: int
    rework_seconds: int


class HandoffReportOut(BaseModel):
    since: datetime
    until: datetime
    departments: list[DepartmentTurnaroundOut]
    origins: list[OriginReworkOut] = Field(
        description="per originating team, the rework and waiting it caused")
    bottleneck_department_id: int | None = Field(
        description="the department with the longest p90 turnaround (then the most overdue)")

    @classmethod
    def of(cls, result: HandoffReport) -> HandoffReportOut:
        bottleneck = result.report.bottleneck
        return cls(since=result.since, until=result.until, departments=[
            DepartmentTurnaroundOut(
                department_id=row.department_id,
                department_name=result.department_names.get(row.department_id, ""),
                handoffs=row.handoffs, finished=row.finished,
                median_seconds=int(row.median.total_seconds()) if row.median else None,
                p90_seconds=int(row.p90.total_seconds()) if row.p90 else None,
                overdue_share=row.overdue_share, rejected_share=row.rejected_share,
                waiting_on_requester_seconds=_seconds(row.waiting_on_requester),
                rework_seconds=_seconds(row.rework),
                waiting_on_customer_seconds=_seconds(row.waiting_on_customer),
                own_rework_seconds=_seconds(row.own_rework), sent_back=row.sent_back,
                sent_back_for_errors=row.sent_back_for_errors)
            for row in result.report.departments],
            origins=[OriginReworkOut(
                team_id=origin.team_id,
                team_name=result.team_names.get(origin.team_id, "")
                if origin.team_id is not None else "",
                handoffs=origin.handoffs, rejected=origin.rejected,
                sent_back=origin.sent_back,
                waiting_on_team_seconds=_seconds(origin.waiting_on_team),
                rework_seconds=_seconds(origin.rework))
                for origin in result.report.origins],
            bottleneck_department_id=bottleneck.department_id if bottleneck else None)


def _seconds(span: timedelta) -> int:
    return int(span.total_seconds())
