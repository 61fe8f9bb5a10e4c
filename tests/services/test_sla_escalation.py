"""An SLA ladder's "escalate to the next tier" step, on both databases: the sweep escalates
the ticket as a person's escalation does (the old agent's units back, routing gives it to an
agent of the next tier, the ownership kept), once however often it runs and however many
clocks breach together, and says why when it cannot."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from hubdesk.domain.agents import Role
from hubdesk.domain.events import ActorKind
from hubdesk.server import create_app
from hubdesk.services.sla_sweep import sweep_due
from hubdesk.services.tickets import add_customer_message, add_message, ticket_events
from tests import factories
from tests.routing_desk import NOW, agent, configure, ticket
from tests.web.pages import sign_in

MINUTE = timedelta(minutes=1)
ESCALATING = [{"at_percent": 75, "actions": ["notify_assignee"]},
              {"at_percent": 100, "actions": ["escalate_tier", "notify_coordinators"]}]


@pytest.fixture
def desk(hub):
    admin = configure(hub).agent
    coordinator_staff = factories.staff(hub, Role.COORDINATOR, with_password=True)
    coordinator = coordinator_staff.agent
    manager = factories.staff(hub, Role.MANAGER).agent
    hub.app.sla.create_policy(manager, {
        "name": "Around the clock", "calendar": {"timezone": "UTC", "always_open": True},
        "targets": {"normal": {"first_response": 30, "next_response": 30,
                               "resolution": 30}},
        "ladder": ESCALATING}, now=NOW)
    return {"admin": admin, "coordinator": coordinator, "manager": manager,
            "coordinator_staff": coordinator_staff}


def _load(hub, person):
    with hub.uows(write=False) as uow:
        return uow.routing.load(person.agent.id)[0]


def _events(hub, desk, ticket_id, kind):
    return [e.event for e in ticket_events(hub.uows, desk["admin"], ticket_id)
            if e.event.kind == kind]


def test_a_breach_escalates_the_ticket_to_the_next_tier_once(hub, desk):
    front = agent(hub, desk["coordinator"], {"billing": 5})
    expert = agent(hub, desk["coordinator"], {"billing": 3}, tier=2)
    opened = ticket(hub, desk["coordinator"])
    assert opened.ticket.assignee_id == front.agent.id and _load(hub, front) == 1

    warned = sweep_due(hub.uows, NOW + 25 * MINUTE)
    assert warned.steps_fired == 2  # 75 % of first response and of resolution: no escalation
    assert hub.app.tickets.get(desk["admin"], opened.ticket.id).tier == 1

    first = sweep_due(hub.uows, NOW + 31 * MINUTE)
    again = sweep_due(hub.uows, NOW + 40 * MINUTE)
    assert (first.steps_fired, first.breaches, again.steps_fired) == (2, 2, 0)

    detail = hub.app.tickets.get(desk["admin"], opened.ticket.id)
    assert detail.tier == 2  # both clocks breached together, one escalation
    assert detail.ticket.assignee_id == expert.agent.id  # routing chose the tier-2 agent
    assert (_load(hub, front), _load(hub, expert)) == (0, 1)
    [escalated] = _events(hub, desk, opened.ticket.id, "escalated")
    assert escalated.actor.kind is ActorKind.SYSTEM
    assert escalated.changes["assignee_id"] == (front.agent.id, None)
    assert escalated.data["tier"] == 2 and escalated.data["target"] in ("first_response",
                                                                        "resolution")
    assert "Around the clock" in escalated.data["reason"]
    breaches = [e.data for e in _events(hub, desk, opened.ticket.id, "sla_step_reached")
                if e.data["at_percent"] == 100]
    assert sorted(d["escalation"] for d in breaches) == [
        "already escalated since this target's time began", "escalated"]
    assert [d["escalated_to_tier"] for d in breaches if d["escalation"] == "escalated"] == [2]
    assert all(d["notify_agent_ids"] == [desk["coordinator"].id] for d in breaches)
    with hub.uows(write=False) as uow:
        [step] = uow.handoffs.tier_steps(opened.ticket.id)
    # the ownership it replaced is kept, so de-escalating can hand it back; nobody is named
    # as having escalated: the policy's ladder did, at its second step
    assert (step.previous_assignee_id, step.escalated_by_id) == (front.agent.id, None)
    assert step.sla_cause is not None
    assert (step.sla_cause.policy_name, step.sla_cause.step, step.sla_cause.at_percent) == (
        "Around the clock", 2, 100)
    assert escalated.data["sla_cause"]["policy_name"] == "Around the clock"


def test_an_sla_escalation_names_the_policy_not_a_person_everywhere(hub, desk):
    agent(hub, desk["coordinator"], {"billing": 5})
    agent(hub, desk["coordinator"], {"billing": 3}, tier=2)
    opened = ticket(hub, desk["coordinator"])
    sweep_due(hub.uows, NOW + 31 * MINUTE)
    ticket_id = opened.ticket.id
    manager_name = desk["manager"].name
    with TestClient(create_app(hub), raise_server_exceptions=False) as client:
        body = client.get(f"/api/v1/tickets/{ticket_id}",
                          headers=desk["coordinator_staff"].headers).json()
        escalation = body["escalation"]
        assert escalation["tier"] == 2 and escalation["escalated_by_id"] is None
        assert escalation["escalated_by_name"] is None
        assert escalation["escalated_by_sla"]["policy_name"] == "Around the clock"
        assert escalation["escalated_by_sla"]["step"] == 2
        assert escalation["escalated_by"].startswith("the SLA policy 'Around the clock' "
                                                     "(step 2: ")
        sign_in(client, desk["coordinator"])
        page = client.get(f"/tickets/{ticket_id}").text
    [said] = re.findall(r'<span class="muted escalated-by">([^<]*)</span>', page)
    assert said.startswith("escalated by the SLA policy &#39;Around the clock&#39; (step 2: ")
    start = page.index('<ol class="history">')
    history = page[start:page.index("</ol>", start)]
    assert "<strong>The SLA policy &#39;Around the clock&#39; (step 2: " in history
    assert manager_name not in said and manager_name not in history


def test_a_person_s_escalation_names_the_person(hub, desk):
    front = agent(hub, desk["coordinator"], {"billing": 5})
    agent(hub, desk["coordinator"], {"billing": 3}, tier=2)
    opened = ticket(hub, desk["coordinator"])
    hub.app.escalations.escalate(front.agent, opened.ticket.id, "Needs an expert",
                                 now=NOW + 10 * MINUTE)
    with TestClient(create_app(hub), raise_server_exceptions=False) as client:
        escalation = client.get(f"/api/v1/tickets/{opened.ticket.id}",
                                headers=desk["coordinator_staff"].headers).json()["escalation"]
    assert escalation["escalated_by_id"] == front.agent.id
    assert escalation["escalated_by_name"] == front.agent.name
    assert escalation["escalated_by_sla"] is None
    assert escalation["escalated_by"] == front.agent.name


def test_a_new_cycle_that_breaches_again_climbs_one_more_tier(hub, desk):
    agent(hub, desk["coordinator"], {"billing": 5})
    expert = agent(hub, desk["coordinator"], {"billing": 3}, tier=2)
    senior = agent(hub, desk["coordinator"], {"billing": 3}, tier=3)
    opened = ticket(hub, desk["coordinator"])
    sweep_due(hub.uows, NOW + 31 * MINUTE)
    assert hub.app.tickets.get(desk["admin"], opened.ticket.id).ticket.assignee_id \
        == expert.agent.id
    add_message(hub.uows, expert.agent, opened.ticket.id, "Looking into it",
                now=NOW + 32 * MINUTE)
    add_customer_message(hub.uows, opened.ticket.id, "Any news?", now=NOW + 33 * MINUTE)
    sweep_due(hub.uows, NOW + 64 * MINUTE)  # the next response, unanswered for 31 minutes
    detail = hub.app.tickets.get(desk["admin"], opened.ticket.id)
    assert detail.tier == 3 and detail.ticket.assignee_id == senior.agent.id
    assert len(_events(hub, desk, opened.ticket.id, "escalated")) == 2


def test_without_an_agent_of_the_next_tier_the_step_says_why_and_nothing_moves(hub, desk):
    front = agent(hub, desk["coordinator"], {"billing": 5})
    opened = ticket(hub, desk["coordinator"])
    result = sweep_due(hub.uows, NOW + 31 * MINUTE)
    assert result.breaches == 2
    detail = hub.app.tickets.get(desk["admin"], opened.ticket.id)
    assert detail.tier == 1 and detail.ticket.assignee_id == front.agent.id
    assert _load(hub, front) == 1
    assert _events(hub, desk, opened.ticket.id, "escalated") == []
    reasons = {e.data["escalation"] for e in _events(hub, desk, opened.ticket.id,
                                                       "sla_step_reached")
               if e.data["at_percent"] == 100}
    assert reasons == {"refused: no active agent works tier 2: the ticket is at the highest "
                       "staffed tier; give an agent that tier first"}


def test_an_escalation_by_a_person_in_this_cycle_is_not_repeated_by_the_ladder(hub, desk):
    front = agent(hub, desk["coordinator"], {"billing": 5})
    expert = agent(hub, desk["coordinator"], {"billing": 3}, tier=2)
    agent(hub, desk["coordinator"], {"billing": 3}, tier=3)
    opened = ticket(hub, desk["coordinator"])
    hub.app.escalations.escalate(front.agent, opened.ticket.id, "Needs an expert",
                                 now=NOW + 10 * MINUTE)
    sweep_due(hub.uows, NOW + 31 * MINUTE)
    detail = hub.app.tickets.get(desk["admin"], opened.ticket.id)
    assert detail.tier == 2 and detail.ticket.assignee_id == expert.agent.id
    assert len(_events(hub, desk, opened.ticket.id, "escalated")) == 1
