"""Department handoffs, OLAs, tiered escalation and the turnaround report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from hubdesk.api.deps import AgentDep, AppDep, PathId, QueryId
from hubdesk.api.handoff_out import HandoffNoteOut, HandoffOut
from hubdesk.api.handoff_schemas import (
    HandoffAssigneeIn,
    HandoffIn,
    HandoffNoteIn,
    HandoffReportOut,
    HandoffTransitionIn,
    OlaIn,
    OlaOut,
    TierDeescalationIn,
    TierEscalationIn,
)
from hubdesk.api.report_window import Instant, report_window
from hubdesk.api.responses import model_response
from hubdesk.api.schemas import TicketOut, problem_responses
from hubdesk.domain.errors import NotFound, ValidationFailed
from hubdesk.domain.handoffs import HandoffStatus
from hubdesk.services.handoffs import NewHandoff, OlaInput

router = APIRouter(prefix="/api/v1", tags=["handoffs"],
                   responses=problem_responses(400, 401, 403, 404, 409, 422))

@router.post("/tickets/{ticket_id}/handoffs", status_code=201, response_model=HandoffOut)
def open_handoff(ticket_id: PathId, body: HandoffIn, app: AppDep, agent: AgentDep) -> Response:
    """Hand part of the ticket's work to a department; its deadline is the department's OLA."""
    view = app.handoffs.open(agent, ticket_id, NewHandoff(
        department_id=body.department_id, request=body.request, blocking=body.blocking,
        assignee_id=body.assignee_id))
    return model_response(HandoffOut.of(view), 201,
                          {"Location": f"/api/v1/handoffs/{view.handoff.id}"})


@router.get("/tickets/{ticket_id}/handoffs", response_model=list[HandoffOut])
def ticket_handoffs(ticket_id: PathId, app: AppDep, agent: AgentDep) -> list[HandoffOut]:
    """The ticket's handoffs the caller may see (a liaison: its own departments' only)."""
    return [HandoffOut.of(view) for view in app.handoffs.of_ticket(agent, ticket_id)]


@router.get("/handoffs", response_model=list[HandoffOut])
def department_queue(
    app: AppDep, agent: AgentDep, department: QueryId = None,
    status: Annotated[list[HandoffStatus] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[HandoffOut]:
    """A department's handoffs, the first due on top (those without a deadline last): the
    caller's own departments unless it oversees the desk."""
    views = app.handoffs.queue(agent, department_id=department, statuses=tuple(status or ()),
                               limit=limit)
    return [HandoffOut.of(view) for view in views]


@router.get("/handoffs/{handoff_id}", response_model=HandoffOut)
def get_handoff(handoff_id: PathId, app: AppDep, agent: AgentDep) -> HandoffOut:
    return HandoffOut.of(app.handoffs.get(agent, handoff_id))


@router.post("/handoffs/{handoff_id}/notes", status_code=201, response_model=HandoffNoteOut)
def add_note(handoff_id: PathId, body: HandoffNoteIn, app: AppDep,
             agent: AgentDep) -> HandoffNoteOut:
    note = app.handoffs.note(agent, handoff_id, body.body)
    return HandoffNoteOut.of(note, {agent.id: agent.name} if agent.id else {})


@router.post("/handoffs/{handoff_id}/transition", response_model=HandoffOut)
def transition(handoff_id: PathId, body: HandoffTransitionIn, app: AppDep,
               agent: AgentDep) -> HandoffOut:
    """Move the handoff: the department to in_progress, answered (with `text`, the answer)
    or rejected (with `text`, the reason); the ticket's side to done or back to
    in_progress (with `cause`, why it goes back)."""
    if body.status in (HandoffStatus.ANSWERED, HandoffStatus.REJECTED) and body.text is None:
        what = "the answer" if body.status is HandoffStatus.ANSWERED else "the reason"
        raise ValidationFailed(f"give {what} as text", {"text": "required"})
    return HandoffOut.of(app.handoffs.transition(agent, handoff_id, body.status, body.text,
                                                 cause=body.cause))


@router.put("/handoffs/{handoff_id}/assignee", response_model=HandoffOut)
def assign(handoff_id: PathId, body: HandoffAssigneeIn, app: AppDep,
           agent: AgentDep) -> HandoffOut:
    return HandoffOut.of(app.handoffs.assign(agent, handoff_id, body.assignee_id))


@router.post("/tickets/{ticket_id}/escalate", response_model=TicketOut)
def escalate(ticket_id: PathId, body: TierEscalationIn, app: AppDep,
             agent: AgentDep) -> TicketOut:
    """Move the ticket to the next support tier, unassigned so that an agent of that tier
    picks it up; the customer's conversation stays in this ticket."""
    return TicketOut.of(app.escalations.escalate(agent, ticket_id, body.reason,
                                                 team_id=body.team_id))


@router.post("/tickets/{ticket_id}/deescalate", response_model=TicketOut)
def deescalate(ticket_id: PathId, body: TierDeescalationIn, app: AppDep,
               agent: AgentDep) -> TicketOut:
    """Hand the ticket back down one tier, to the owner and team it had before."""
    return TicketOut.of(app.escalations.deescalate(agent, ticket_id, body.reason))


@router.get("/departments/{department_id}/ola", response_model=OlaOut)
def get_ola(department_id: PathId, app: AppDep, agent: AgentDep) -> OlaOut:
    ola = app.handoffs.ola(agent, department_id)
    if ola is None:
        raise NotFound(f"department {department_id} has no OLA: its handoffs have no deadline")
    return OlaOut.of(department_id, ola)


@router.put("/departments/{department_id}/ola", response_model=OlaOut)
def set_ola(department_id: PathId, body: OlaIn, app: AppDep, agent: AgentDep) -> OlaOut:
    """Set the department's OLA: its deadline, calendar, lead and escalation ladder
    (administrators). Open handoffs keep the deadline and ladder they were opened with."""
    ola = app.handoffs.set_ola(agent, department_id, OlaInput(
        target_minutes=body.target_minutes,
        calendar=None if body.calendar is None else body.calendar.form(),
        lead_id=body.lead_id,
        coordinator_after_minutes=body.coordinator_after_minutes,
        ladder=None if body.ladder is None else [step.form() for step in body.ladder]))
    assert ola is not None
    return OlaOut.of(department_id, ola)


@router.delete("/departments/{department_id}/ola", status_code=204)
def remove_ola(department_id: PathId, app: AppDep, agent: AgentDep) -> Response:
    """Remove the department's OLA: new handoffs have no deadline; open ones keep theirs."""
    app.handoffs.set_ola(agent, department_id, None)
    return Response(status_code=204)


@router.get("/reports/handoffs", response_model=HandoffReportOut,
            responses=problem_responses(429))
def handoff_report(app: AppDep, agent: AgentDep, since: Instant = None,
                   until: Instant = None) -> HandoffReportOut:
    """Turnaround per department of the handoffs opened in [since, until) (default: the last
    30 days up to now): median and p90 business time to the answer, overdue and rejected
    shares, and the bottleneck. Times need a UTC offset."""
    start, end = report_window(since, until, app.deps.clock())
    return HandoffReportOut.of(app.handoffs.report(agent, start, end))
