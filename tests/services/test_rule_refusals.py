"""An action the ticket refuses is skipped and reported, never failing the change, on both
databases: a blocking handoff refuses solving, whether a time rule or an event rule asks, and
the rest of the rule, the other tickets of the sweep and the person's own change go on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import IllegalTransition
from hubdesk.domain.events import EventKind
from hubdesk.domain.macros import Macro
from hubdesk.domain.tickets import Status
from hubdesk.services.handoffs import NewHandoff
from hubdesk.services.tickets import NewTicket, TicketChanges
from tests import factories

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def desk(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    billing = factories.department(hub, "Billing")
    return hub.app, admin, billing


def _open(app, admin, subject, at=T0):
    detail, _ = app.tickets.open(admin, NewTicket(
        subject=subject, body="Where is my refund?", requester_email="ana@example.com"), now=at)
    return detail.ticket


def _block(app, admin, billing, ticket_id):
    return app.handoffs.open(admin, ticket_id, NewHandoff(
        department_id=billing.id, request="Was the refund sent?", blocking=True),
        now=T0).handoff


def _fired(app, admin, ticket_id):
    return [e.event for e in app.tickets.history(admin, ticket_id)
            if e.event.kind is EventKind.RULE_FIRED]


def _solve_after_an_hour(app, admin):
    app.rules.create(admin, {
        "name": "Solve quiet tickets", "trigger": {"type": "time", "status": "pending",
                                                   "hours": 1},
        "actions": [{"type": "set", "field": "status", "value": "solved"},
                    {"type": "add_tags", "tags": ["auto-solved"]}]})


def test_a_time_rule_skips_solving_a_blocked_ticket_and_the_sweep_goes_on(desk):
    app, admin, billing = desk
    _solve_after_an_hour(app, admin)
    blocked = _open(app, admin, "Blocked")
    _block(app, admin, billing, blocked.id)
    free = _open(app, admin, "Free")
    # The blocked ticket entered pending first, so the sweep meets it first.
    app.tickets.change_status(admin, blocked.id, Status.PENDING, now=T0)
    app.tickets.change_status(admin, free.id, Status.PENDING, now=T0 + timedelta(minutes=1))

    result = app.rules.run_automations(now=T0 + 2 * HOUR)

    assert (result.candidates, result.fired) == (2, 2)
    assert app.tickets.get(admin, free.id).ticket.status is Status.SOLVED
    kept = app.tickets.get(admin, blocked.id).ticket
    assert kept.status is Status.PENDING and kept.tags == ("auto-solved",)
    [fired] = _fired(app, admin, blocked.id)
    [skipped] = fired.data["skipped"]
    assert skipped["type"] == "set" and skipped["value"] == "solved"
    assert "blocking handoff" in skipped["reason"]
    assert fired.data["applied"] == [{"type": "add_tags", "tags": ["auto-solved"]}]
    assert EventKind.STATUS_CHANGED not in [
        e.event.kind for e in app.tickets.history(admin, blocked.id)
        if e.event.at > T0 + HOUR]
    # Fired once for this stay in pending: later sweeps neither retry nor fail on it.
    assert app.rules.run_automations(now=T0 + 3 * HOUR).fired == 0


def test_an_event_rule_skips_solving_a_blocked_ticket_and_the_agents_change_commits(desk):
    app, admin, billing = desk
    app.rules.create(admin, {
        "name": "Done means solved", "trigger": {"type": "event", "on": ["updated"]},
        "conditions": {"field": "ticket.tags", "op": "contains", "value": "done"},
        "actions": [{"type": "set", "field": "status", "value": "solved"},
                    {"type": "set", "field": "priority", "value": "low"}]})
    ticket = _open(app, admin, "Blocked")
    _block(app, admin, billing, ticket.id)

    app.tickets.update(admin, ticket.id, TicketChanges(fields_set=frozenset({"tags"}),
                                                       tags=("done",)), now=T0 + HOUR)

    stored = app.tickets.get(admin, ticket.id).ticket
    assert stored.tags == ("done",) and stored.status is not Status.SOLVED
    assert stored.priority.value == "low"  # the rule's other action stands
    [fired] = _fired(app, admin, ticket.id)
    [skipped] = fired.data["skipped"]
    assert skipped["value"] == "solved" and "blocking handoff" in skipped["reason"]


def test_a_macro_that_would_solve_a_blocked_ticket_is_skipped_whole(desk):
    app, admin, billing = desk
    macro = app.macros.create(admin, Macro(None, "Refund sent", "Your refund is on its way.",
                                           then_status=Status.SOLVED, add_tags=("refunded",)),
                              now=T0)
    app.rules.create(admin, {
        "name": "Refund done", "trigger": {"type": "event", "on": ["updated"]},
        "conditions": {"field": "ticket.tags", "op": "contains", "value": "refund-sent"},
        "actions": [{"type": "macro", "macro_id": macro.id}]})
    ticket = _open(app, admin, "Blocked")
    _block(app, admin, billing, ticket.id)

    app.tickets.update(admin, ticket.id, TicketChanges(fields_set=frozenset({"tags"}),
                                                       tags=("refund-sent",)), now=T0 + HOUR)

    detail = app.tickets.get(admin, ticket.id)
    assert detail.ticket.tags == ("refund-sent",) and detail.ticket.status is not Status.SOLVED
    assert not any(m.body == "Your refund is on its way." for m in detail.messages)
    [fired] = _fired(app, admin, ticket.id)
    assert "blocking handoff" in fired.data["skipped"][0]["reason"]


def test_a_refusal_no_check_foresaw_rolls_that_ticket_back_whole_and_the_sweep_goes_on(hub,
                                                                                      desk):
    app, admin, _ = desk
    _solve_after_an_hour(app, admin)
    frozen = _open(app, admin, "Frozen")
    free = _open(app, admin, "Free")
    for ticket in (frozen, free):
        app.tickets.change_status(admin, ticket.id, Status.PENDING, now=T0)

    def refuse_frozen(event, context):  # a capability refusing in the change's transaction
        if context.ticket.id == frozen.id:
            raise IllegalTransition("this ticket is frozen")

    hub.bus.on(EventKind.UPDATED, refuse_frozen)
    assert app.rules.run_automations(now=T0 + 2 * HOUR).fired == 1
    kept = app.tickets.get(admin, frozen.id).ticket
    assert kept.status is Status.PENDING and kept.tags == ()
    assert _fired(app, admin, frozen.id) == []
    assert app.tickets.get(admin, free.id).ticket.status is Status.SOLVED
