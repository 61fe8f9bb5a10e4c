"""Ladders per target on both databases: the sweep climbs each clock's own target's ladder (a
resolution ladder that escalates does, a first-response ladder without the step does not),
fires each step once however often it runs, and a policy's changed ladders re-plan the
clocks already running."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.sla import SlaTarget
from hubdesk.services.sla_sweep import sweep_due
from hubdesk.services.tickets import ticket_events
from tests import factories
from tests.routing_desk import NOW, agent, configure, ticket

MINUTE = timedelta(minutes=1)
POLICY = {
    "name": "Per target", "calendar": {"timezone": "UTC", "always_open": True},
    "targets": {"normal": {"first_response": 30, "resolution": 60}},
    "ladder": [{"at_percent": 50, "actions": ["notify_assignee"]},
               {"at_percent": 100, "actions": ["notify_coordinators"]}],
    "ladders": {"resolution": [
        {"at_percent": 75, "actions": ["notify_assignee"]},
        {"at_percent": 100, "actions": ["escalate_tier", "notify_coordinators"]}]},
}


@pytest.fixture
def desk(hub):
    admin = configure(hub).agent
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    manager = factories.staff(hub, Role.MANAGER).agent
    policy = hub.app.sla.create_policy(manager, POLICY, now=NOW)
    return {"admin": admin, "coordinator": coordinator, "manager": manager,
            "policy": policy}


def _steps(hub, desk, ticket_id):
    return [(e.event.data["target"], e.event.data["at_percent"], e.event.data)
            for e in ticket_events(hub.uows, desk["admin"], ticket_id)
            if e.event.kind == "sla_step_reached"]


def test_only_the_target_whose_ladder_escalates_escalates_and_each_step_fires_once(hub, desk):
    front = agent(hub, desk["coordinator"], {"billing": 5})
    expert = agent(hub, desk["coordinator"], {"billing": 3}, tier=2)
    opened = ticket(hub, desk["coordinator"])
    ticket_id = opened.ticket.id
    assert opened.ticket.assignee_id == front.agent.id

    first = sweep_due(hub.uows, NOW + 31 * MINUTE)
    again = sweep_due(hub.uows, NOW + 31 * MINUTE)
    assert (first.steps_fired, first.breaches, again.steps_fired) == (2, 1, 0)
    # the first response breached on the default ladder, which does not escalate
    assert hub.app.tickets.get(desk["admin"], ticket_id).tier == 1
    assert [(target, percent) for target, percent, _ in _steps(hub, desk, ticket_id)] == [
        ("first_response", 50), ("first_response", 100)]

    breach = sweep_due(hub.uows, NOW + 61 * MINUTE)
    later = sweep_due(hub.uows, NOW + 70 * MINUTE)
    assert (breach.steps_fired, breach.breaches, later.steps_fired) == (2, 1, 0)
    detail = hub.app.tickets.get(desk["admin"], ticket_id)
    assert detail.tier == 2 and detail.ticket.assignee_id == expert.agent.id
    resolution = [(percent, data) for target, percent, data in _steps(hub, desk, ticket_id)
                  if target == "resolution"]
    assert [percent for percent, _ in resolution] == [75, 100]
    assert resolution[0][1]["actions"] == ["notify_assignee"]
    assert resolution[1][1]["escalation"] == "escalated"
    assert resolution[1][1]["notify_agent_ids"] == [desk["coordinator"].id]
    escalations = [e.event for e in ticket_events(hub.uows, desk["admin"], ticket_id)
                   if e.event.kind == "escalated"]
    assert len(escalations) == 1
    cause = escalations[0].data["sla_cause"]
    # the step counts the resolution ladder's steps, not the default ladder's
    assert (cause["target"], cause["step"], cause["at_percent"]) == ("resolution", 2, 100)


def test_changing_a_target_s_ladder_replans_the_running_clock(hub, desk):
    agent(hub, desk["coordinator"], {"billing": 5})
    opened = ticket(hub, desk["coordinator"])

    def due():
        with hub.uows(write=False) as uow:
            return {c.target: c.next_due_at for c in uow.sla.clocks(opened.ticket.id)}

    assert due() == {SlaTarget.FIRST_RESPONSE: NOW + 15 * MINUTE,
                     SlaTarget.RESOLUTION: NOW + 45 * MINUTE}
    hub.app.sla.update_policy(desk["manager"], desk["policy"].id, {**POLICY, "ladders": {
        "resolution": [{"at_percent": 20, "actions": ["notify_assignee"]}]}},
        now=NOW + 5 * MINUTE)
    assert due() == {SlaTarget.FIRST_RESPONSE: NOW + 15 * MINUTE,
                     SlaTarget.RESOLUTION: NOW + 12 * MINUTE}
    fired = sweep_due(hub.uows, NOW + 13 * MINUTE)
    assert fired.steps_fired == 1
    assert [(t, p) for t, p, _ in _steps(hub, desk, opened.ticket.id)] == [("resolution", 20)]
    # taking the target's own ladder away puts it back on the default one
    hub.app.sla.update_policy(desk["manager"], desk["policy"].id,
                              {k: v for k, v in POLICY.items() if k != "ladders"},
                              now=NOW + 14 * MINUTE)
    assert due()[SlaTarget.RESOLUTION] == NOW + 30 * MINUTE  # the default ladder's 50 %
