"""Protecting agents and teaching triage: block a sender, escalate to security, correct a
verdict."""

from __future__ import annotations

from fastapi import APIRouter, Response

from hubdesk.api.deps import AgentDep, AppDep, PathId
from hubdesk.api.schemas import (
    BlockIn,
    CustomerOut,
    EscalationIn,
    TicketOut,
    VerdictFeedbackIn,
    problem_responses,
)

router = APIRouter(prefix="/api/v1", tags=["safety"],
                   responses=problem_responses(400, 401, 403, 404, 409, 422))


@router.put("/customers/{customer_id}/block", response_model=CustomerOut)
def block_sender(customer_id: PathId, body: BlockIn, app: AppDep,
                 agent: AgentDep) -> CustomerOut:
    """Keep the customer's future contacts but hold them out of every queue (solved at once,
    tagged blocked-sender). Roles allowed: HUBDESK_BLOCKING_ROLES."""
    return CustomerOut.of(app.safety.block_sender(agent, customer_id, body.reason,
                                                  ticket_id=body.ticket_id))


@router.delete("/customers/{customer_id}/block", response_model=CustomerOut)
def unblock_sender(customer_id: PathId, app: AppDep, agent: AgentDep) -> CustomerOut:
    return CustomerOut.of(app.safety.unblock_sender(agent, customer_id))


@router.post("/tickets/{ticket_id}/security-escalation", response_model=TicketOut)
def escalate_to_security(ticket_id: PathId, body: EscalationIn, app: AppDep,
                         agent: AgentDep) -> TicketOut:
    """Urgent, tagged security, and handed to the security department
    (HUBDESK_SECURITY_DEPARTMENT) when the desk has one."""
    return TicketOut.of(app.safety.escalate(agent, ticket_id, body.reason))


@router.put("/tickets/{ticket_id}/messages/{message_id}/triage-feedback", status_code=204,
            response_class=Response)
def correct_verdict(ticket_id: PathId, message_id: PathId, body: VerdictFeedbackIn,
                    app: AppDep, agent: AgentDep) -> Response:
    """Correct how triage read a customer's message; the desk's own anger and abuse models
    learn from these (`hubdesk triage learn-signals`)."""
    app.triage.correct(agent, ticket_id, message_id, body.verdict, body.value)
    return Response(status_code=204)
