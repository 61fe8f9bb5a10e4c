"""The rules endpoints: CRUD for administrators and managers, refusals as problem+json naming
the problem with nothing stored, dry runs and a ticket's rule history."""

from __future__ import annotations

from hubdesk.domain.agents import Role
from hubdesk.domain.tickets import Status
from hubdesk.services.tickets import change_status
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


def _updated_at(hub, rule_id):
    from sqlalchemy import select

    from hubdesk.store import tables

    with hub.engine.connect() as connection:
        return connection.execute(select(tables.rules.c.updated_at).where(
            tables.rules.c.id == rule_id)).scalar_one()


def test_a_rule_is_switched_off_and_on_by_its_own_endpoints_idempotently(hub, client):
    manager = factories.staff(hub, Role.MANAGER)
    rule = client.post("/api/v1/rules", headers=manager.headers, json=URGENT_REFUNDS).json()
    path = f"/api/v1/rules/{rule['id']}"
    created_at = _updated_at(hub, rule["id"])
    off = client.post(f"{path}/disable", headers=manager.headers)
    assert off.status_code == 200 and off.json() == {**rule, "enabled": False}
    switched_at = _updated_at(hub, rule["id"])
    assert switched_at > created_at  # recorded as a change of the rule
    again = client.post(f"{path}/disable", headers=manager.headers)
    assert again.status_code == 200 and again.json()["enabled"] is False
    assert _updated_at(hub, rule["id"]) == switched_at  # nothing to change, nothing written
    opened = client.post("/api/v1/tickets", headers=manager.headers, json={
        "subject": "A refund", "body": "Please", "requester": {"email": "b@example.com"}})
    assert opened.json()["priority"] != "urgent"  # off: it does not fire
    on = client.post(f"{path}/enable", headers=manager.headers)
    assert on.status_code == 200 and on.json() == rule
    assert client.post(f"{path}/enable", headers=manager.headers).json() == rule
    assert client.get(path, headers=manager.headers).json()["enabled"] is True
    _problem(client.post("/api/v1/rules/999999/enable", headers=manager.headers), 404)
    lead = factories.staff(hub, Role.TEAM_LEAD)
    _problem(client.post(f"{path}/disable", headers=lead.headers), 403)
    assert client.get(path, headers=manager.headers).json()["enabled"] is True


