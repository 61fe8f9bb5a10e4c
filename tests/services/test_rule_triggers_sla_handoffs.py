"""Rules triggered by an SLA step reached and by a handoff completed, end to end on both
databases: the sweep's step and the ticket side's acceptance of a department's answer set
off the rules named on them, in the same transaction, each firing in the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.events import EventKind
from hubdesk.services.handoffs import NewHandoff
from hubdesk.services.sla_sweep import sweep_due
from hubdesk.services.tickets import NewTicket
from tests import factories

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def admin(hub):
    return factories.staff(hub, Role.ADMIN).agent


def _rule(name, on, actions):
    return {"name": name, "trigger": {"type": "event", "on": on}, "actions": actions}


def _open(hub, agent, team_id=None):
    detail, _ = hub.app.tickets.open(agent, NewTicket(
        subject="Parcel never arrived", body="Where is my order?",
        requester_email="ana@example.com", team_id=team_id), now=T0)
    return detail.ticket


def _events(hub, agent, ticket_id, kind):
    return [e.event for e in hub.app.tickets.history(agent, ticket_id) if e.event.kind is kind]


def test_a_rule_on_an_sla_step_fires_when_the_sweep_reaches_it_and_only_then(hub, admin):
    hub.app.sla.create_policy(admin, {
        "name": "Fast", "targets": {"normal": {"first_response": 60}},
        "ladder": [{"at_percent": 50, "actions": ["notify_assignee"]}]}, now=T0)
    hub.app.rules.create(admin, _rule("Flag warned tickets", ["sla_step_reached"],
                                      [{"type": "add_tags", "tags": ["sla-warned"]}]))
    ticket = _open(hub, admin)
    assert sweep_due(hub.uows, T0 + 20 * MINUTE).steps_fired == 0
    assert _events(hub, admin, ticket.id, EventKind.RULE_FIRED) == []

    assert sweep_due(hub.uows, T0 + 31 * MINUTE).steps_fired == 1
    assert sweep_due(hub.uows, T0 + 40 * MINUTE).steps_fired == 0
    assert hub.app.tickets.get(admin, ticket.id).ticket.tags == ("sla-warned",)
    [fired] = _events(hub, admin, ticket.id, EventKind.RULE_FIRED)
    assert fired.data["rule"] == "Flag warned tickets"
    assert fired.data["trigger"] == "sla_step_reached"
    assert fired.data["applied"] == [{"type": "add_tags", "tags": ["sla-warned"]}]
    kinds = [e.event.kind for e in hub.app.tickets.history(admin, ticket.id)]
    step = kinds.index(EventKind.SLA_STEP_REACHED)
    assert kinds[step + 1:step + 3] == [EventKind.RULE_FIRED, EventKind.UPDATED]


def test_a_rule_on_a_completed_handoff_fires_when_its_answer_is_accepted(hub, admin):
    billing = factories.department(hub, "Billing")
    liaison = factories.staff(hub, Role.LIAISON, departments=(billing,)).agent
    team = factories.team(hub)
    rep = factories.staff(hub, Role.REPRESENTATIVE, teams=(team,)).agent
    hub.app.rules.create(admin, _rule(
        "Back from billing", ["handoff_done"],
        [{"type": "add_tags", "tags": ["billing-done"]},
         {"type": "set", "field": "priority", "value": "high"}]))
    ticket = _open(hub, rep, team.id)
    handoff = hub.app.handoffs.open(rep, ticket.id, NewHandoff(
        department_id=billing.id, request="Was the refund sent?"), now=T0).handoff
    hub.app.handoffs.answer(liaison, handoff.id, "Refunded on 1 March", now=T0 + MINUTE)
    assert _events(hub, admin, ticket.id, EventKind.RULE_FIRED) == []  # answered, not done

    hub.app.handoffs.done(rep, handoff.id, now=T0 + 2 * MINUTE)
    stored = hub.app.tickets.get(admin, ticket.id).ticket
    assert stored.tags == ("billing-done",) and stored.priority.value == "high"
    [fired] = _events(hub, admin, ticket.id, EventKind.RULE_FIRED)
    assert fired.data["trigger"] == "handoff_done" and fired.data["rule"] == "Back from billing"
    assert len(fired.data["applied"]) == 2 and fired.data["skipped"] == []
