"""Protecting agents and teaching triage: block a sender, escalate to security, correct a
verdict."""

from __future__ import annotations

from fastapi import APIRouter, Response

from hubdesk.api.deps import AgentDep, HubDep, PathId
from hubdesk.api.schemas import (
    BlockIn,
    CustomerOut,
    EscalationIn,
    TicketOut,
    VerdictFeedbackIn,
    problem_responses,
)
from hubdesk.services import feedback, safety

router = APIRouter(prefix="/api/v1", tags=["safety"],
                   responses=problem_responses(401, 403, 404, 409, 422))


@router.put("/customers/{customer_id}/block", response_model=CustomerOut)
def block_sender(customer_id: PathId, body: BlockIn, hub: HubDep,
                 agent: AgentDep) -> CustomerOut:
    """Keep the customer's future contacts but hold them out of every queue (solved at once,
    tagged blocked-sender). Roles allowed: HUBDESK_BLOCKING_ROLES."""
    return CustomerOut.of(safety.block_sender(hub.uows, agent, customer_id, body.reason,
                                              hub.intake.safety, ticket_id=body.ticket_id))


@router.delete("/customers/{customer_id}/block", response_model=CustomerOut)
def unblock_sender(customer_id: PathId, hub: HubDep, agent: AgentDep) -> CustomerOut:
    return CustomerOut.of(safety.unblock_sender(hub.uows, agent, customer_id,
                                                hub.intake.safety))


@router.post("/tickets/{ticket_id}/security-escalation", response_model=TicketOut)
def escalate_to_security(ticket_id: PathId, body: EscalationIn, hub: HubDep,
                         agent: AgentDep) -> TicketOut:
    """Urgent, tagged security, and handed to the security department
    (HUBDESK_SECURITY_DEPARTMENT) when the desk has one."""
    return TicketOut.of(safety.escalate_to_security(hub.uows, agent, ticket_id, body.reason,
                                                    hub.intake.safety))


@router.put("/tickets/{ticket_id}/messages/{message_id}/triage-feedback", status_code=204,
            response_class=Response)
def correct_verdict(ticket_id: PathId, message_id: PathId, body: VerdictFeedbackIn,
                    hub: HubDep, agent: AgentDep) -> Response:
    """Correct how triage read a customer's message; the desk's own anger and abuse models
    learn from these (`hubdesk triage learn-signals`)."""
    feedback.correct_verdict(hub.uows, agent, ticket_id, message_id, body.verdict, body.value)
    return Response(status_code=204)
