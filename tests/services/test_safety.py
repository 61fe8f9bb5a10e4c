"""Blocking abusive senders and escalating to security, on both databases."""

from __future__ import annotations

import dataclasses

import pytest

from hubdesk.bootstrap import assemble, build_intake_tools
from hubdesk.domain.agents import Role
from hubdesk.domain.errors import NotFound, PermissionDenied, ValidationFailed
from hubdesk.domain.safety import BLOCKED_SENDER_TAG, SECURITY_TAG
from hubdesk.domain.tickets import Priority, Status
from hubdesk.services.directory import get_customer
from hubdesk.services.safety import block_sender, escalate_to_security, unblock_sender
from hubdesk.services.tickets import (
    NewTicket,
    add_customer_message,
    change_status,
    get_ticket,
    list_tickets,
    open_ticket,
    ticket_events,
)
from hubdesk.services.views import TicketFilter
from tests import factories

SENDER = "angry.sender@example.com"


@pytest.fixture
def desk(hub):
    team = factories.team(hub)
    return {
        "team": team,
        "rep": factories.staff(hub, Role.REPRESENTATIVE, teams=(team,)).agent,
        "coordinator": factories.staff(hub, Role.COORDINATOR).agent,
    }


def _contact(hub, agent, body="Where is my order?", email=SENDER, tools=None):
    return open_ticket(hub.uows, agent, NewTicket(subject="Order", body=body,
                                                  requester_email=email),
                       tools=tools or hub.intake)[0]


def test_a_blocked_senders_contacts_are_kept_but_held_out_of_every_queue(hub, desk):
    first = _contact(hub, desk["rep"])
    customer_id = first.requester.id
    blocked = block_sender(hub.uows, desk["coordinator"], customer_id, "  insults staff  ",
                           hub.intake.safety, ticket_id=first.ticket.id)
    assert blocked.blocked is not None and blocked.blocked.reason == "insults staff"
    assert get_customer(hub.uows, desk["coordinator"], customer_id).blocked is not None
    assert "sender_blocked" in [e.event.kind for e in
                                ticket_events(hub.uows, desk["coordinator"], first.ticket.id)]

    held = _contact(hub, desk["rep"], body="You again. Answer me now.")
    ticket = held.ticket
    assert ticket.status is Status.SOLVED and BLOCKED_SENDER_TAG in ticket.tags
    assert ticket.team_id is None
    stored = get_ticket(hub.uows, desk["coordinator"], ticket.id)
    assert stored.messages[0].body == "You again. Answer me now."  # kept, never dropped
    queue = list_tickets(hub.uows, desk["coordinator"],
                         TicketFilter(status=(Status.NEW, Status.OPEN)))
    assert ticket.id not in [row.id for row in queue.rows]
    kinds = [e.event.kind for e in ticket_events(hub.uows, desk["coordinator"], ticket.id)]
    assert kinds[:3] == ["created", "held_blocked_sender", "status_changed"]


def test_a_blocked_sender_cannot_wake_a_solved_ticket(hub, desk):
    detail = _contact(hub, desk["rep"])
    change_status(hub.uows, desk["coordinator"], detail.ticket.id, Status.SOLVED)
    block_sender(hub.uows, desk["coordinator"], detail.requester.id, "threats",
                 hub.intake.safety)
    add_customer_message(hub.uows, detail.ticket.id, "Reopen this or else")
    after = get_ticket(hub.uows, desk["coordinator"], detail.ticket.id)
    assert after.ticket.status is Status.SOLVED
    assert after.messages[-1].body == "Reopen this or else"

    unblock_sender(hub.uows, desk["coordinator"], detail.requester.id, hub.intake.safety)
    add_customer_message(hub.uows, detail.ticket.id, "Sorry about earlier, still no parcel")
    assert get_ticket(hub.uows, desk["coordinator"],
                      detail.ticket.id).ticket.status is Status.OPEN
    assert _contact(hub, desk["rep"]).ticket.status is Status.NEW


def test_only_the_policys_roles_may_block_and_a_reason_is_required(hub, desk):
    customer_id = _contact(hub, desk["rep"]).requester.id
    with pytest.raises(PermissionDenied):
        block_sender(hub.uows, desk["rep"], customer_id, "rude", hub.intake.safety)
    with pytest.raises(ValidationFailed):
        block_sender(hub.uows, desk["coordinator"], customer_id, "   ", hub.intake.safety)
    with pytest.raises(NotFound):
        block_sender(hub.uows, desk["coordinator"], 999_999, "rude", hub.intake.safety)
    leads_may = dataclasses.replace(hub.intake.safety,
                                    blocking_roles=frozenset({Role.TEAM_LEAD}))
    lead = factories.staff(hub, Role.TEAM_LEAD, teams=(desk["team"],)).agent
    assert block_sender(hub.uows, lead, customer_id, "rude", leads_may).blocked is not None
    assert get_customer(hub.uows, desk["coordinator"], customer_id).blocked is not None