def test_switching_a_rule_on_that_would_loop_is_refused_and_it_stays_off(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    department = factories.department(hub)
    route = {"name": "Route", "trigger": {"type": "event", "on": ["updated"]},
             "conditions": {"all": [{"field": "ticket.tags", "op": "contains",
                                     "value": "billing"}]},
             "actions": [{"type": "set", "field": "department_id", "value": department.id}]}
    unroute = {"name": "Unroute", "enabled": False,
               "trigger": {"type": "event", "on": ["updated"]},
               "conditions": {"all": [{"field": "ticket.department_id", "op": "changed"}]},
               "actions": [{"type": "set", "field": "department_id", "value": None}]}
    assert client.post("/api/v1/rules", headers=admin.headers, json=route).status_code == 201
    off = client.post("/api/v1/rules", headers=admin.headers, json=unroute).json()
    problem = _problem(client.post(f"/api/v1/rules/{off['id']}/enable", headers=admin.headers))
    assert "would loop" in problem["detail"]
    assert client.get(f"/api/v1/rules/{off['id']}",
                      headers=admin.headers).json()["enabled"] is False


def test_an_unsaved_rule_is_tried_on_recent_tickets_and_nothing_is_stored(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    refund = factories.ticket(hub, admin.agent, subject="Refund for order 7").ticket
    parcel = factories.ticket(hub, admin.agent, subject="Where is my parcel").ticket
    answer = client.post("/api/v1/rules/dry-run", headers=admin.headers,
                         json={**URGENT_REFUNDS, "enabled": False})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["tried"], body["matched"]) == (2, 1)
    assert body["rule"]["name"] == "Urgent refunds" and body["rule"]["id"] is None
    by_id = {t["ticket_id"]: t for t in body["tickets"]}
    assert by_id[refund.id]["would_fire"] is True
    assert by_id[refund.id]["changes"] == {"priority": ["normal", "urgent"]}
    assert by_id[refund.id]["applied"] == [{"type": "set", "field": "priority",
                                            "value": "urgent"}]
    assert by_id[parcel.id]["would_fire"] is False and by_id[parcel.id]["changes"] == {}
    assert by_id[parcel.id]["conditions"]["conditions"][0]["actual"] == "Where is my parcel"
    # nothing stored: no rule, and the ticket kept its priority and history
    assert client.get("/api/v1/rules", headers=admin.headers).json() == []
    ticket = client.get(f"/api/v1/tickets/{refund.id}", headers=admin.headers).json()
    assert ticket["priority"] == "normal"
    kinds = [e["kind"] for e in client.get(f"/api/v1/tickets/{refund.id}/events",
                                           headers=admin.headers).json()]
    assert "rule_fired" not in kinds


def test_an_unsaved_rule_is_validated_as_saving_it_would_be(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    bad_field = {**URGENT_REFUNDS, "conditions": {"all": [
        {"field": "ticket.mood", "op": "=", "value": "sad"}]}}
    problem = _problem(client.post("/api/v1/rules/dry-run", headers=admin.headers,
                                   json=bad_field))
    assert any("conditions" in e["field"] for e in problem["errors"])
    no_name = {k: v for k, v in URGENT_REFUNDS.items() if k != "name"}
    problem = _problem(client.post("/api/v1/rules/dry-run", headers=admin.headers,
                                   json=no_name))
    assert [e["field"] for e in problem["errors"]] == ["name"]
    missing_team = {**URGENT_REFUNDS, "actions": [{"type": "set", "field": "team_id",
                                                   "value": 4242}]}
    problem = _problem(client.post("/api/v1/rules/dry-run", headers=admin.headers,
                                   json=missing_team))
    assert "unknown team 4242" in problem["detail"]
    lead = factories.staff(hub, Role.TEAM_LEAD)
    _problem(client.post("/api/v1/rules/dry-run", headers=lead.headers,
                         json=URGENT_REFUNDS), 403)


def test_a_rule_applies_a_stored_macro_named_by_id_and_a_dry_run_names_it(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    macro = client.post("/api/v1/macros", headers=admin.headers, json={
        "name": "Acknowledge",
        "body": "Thanks {{customer.first_name}}, we have #{{ticket.number}}.",
        "add_tags": ["acknowledged"]})
    assert macro.status_code == 201, macro.text
    macro_id = macro.json()["id"]
    body = {"name": "Acknowledge new tickets", "trigger": {"type": "event", "on": ["created"]},
            "actions": [{"type": "macro", "macro_id": macro_id}]}
    unknown = _problem(client.post("/api/v1/rules", headers=admin.headers, json={
        **body, "actions": [{"type": "macro", "macro_id": macro_id + 50}]}))
    assert [e["field"] for e in unknown["errors"]] == ["actions[0]"]
    assert unknown["errors"][0]["message"] == f"unknown macro {macro_id + 50}"
    no_id = _problem(client.post("/api/v1/rules", headers=admin.headers, json={
        **body, "actions": [{"type": "macro"}]}))
    assert any("macro_id" in e["field"] for e in no_id["errors"])
    assert client.get("/api/v1/rules", headers=admin.headers).json() == []

    rule = client.post("/api/v1/rules", headers=admin.headers, json=body)
    assert rule.status_code == 201 and rule.json()["actions"] == body["actions"]
    ticket = client.post("/api/v1/tickets", headers=admin.headers, json={
        "subject": "Hello", "body": "Anyone there?",
        "requester": {"email": "rosa@example.com", "name": "Rosa Diaz"}}).json()
    detail = client.get(f"/api/v1/tickets/{ticket['id']}", headers=admin.headers).json()
    assert detail["tags"] == ["acknowledged"]
    assert detail["messages"][1]["body"] == f"Thanks Rosa, we have #{ticket['id']}."
    verdicts = client.post("/api/v1/rules/dry-run", headers=admin.headers,
                           json={"ticket_id": ticket["id"], "event": "created"}).json()
    assert verdicts[0]["macros"] == [{"macro_id": macro_id, "name": "Acknowledge"}]
    assert "it would apply the macro “Acknowledge”" in verdicts[0]["reason"]
    tryout = client.post("/api/v1/rules/dry-run", headers=admin.headers, json=body).json()
    assert tryout["tickets"][0]["macros"] == [{"macro_id": macro_id, "name": "Acknowledge"}]


def test_conditions_on_the_message_and_custom_fields_are_accepted_and_checked(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    rule = {**URGENT_REFUNDS, "conditions": {"all": [
        {"field": "message.body", "op": "not_contains", "value": "thanks"},
        {"field": "custom_fields.order total", "op": ">=", "value": 100},
        {"field": "custom_fields.plan", "op": "in", "value": ["gold", 3, True]},
        {"field": "customer.tier", "op": "<=", "value": "premium"}]}}
    created = client.post("/api/v1/rules", headers=admin.headers, json=rule)
    assert created.status_code == 201, created.text
    assert created.json()["conditions"] == rule["conditions"]
    opened = client.post("/api/v1/tickets", headers=admin.headers, json={
        "subject": "Order", "body": "It broke.", "requester": {"email": "ana@example.com"},
        "custom_fields": {"order total": 120, "plan": "Gold"}}).json()
    assert opened["priority"] == "urgent"
    for condition, named in (
            ({"field": "custom_fields.total", "op": ">=", "value": "100"},
             "custom_fields.total >= compares with a number"),
            ({"field": "custom_fields.", "op": "=", "value": 1},
             "unknown field 'custom_fields.'"),
            ({"field": "message.body", "op": "=", "value": "hi"}, None)):  # no such operator
        problem = _problem(client.post("/api/v1/rules", headers=admin.headers, json={
            **URGENT_REFUNDS, "conditions": {"all": [condition]}}))
        assert any(e["field"].startswith("conditions") for e in problem["errors"]), problem
        assert named is None or named in problem["detail"], problem
    assert [r["conditions"] for r in client.get("/api/v1/rules",
                                                headers=admin.headers).json()] == \
        [rule["conditions"]]


def test_a_dry_run_may_suppose_fields_just_changed(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    client.post("/api/v1/rules", headers=admin.headers, json={
        "name": "Solved", "trigger": {"type": "event", "on": ["status_changed"]},
        "conditions": {"all": [{"field": "ticket.status", "op": "changed_to",
                                "value": "solved"}]},
        "actions": [{"type": "add_tags", "tags": ["done"]}]})
    ticket = factories.ticket(hub, admin.agent, subject="Where is my parcel").ticket
    url, asked = "/api/v1/rules/dry-run", {"ticket_id": ticket.id, "event": "status_changed"}
    [plain] = client.post(url, headers=admin.headers, json=asked).json()
    assert plain["would_fire"] is False and "a dry run changes no field" in plain["reason"]
    change_status(hub.uows, admin.agent, ticket.id, Status.SOLVED)
    tags = hub.app.tickets.get(admin.agent, ticket.id).ticket.tags  # the real change's
    [supposed] = client.post(url, headers=admin.headers, json={
        **asked, "changed": ["ticket.status"]}).json()
    assert supposed["would_fire"] is True
    assert "as if ticket.status had just changed to solved" in supposed["reason"]
    problem = _problem(client.post(url, headers=admin.headers, json={
        **asked, "changed": ["ticket.channel"]}))
    assert "changed.ticket.channel" in {e["field"] for e in problem["errors"]}
    assert hub.app.tickets.get(admin.agent, ticket.id).ticket.tags == tags


def test_each_rule_says_how_often_it_fired(hub, client):
    manager = factories.staff(hub, Role.MANAGER)
    rule = client.post("/api/v1/rules", headers=manager.headers, json=URGENT_REFUNDS).json()
    assert rule["usage"] == {"last_24_hours": 0, "last_7_days": 0, "last_30_days": 0,
                             "last_fired_at": None}
    for subject in ("I want a refund", "A refund, please", "Where is my parcel"):
        assert client.post("/api/v1/tickets", headers=manager.headers, json={
            "subject": subject, "body": "Hello", "requester": {"email": "ana@example.com"},
        }).status_code == 201
    while hub.app.relay_outbox():
        pass
    [listed] = client.get("/api/v1/rules", headers=manager.headers).json()
    usage = listed["usage"]
    assert (usage["last_24_hours"], usage["last_7_days"], usage["last_30_days"]) == (2, 2, 2)
    assert usage["last_fired_at"] is not None
    path = f"/api/v1/rules/{rule['id']}"
    assert client.get(path, headers=manager.headers).json()["usage"] == usage
    assert client.post(f"{path}/disable", headers=manager.headers).json()["usage"] == usage
