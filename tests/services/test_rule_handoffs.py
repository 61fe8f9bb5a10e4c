"""A rule's "hand off" action opens a real handoff, on both databases: once per request
still being worked, with the department's deadline, and a failure said on the ticket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from hubdesk.domain.agents import Role
from hubdesk.domain.events import ActorKind, EventKind
from hubdesk.domain.handoffs import HandoffStatus
from hubdesk.domain.tickets import Priority, Status
from hubdesk.services.handoffs import OlaInput
from hubdesk.services.tickets import NewTicket, TicketChanges
from hubdesk.store import tables
from tests import factories

# Monday 2026-03-02 09:00 in Berlin (08:00 UTC).
MONDAY_MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
BERLIN_OFFICE = {"timezone": "Europe/Berlin",
                 "hours": {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu",
                                                                 "fri")}}


@pytest.fixture
def desk(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    billing = factories.department(hub, "Billing")
    hub.app.handoffs.set_ola(admin, billing.id, OlaInput(target_minutes=120,
                                                         calendar=BERLIN_OFFICE))
    return {"app": hub.app, "admin": admin, "billing": billing}


def _rule(desk, on, note="Please check the invoice"):
    desk["app"].rules.create(desk["admin"], {
        "name": "Invoices go to Billing", "position": 0,
        "trigger": {"type": "event", "on": on},
        "conditions": {"field": "ticket.subject", "op": "contains", "value": "invoice"},
        "actions": [{"type": "handoff", "department_id": desk["billing"].id, "note": note}]})


def _open(desk, subject="Wrong invoice"):
    detail, _ = desk["app"].tickets.open(desk["admin"], NewTicket(
        subject=subject, body="I was charged twice.", requester_email="ana@example.com"),
        now=MONDAY_MORNING)
    return detail.ticket


def test_a_trigger_rule_opens_one_handoff_to_the_department_with_its_deadline(desk):
    _rule(desk, ["created"])
    ticket = _open(desk)
    [view] = desk["app"].handoffs.of_ticket(desk["admin"], ticket.id)
    handoff = view.handoff
    assert handoff.department_id == desk["billing"].id
    assert handoff.status is HandoffStatus.OPEN and handoff.request == "Please check the invoice"
    # Two business hours from 09:00 in Berlin: 11:00 Berlin, 10:00 UTC.
    assert handoff.due_at == MONDAY_MORNING + timedelta(hours=2)
    assert handoff.requested_by_id == desk["admin"].id  # the rule's author asked
    [opened] = [e.event for e in desk["app"].tickets.history(desk["admin"], ticket.id)
                if e.event.kind is EventKind.HANDOFF_OPENED]
    assert opened.actor.kind is ActorKind.SYSTEM and opened.data["handoff_id"] == handoff.id
    assert desk["app"].handoffs.of_ticket(desk["admin"], _open(desk, "Hello").id) == []


def test_a_rule_firing_again_while_its_handoff_is_worked_opens_no_second_one(desk):
    _rule(desk, ["created", "updated"])
    ticket = _open(desk)
    for priority in (Priority.HIGH, Priority.URGENT):
        desk["app"].tickets.update(desk["admin"], ticket.id, TicketChanges(
            fields_set=frozenset({"priority"}), priority=priority), now=MONDAY_MORNING)
    history = [e.event.kind for e in desk["app"].tickets.history(desk["admin"], ticket.id)]
    assert history.count(EventKind.HANDOFF_REQUESTED) == 3
    assert len(desk["app"].handoffs.of_ticket(desk["admin"], ticket.id)) == 1


def test_a_handoff_the_rule_cannot_open_is_said_on_the_ticket_and_the_change_stands(hub, desk):
    _rule(desk, ["created"])
    with hub.engine.begin() as connection:  # the rule's author has left
        connection.execute(update(tables.rules).values(created_by_id=None))
    ticket = _open(desk)
    assert desk["app"].handoffs.of_ticket(desk["admin"], ticket.id) == []
    detail = desk["app"].tickets.get(desk["admin"], ticket.id)
    [note] = [m for m in detail.messages if not m.public]
    assert note.body.startswith("The rule “Invoices go to Billing” could not hand this "
                                "ticket off to Billing: the rule's author no longer exists")
    [noted] = [e.event for e in desk["app"].tickets.history(desk["admin"], ticket.id)
               if e.event.kind is EventKind.NOTED]
    assert noted.data["handoff_failed"]["department_id"] == desk["billing"].id


def test_a_time_rule_hands_off_once_per_stay_however_often_the_sweep_runs(desk):
    app, admin = desk["app"], desk["admin"]
    app.rules.create(admin, {
        "name": "Stuck on hold", "trigger": {"type": "time", "status": "on_hold", "hours": 24},
        "actions": [{"type": "handoff", "department_id": desk["billing"].id}]})
    ticket = _open(desk, "Where is it")
    app.tickets.change_status(admin, ticket.id, Status.ON_HOLD, now=MONDAY_MORNING)
    later = MONDAY_MORNING + timedelta(hours=25)
    assert app.rules.run_automations(now=later).fired == 1
    assert app.rules.run_automations(now=later + timedelta(hours=1)).fired == 0
    [view] = app.handoffs.of_ticket(admin, ticket.id)
    assert view.handoff.request == "Handed off by the rule “Stuck on hold”."
    assert view.handoff.opened_at == later and view.handoff.due_at is not None
