"""Tiered escalation and de-escalation through the application, on both databases."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import Conflict, IllegalTransition, PermissionDenied, ValidationFailed
from hubdesk.services.tickets import TicketChanges
from tests import factories


@pytest.fixture
def desk(hub):
    front, second = factories.team(hub, "Front line"), factories.team(hub, "Second line")
    rep = factories.staff(hub, Role.REPRESENTATIVE, teams=(front,)).agent
    expert = factories.staff(hub, Role.REPRESENTATIVE, teams=(second,), tier=2).agent
    ticket = factories.ticket(hub, rep, team_id=front.id).ticket
    hub.app.tickets.assign(rep, ticket.id, rep.id)
    department = factories.department(hub)
    return {"app": hub.app, "front": front, "second": second, "rep": rep, "expert": expert,
            "ticket": ticket,
            "liaison": factories.staff(hub, Role.LIAISON, departments=(department,)).agent,
            "coordinator": factories.staff(hub, Role.COORDINATOR).agent}


def _kinds(desk):
    return [e.event for e in desk["app"].tickets.history(desk["coordinator"],
                                                         desk["ticket"].id)
            if e.event.kind.value in ("escalated", "deescalated")]


def test_escalating_moves_the_ticket_up_a_tier_and_keeps_one_conversation(hub, desk):
    app, ticket_id = desk["app"], desk["ticket"].id
    before = app.tickets.get(desk["rep"], ticket_id)
    assert before.tier == 1
    escalated = app.escalations.escalate(desk["rep"], ticket_id, "Needs a database fix",
                                         team_id=desk["second"].id)
    assert escalated.ticket.id == ticket_id
    assert escalated.tier == 2
    assert escalated.ticket.assignee_id is None  # routing or a coordinator picks the expert
    assert escalated.ticket.team_id == desk["second"].id
    [event] = _kinds(desk)
    assert event.changes == {"tier": (1, 2), "assignee_id": (desk["rep"].id, None),
                             "team_id": (desk["front"].id, desk["second"].id)}
    assert event.data["reason"] == "Needs a database fix"

    # the customer writes again: the same ticket, the whole conversation in it
    app.tickets.customer_wrote(ticket_id, "Any news?")
    seen = app.tickets.get(desk["expert"], ticket_id)
    assert [m.body for m in seen.messages] == [m.body for m in before.messages] + ["Any news?"]


def test_de_escalating_hands_the_ticket_back_to_its_previous_owner(hub, desk):
    app, ticket_id = desk["app"], desk["ticket"].id
    app.escalations.escalate(desk["rep"], ticket_id, "Needs a database fix",
                             team_id=desk["second"].id)
    app.tickets.assign(desk["expert"], ticket_id, desk["expert"].id)
    back = app.escalations.deescalate(desk["expert"], ticket_id, "Fixed; customer follow-up")
    assert back.tier == 1
    assert back.ticket.assignee_id == desk["rep"].id
    assert back.ticket.team_id == desk["front"].id
    escalated, deescalated = _kinds(desk)
    assert escalated.changes["tier"] == (1, 2)
    assert deescalated.changes == {"tier": (2, 1),
                                   "assignee_id": (desk["expert"].id, desk["rep"].id),
                                   "team_id": (desk["second"].id, desk["front"].id)}
    assert deescalated.actor.id == desk["expert"].id
    with pytest.raises(IllegalTransition):
        app.escalations.deescalate(desk["rep"], ticket_id, "again")


def test_escalation_needs_a_staffed_tier_a_reason_and_a_worker_of_the_ticket(hub, desk):
    app, ticket_id = desk["app"], desk["ticket"].id
    with pytest.raises(ValidationFailed) as no_reason:
        app.escalations.escalate(desk["rep"], ticket_id, "   ")
    assert no_reason.value.fields == {"reason": "required"}
    _put_in_the_liaisons_department(hub, desk)
    with pytest.raises(PermissionDenied):  # a liaison reads the ticket but does not move it
        app.escalations.escalate(desk["liaison"], ticket_id, "not mine to move")
    app.escalations.escalate(desk["rep"], ticket_id, "Needs tier two")
    with pytest.raises(Conflict, match="no active agent works tier 3"):
        app.escalations.escalate(desk["coordinator"], ticket_id, "Needs tier three")
    assert app.tickets.get(desk["coordinator"], ticket_id).tier == 2


def _put_in_the_liaisons_department(hub, desk):
    department_id = next(iter(desk["liaison"].department_ids))
    hub.app.tickets.update(desk["coordinator"], desk["ticket"].id, TicketChanges(
        frozenset({"department_id"}), department_id=department_id))