def test_a_refused_block_changes_nothing(hub, desk):
    detail = _contact(hub, desk["rep"])
    other = _contact(hub, desk["rep"], email="someone.else@example.com")
    with pytest.raises(ValidationFailed):  # the ticket named is another customer's
        block_sender(hub.uows, desk["coordinator"], detail.requester.id, "rude",
                     hub.intake.safety, ticket_id=other.ticket.id)
    assert get_customer(hub.uows, desk["coordinator"], detail.requester.id).blocked is None


def test_any_agent_who_works_a_ticket_can_escalate_it_to_security(hub, desk):
    security = factories.department(hub, "Security")
    detail = _contact(hub, desk["rep"])
    escalated = escalate_to_security(hub.uows, desk["rep"], detail.ticket.id,
                                     "he says he knows where I live", hub.intake.safety)
    ticket = escalated.ticket
    assert ticket.priority is Priority.URGENT and SECURITY_TAG in ticket.tags
    assert ticket.department_id == security.id
    event = ticket_events(hub.uows, desk["rep"], detail.ticket.id)[-1].event
    assert event.kind == "security_escalated" and event.data["automatic"] is False


def test_escalation_without_a_security_department_still_marks_the_ticket(hub, desk):
    detail = _contact(hub, desk["rep"])
    ticket = escalate_to_security(hub.uows, desk["coordinator"], detail.ticket.id, "threat",
                                  hub.intake.safety).ticket
    assert ticket.priority is Priority.URGENT and ticket.department_id is None
    outsider = factories.staff(hub, Role.REPRESENTATIVE, teams=(factories.team(hub),)).agent
    with pytest.raises(NotFound):
        escalate_to_security(hub.uows, outsider, detail.ticket.id, "x", hub.intake.safety)


def test_a_threat_escalates_itself_on_arrival_per_the_policy(hub, desk):
    security = factories.department(hub, "security")  # names compare without case
    tools = build_intake_tools(hub.settings)
    threat = "Fix my account today. I know where you live and I will find you."
    ticket = _contact(hub, desk["rep"], body=threat, tools=tools).ticket
    assert SECURITY_TAG in ticket.tags and ticket.priority is Priority.URGENT
    assert ticket.department_id == security.id
    event = next(e.event for e in ticket_events(hub.uows, desk["coordinator"], ticket.id)
             if e.event.kind == "security_escalated")
    assert event.data["automatic"] is True

    calm = _contact(hub, desk["rep"], body="Where is my parcel? It is late.", tools=tools)
    assert SECURITY_TAG not in calm.ticket.tags
    # The policy is bound into the on-arrival handler when the hub is wired.
    relaxed_tools = dataclasses.replace(tools, safety=dataclasses.replace(
        tools.safety, escalate_threats=False))
    relaxed = assemble(hub.settings, hub.engine, intake=relaxed_tools)
    assert SECURITY_TAG not in _contact(relaxed, desk["rep"], body=threat).ticket.tags


def test_a_threat_in_a_reply_escalates_the_ticket(hub, desk):
    tools = build_intake_tools(hub.settings)
    detail = _contact(hub, desk["rep"], tools=tools)
    add_customer_message(hub.uows, detail.ticket.id, "You will regret this. Watch your back.",
                         tools=tools)
    ticket = get_ticket(hub.uows, desk["coordinator"], detail.ticket.id).ticket
    assert SECURITY_TAG in ticket.tags and ticket.priority is Priority.URGENT


def test_a_blocked_sender_still_cannot_write_on_a_closed_ticket(hub, desk):
    from hubdesk.domain.errors import IllegalTransition

    detail = _contact(hub, desk["rep"])
    change_status(hub.uows, desk["coordinator"], detail.ticket.id, Status.SOLVED)
    change_status(hub.uows, desk["coordinator"], detail.ticket.id, Status.CLOSED)
    block_sender(hub.uows, desk["coordinator"], detail.requester.id, "spam",
                 hub.intake.safety)
    with pytest.raises(IllegalTransition):
        add_customer_message(hub.uows, detail.ticket.id, "hello?")
    assert len(get_ticket(hub.uows, desk["coordinator"], detail.ticket.id).messages) == 1
