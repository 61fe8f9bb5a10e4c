"""The routing API on both databases: configuration, profiles and their validation, presence,
the team board, why a ticket went where it went, pull mode and locks."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from hubdesk.bootstrap import assemble
from hubdesk.domain.agents import Role
from hubdesk.server import create_app
from tests import factories

CONFIG = {"known_skills": ["billing", "returns"],
          "categories": [{"name": "billing", "skills": {"billing": 3}}],
          "relaxation": [{"kind": "lower_proficiency", "after_s": 900},
                         {"kind": "skills_by_tier", "after_s": 300, "value": 2}]}


@pytest.fixture
def admin(hub):
    return factories.staff(hub, Role.ADMIN)


@pytest.fixture
def coordinator(hub):
    return factories.staff(hub, Role.COORDINATOR)


def _configure(client, admin):
    answer = client.put("/api/v1/routing/config", json=CONFIG, headers=admin.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_config_is_read_back_as_written_with_defaults_and_steps_in_order(client, admin,
                                                                            coordinator):
    assert client.get("/api/v1/routing/config",
                      headers=coordinator.headers).json()["known_skills"]
    written = _configure(client, admin)
    assert written["categories"] == [{"name": "billing", "skills": {"billing": 3}, "tier": 1}]
    assert [s["after_s"] for s in written["relaxation"]] == [300, 900]
    assert written["channel_costs"]["phone"] == 10
    assert client.get("/api/v1/routing/config", headers=coordinator.headers).json() == written


def test_only_an_administrator_changes_the_config(client, coordinator):
    answer = client.put("/api/v1/routing/config", json=CONFIG, headers=coordinator.headers)
    assert answer.status_code == 403


def test_a_category_needing_an_unknown_skill_is_refused_naming_it(client, admin):
    body = {**CONFIG, "categories": [{"name": "x", "skills": {"plumbing": 2}}]}
    answer = client.put("/api/v1/routing/config", json=body, headers=admin.headers)
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert error == {"field": "categories.x.skills", "message": "unknown skill plumbing"}


def _profile(client, who, agent_id, **body):
    return client.put(f"/api/v1/agents/{agent_id}/routing-profile",
                      json={"skills": {"billing": 4}, **body}, headers=who.headers)


def test_profiles_are_validated_field_by_field(hub, client, admin, coordinator):
    _configure(client, admin)
    rep = factories.staff(hub)
    unknown = _profile(client, coordinator, rep.agent.id, skills={"plumbing": 3})
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [{"field": "skills", "message": "unknown skill plumbing"}]
    assert "capacity" in str(_profile(client, coordinator, rep.agent.id, capacity=-1).json())
    assert _profile(client, coordinator, rep.agent.id, capacity=-1).status_code == 422
    empty = client.put(f"/api/v1/agents/{rep.agent.id}/routing-profile", json={"skills": {}},
                       headers=coordinator.headers)
    assert empty.status_code == 422 and "skills" in str(empty.json()["errors"])
    shift = _profile(client, coordinator, rep.agent.id,
                     shift={"starts_at": "2026-03-02T08:00:00Z", "hours": 20})
    assert shift.status_code == 422 and "hours" in str(shift.json()["errors"])
    assert _profile(client, rep, rep.agent.id).status_code == 403


def test_presence_profile_board_routing_and_pull(hub, client, admin, coordinator):
    _configure(client, admin)
    rep = factories.staff(hub)
    made = _profile(client, coordinator, rep.agent.id, capacity=5, languages=["en"],
                    channel_costs={"api": 2},
                    shift={"starts_at": "2026-03-02T08:00:00Z", "hours": 8})
    assert made.status_code == 200, made.text
    assert made.json()["presence"] == "offline" and made.json()["shift_ends_at"].startswith(
        "2026-03-02T16:00")
    # Opened while the agent is offline: it waits.
    ticket = client.post("/api/v1/tickets", headers=coordinator.headers, json={
        "subject": "Invoice", "body": "Charged twice", "category": "billing",
        "requester": {"email": "pay@example.com"}}).json()
    assert ticket["assignee_id"] is None
    routing = client.get(f"/api/v1/tickets/{ticket['id']}/routing",
                         headers=coordinator.headers).json()
    assert routing["state"]["state"] == "waiting", routing["state"]["reason"]
    assert routing["decisions"][0]["decision"]["agent_id"] is None
    # The shift (8–16 on 2 March 2026) is over by now: the agent is excluded, not chosen.
    online = client.put(f"/api/v1/agents/{rep.agent.id}/presence",
                        json={"presence": "online"}, headers=rep.headers)
    assert online.status_code == 200 and online.json()["presence"] == "online"
    assert client.post("/api/v1/routing/next", headers=rep.headers).status_code == 204
    # Without the shift the agent is available: the waiting ticket is offered at once.
    _profile(client, coordinator, rep.agent.id, clear_shift=True)
    given = client.get(f"/api/v1/tickets/{ticket['id']}", headers=coordinator.headers)
    assert given.json()["assignee_id"] == rep.agent.id
    board = client.get("/api/v1/routing/agents", headers=coordinator.headers).json()
    assert [(a["agent_id"], a["load"], a["capacity"]) for a in board] == [(rep.agent.id, 2, 5)]
    assert client.get("/api/v1/routing/agents", headers=rep.headers).status_code == 403
    newest = client.get(f"/api/v1/tickets/{ticket['id']}/routing",
                        headers=coordinator.headers).json()["decisions"][0]
    assert newest["mode"] == "offer" and newest["agent_id"] == rep.agent.id


def test_an_agent_pulls_the_next_ticket_on_a_desk_that_does_not_push(hub, admin, coordinator):
    pull_only = assemble(hub.settings.model_copy(update={"routing_enabled": False}),
                         hub.engine)
    with TestClient(create_app(pull_only), raise_server_exceptions=False) as client:
        _configure(client, admin)
        rep = factories.staff(hub)
        assert _profile(client, coordinator, rep.agent.id, capacity=5, languages=["en"],
                        channel_costs={"api": 2}).status_code == 200
        online = client.put(f"/api/v1/agents/{rep.agent.id}/presence",
                            json={"presence": "online"}, headers=rep.headers)
        assert online.status_code == 200
        ticket = client.post("/api/v1/tickets", headers=coordinator.headers, json={
            "subject": "Invoice", "body": "Charged twice", "category": "billing",
            "requester": {"email": "pay@example.com"}}).json()
        assert ticket["assignee_id"] is None  # nothing is pushed
        pulled = client.post("/api/v1/routing/next", headers=rep.headers)
        assert pulled.status_code == 200 and pulled.json()["id"] == ticket["id"]
        assert pulled.json()["assignee_id"] == rep.agent.id
        board = client.get("/api/v1/routing/agents", headers=coordinator.headers).json()
        assert [(a["agent_id"], a["load"]) for a in board] == [(rep.agent.id, 2)]
        newest = client.get(f"/api/v1/tickets/{ticket['id']}/routing",
                            headers=coordinator.headers).json()["decisions"][0]
        assert newest["mode"] == "pull" and newest["agent_id"] == rep.agent.id
        assert client.post("/api/v1/routing/next", headers=rep.headers).status_code == 204


def test_a_coordinator_locks_an_assignment(hub, client, admin, coordinator):
    ticket = factories.ticket(hub, coordinator.agent)
    answer = client.put(f"/api/v1/tickets/{ticket.ticket.id}/routing/lock",
                        json={"locked": True}, headers=coordinator.headers)
    assert answer.status_code == 200 and answer.json()["locked"] is True
    rep = factories.staff(hub)
    assert client.put(f"/api/v1/tickets/{ticket.ticket.id}/routing/lock",
                      json={"locked": False}, headers=rep.headers).status_code in (403, 404)
    routed = client.post(f"/api/v1/tickets/{ticket.ticket.id}/routing",
                         headers=coordinator.headers)
    assert routed.status_code == 200 and routed.json() == {
        "routed": False, "agent_id": None, "decision": None}


def test_setting_someone_elses_presence_is_for_coordinators(hub, client, coordinator):
    rep = factories.staff(hub)
    other = factories.staff(hub)
    answer = client.put(f"/api/v1/agents/{other.agent.id}/presence",
                        json={"presence": "online"}, headers=rep.headers)
    assert answer.status_code == 403
    missing = client.put(f"/api/v1/agents/{other.agent.id}/presence",
                         json={"presence": "online"}, headers=coordinator.headers)
    assert missing.status_code == 404 and "routing profile" in missing.json()["detail"]


def test_a_coordinator_records_whom_a_customer_will_not_be_served_by(hub, client, admin,
                                                                     coordinator):
    _configure(client, admin)
    rep = factories.staff(hub)
    opened = client.post("/api/v1/tickets", headers=coordinator.headers, json={
        "subject": "Invoice", "body": "Charged twice", "category": "billing",
        "requester": {"email": "once@example.com"}}).json()
    customer = opened["requester"]["id"]
    path = f"/api/v1/customers/{customer}/excluded-agents"
    body = {"agent_id": rep.agent.id, "reason": "Asked for someone else"}
    assert client.post(path, json=body, headers=rep.headers).status_code == 403
    created = client.post(path, json=body, headers=coordinator.headers)
    assert created.status_code == 201, created.text
    assert created.json()["agent_name"] == rep.agent.name
    assert created.json()["moved"] == []  # the agent held none of the customer's tickets
    assert client.post(path, json=body, headers=coordinator.headers).status_code == 409
    unknown = client.post(path, json={**body, "agent_id": 999_999},
                          headers=coordinator.headers)
    assert unknown.status_code == 422 and unknown.json()["errors"] == [
        {"field": "agent_id", "message": "unknown"}]
    [listed] = client.get(path, headers=coordinator.headers).json()
    assert (listed["agent_id"], listed["reason"]) == (rep.agent.id, "Asked for someone else")

    removed = client.delete(f"{path}/{rep.agent.id}", headers=coordinator.headers)
    assert removed.status_code == 204
    assert client.get(path, headers=coordinator.headers).json() == []
    assert client.delete(f"{path}/{rep.agent.id}",
                         headers=coordinator.headers).status_code == 404
