"""The rules endpoints: CRUD for administrators and managers, refusals as problem+json naming
the problem with nothing stored, dry runs and a ticket's rule history."""

from __future__ import annotations

from hubdesk.domain.agents import Role
from tests import factories

URGENT_REFUNDS = {
    "name": "Urgent refunds", "position": 5,
    "trigger": {"type": "event", "on": ["created"]},
    "conditions": {"all": [{"field": "ticket.subject", "op": "contains", "value": "refund"}]},
    "actions": [{"type": "set", "field": "priority", "value": "urgent"}],
}


def _problem(response, status=422):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


def test_an_administrator_creates_reads_replaces_and_deletes_a_rule(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    created = client.post("/api/v1/rules", headers=admin.headers, json=URGENT_REFUNDS)
    assert created.status_code == 201, created.text
    rule = created.json()
    assert rule["name"] == "Urgent refunds" and rule["enabled"] is True
    assert rule["conditions"]["all"][0]["value"] == "refund"
    path = f"/api/v1/rules/{rule['id']}"
    assert client.get(path, headers=admin.headers).json() == rule
    replaced = client.put(path, headers=admin.headers, json={
        **URGENT_REFUNDS, "enabled": False,
        "actions": [{"type": "set", "field": "team_id", "value": None}]})
    assert replaced.status_code == 200 and replaced.json()["enabled"] is False
    assert [r["id"] for r in client.get("/api/v1/rules", headers=admin.headers).json()] == \
        [rule["id"]]
    assert client.delete(path, headers=admin.headers).status_code == 204
    _problem(client.get(path, headers=admin.headers), 404)


def test_a_rule_fires_on_a_ticket_opened_through_the_api(hub, client):
    manager = factories.staff(hub, Role.MANAGER)
    assert client.post("/api/v1/rules", headers=manager.headers,
                       json=URGENT_REFUNDS).status_code == 201
    opened = client.post("/api/v1/tickets", headers=manager.headers, json={
        "subject": "I want a refund", "body": "It broke.",
        "requester": {"email": "ana@example.com"}}).json()
    assert opened["priority"] == "urgent"
    explained = client.get(f"/api/v1/tickets/{opened['number']}/rules",
                           headers=manager.headers).json()
    [fired] = explained["fired"]
    assert fired["kind"] == "rule_fired" and fired["data"]["rule"] == "Urgent refunds"
    assert fired["data"]["conditions"]["conditions"][0]["actual"] == "I want a refund"
    [verdict] = explained["verdicts"]
    assert verdict["would_fire"] is True and verdict["rule"] == "Urgent refunds"


def test_a_dry_run_says_which_rules_would_fire_and_why(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    client.post("/api/v1/rules", headers=admin.headers, json=URGENT_REFUNDS)
    ticket = factories.ticket(hub, admin.agent, subject="Where is my parcel").ticket
    answer = client.post("/api/v1/rules/dry-run", headers=admin.headers,
                         json={"ticket_id": ticket.id, "event": "created"})
    assert answer.status_code == 200
    [verdict] = answer.json()
    assert verdict["would_fire"] is False
    assert verdict["conditions"]["conditions"][0] == {
        "field": "ticket.subject", "op": "contains", "value": "refund",
        "actual": "Where is my parcel", "result": False}
    other = client.post("/api/v1/rules/dry-run", headers=admin.headers,
                        json={"ticket_id": ticket.id, "event": "updated"}).json()
    assert "not on updated" in other[0]["reason"]
    _problem(client.post("/api/v1/rules/dry-run", headers=admin.headers,
                         json={"ticket_id": 999_999}), 404)


def test_invalid_rules_are_refused_naming_the_problem_and_nothing_is_stored(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    bad_field = {**URGENT_REFUNDS, "conditions": {"all": [
        {"field": "ticket.mood", "op": "=", "value": "sad"}]}}
    problem = _problem(client.post("/api/v1/rules", headers=admin.headers, json=bad_field))
    assert any("conditions" in e["field"] for e in problem["errors"])
    wrong_op = {**URGENT_REFUNDS, "conditions": {"all": [
        {"field": "ticket.status", "op": "<", "value": "open"}]}}
    _problem(client.post("/api/v1/rules", headers=admin.headers, json=wrong_op))
    bad_value = {**URGENT_REFUNDS, "actions": [{"type": "set", "field": "priority",
                                                "value": "asap"}]}
    _problem(client.post("/api/v1/rules", headers=admin.headers, json=bad_value))
    missing_team = {**URGENT_REFUNDS, "actions": [{"type": "set", "field": "team_id",
                                                   "value": 4242}]}
    problem = _problem(client.post("/api/v1/rules", headers=admin.headers, json=missing_team))
    assert "unknown team 4242" in problem["detail"]
    placeholder = {**URGENT_REFUNDS, "actions": [{"type": "reply",
                                                  "body": "Hi {{customer.secret}}"}]}
    problem = _problem(client.post("/api/v1/rules", headers=admin.headers, json=placeholder))
    assert "unknown placeholder {{customer.secret}}" in problem["detail"]
    department = factories.department(hub)
    route = {"name": "Route", "trigger": {"type": "event", "on": ["updated"]},
             "conditions": {"all": [{"field": "ticket.tags", "op": "contains",
                                     "value": "billing"}]},
             "actions": [{"type": "set", "field": "department_id", "value": department.id}]}
    assert client.post("/api/v1/rules", headers=admin.headers, json=route).status_code == 201
    unroute = {"name": "Unroute", "trigger": {"type": "event", "on": ["updated"]},
               "conditions": {"all": [{"field": "ticket.department_id", "op": "changed"}]},
               "actions": [{"type": "set", "field": "department_id", "value": None}]}
    problem = _problem(client.post("/api/v1/rules", headers=admin.headers, json=unroute))
    assert "would loop" in problem["detail"] and "'Route'" in problem["detail"]
    assert [r["name"] for r in client.get("/api/v1/rules", headers=admin.headers).json()] == \
        ["Route"]


def test_agents_other_than_administrators_and_managers_are_refused(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    rule = client.post("/api/v1/rules", headers=admin.headers, json=URGENT_REFUNDS).json()
    lead = factories.staff(hub, Role.TEAM_LEAD)
    _problem(client.post("/api/v1/rules", headers=lead.headers, json=URGENT_REFUNDS), 403)
    _problem(client.get("/api/v1/rules", headers=lead.headers), 403)
    _problem(client.delete(f"/api/v1/rules/{rule['id']}", headers=lead.headers), 403)
    assert client.get(f"/api/v1/rules/{rule['id']}", headers=admin.headers).status_code == 200
