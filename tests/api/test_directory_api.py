from hubdesk.domain.agents import Role
from tests import factories


def test_teams_and_departments_change_only_what_is_sent(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    team = client.post("/api/v1/teams", json={"name": "Night shift", "description": "22-06"},
                       headers=admin.headers).json()
    changed = client.patch(f"/api/v1/teams/{team['id']}", json={"description": "22-07"},
                           headers=admin.headers).json()
    assert (changed["name"], changed["description"]) == ("Night shift", "22-07")
    client.post("/api/v1/teams", json={"name": "Day shift"}, headers=admin.headers)
    clash = client.patch(f"/api/v1/teams/{team['id']}", json={"name": "Day shift"},
                         headers=admin.headers)
    assert clash.status_code == 409
    assert client.patch("/api/v1/teams/999", json={"name": "X"},
                        headers=admin.headers).status_code == 404
    unnamed = client.post("/api/v1/teams", json={"description": "no name"}, headers=admin.headers)
    assert unnamed.status_code == 422

    department = client.post("/api/v1/departments", json={"name": "Billing",
                                                          "email": "billing@example.com"},
                             headers=admin.headers).json()
    renamed = client.patch(f"/api/v1/departments/{department['id']}",
                           json={"name": "Billing & Payments"}, headers=admin.headers).json()
    assert (renamed["name"], renamed["email"]) == ("Billing & Payments", "billing@example.com")


def test_a_department_is_deleted_only_while_nothing_refers_to_it(hub, client):
    from hubdesk.domain.agents import Role
    from hubdesk.services.handoffs import NewHandoff, OlaInput
    from tests import factories

    admin = factories.staff(hub, Role.ADMIN)
    unused = client.post("/api/v1/departments", headers=admin.headers,
                         json={"name": "Unused"}).json()
    hub.app.handoffs.set_ola(admin.agent, unused["id"], OlaInput(target_minutes=60))
    manager = factories.staff(hub, Role.MANAGER)
    refused = client.delete(f"/api/v1/departments/{unused['id']}", headers=manager.headers)
    assert refused.status_code == 403
    assert client.delete(f"/api/v1/departments/{unused['id']}",
                         headers=admin.headers).status_code == 204
    assert unused["id"] not in [d["id"] for d in client.get(
        "/api/v1/departments", headers=admin.headers).json()]
    assert client.get(f"/api/v1/departments/{unused['id']}/ola",
                      headers=admin.headers).status_code == 404  # its OLA went with it
    assert client.delete(f"/api/v1/departments/{unused['id']}",
                         headers=admin.headers).status_code == 404

    billing = factories.department(hub, "Billing")
    factories.staff(hub, Role.LIAISON, departments=(billing,))
    ticket = factories.ticket(hub, admin.agent).ticket
    hub.app.handoffs.open(admin.agent, ticket.id, NewHandoff(department_id=billing.id,
                                                             request="Refund please"))
    hub.app.rules.create(admin.agent, {
        "name": "Refunds to billing", "trigger": {"type": "event", "on": ["created"]},
        "conditions": {"all": [{"field": "ticket.subject", "op": "contains",
                                "value": "refund"}]},
        "actions": [{"type": "handoff", "department_id": billing.id, "note": "Refund"}]})
    hub.app.rules.create(admin.agent, {
        "name": "Billing is urgent", "trigger": {"type": "event", "on": ["updated"]},
        "conditions": {"any": [{"field": "ticket.department_id", "op": "in",
                                "value": [billing.id]}]},
        "actions": [{"type": "set", "field": "priority", "value": "urgent"}]})
    client.patch(f"/api/v1/tickets/{ticket.id}", headers=admin.headers,
                 json={"department_id": billing.id})
    busy = client.delete(f"/api/v1/departments/{billing.id}", headers=admin.headers)
    assert busy.status_code == 409
    assert busy.headers["content-type"].startswith("application/problem+json")
    detail = busy.json()["detail"]
    for what in ("1 member", "1 ticket", "1 handoff", "the rule 'Refunds to billing'",
                 "the rule 'Billing is urgent'"):
        assert what in detail, detail
    assert billing.id in [d["id"] for d in client.get(
        "/api/v1/departments", headers=admin.headers).json()]
