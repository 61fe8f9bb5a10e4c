"""Each role against each endpoint: the whole matrix is compared at once, so a regression
shows every cell that moved. Denied writes are also checked to have changed nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hubdesk.domain.agents import Role
from tests import factories

ROLES = ["representative", "team_lead", "coordinator", "manager", "admin", "liaison"]


@dataclass
class World:
    staff: dict[str, factories.Staff]
    own: int          # a ticket in the representative's and lead's team
    other: int        # a ticket of another team
    handed: int       # another team's ticket handed to the liaison's department
    duplicate: int    # same requester as `own`, same team: a merge candidate
    team_id: int
    department_id: int
    own_requester: int
    own_message: int
    webhook: int      # an existing webhook subscription


@pytest.fixture
def world(hub) -> World:
    mine, theirs = factories.team(hub, "Frontline"), factories.team(hub, "Escalations")
    billing = factories.department(hub, "Billing")
    people = {
        "representative": factories.staff(hub, Role.REPRESENTATIVE, teams=(mine,)),
        "team_lead": factories.staff(hub, Role.TEAM_LEAD, teams=(mine,)),
        "coordinator": factories.staff(hub, Role.COORDINATOR),
        "manager": factories.staff(hub, Role.MANAGER),
        "admin": factories.staff(hub, Role.ADMIN),
        "liaison": factories.staff(hub, Role.LIAISON, departments=(billing,)),
    }
    admin = people["admin"].agent
    opened = factories.ticket(hub, admin, team_id=mine.id, email="a@example.com")
    own = opened.ticket.id
    dup = factories.ticket(hub, admin, team_id=mine.id, email="a@example.com").ticket.id
    other = factories.ticket(hub, admin, team_id=theirs.id).ticket.id
    handed = factories.ticket(hub, admin, team_id=theirs.id).ticket.id
    from hubdesk.services.tickets import TicketChanges, update_ticket
    update_ticket(hub.uows, admin, handed,
                  TicketChanges(frozenset({"department_id"}), department_id=billing.id))
    from hubdesk.sealing import FernetSealer
    from hubdesk.services.webhooks import WebhookInput, create_webhook
    webhook = create_webhook(hub.uows, FernetSealer(hub.settings.secret_key), admin,
                             WebhookInput(frozenset({"url"}), url=WEBHOOK_URL)).subscription
    return World(people, own, other, handed, dup, mine.id, billing.id, opened.requester.id,
                 opened.messages[0].id, webhook.id)


WEBHOOK_URL = "https://hooks.example.com/in"


def _requests(w: World) -> dict[str, tuple[str, str, dict | None]]:
    return {
        "read own team": ("GET", f"/api/v1/tickets/{w.own}", None),
        "read other team": ("GET", f"/api/v1/tickets/{w.other}", None),
        "read handed off": ("GET", f"/api/v1/tickets/{w.handed}", None),
        "history": ("GET", f"/api/v1/tickets/{w.own}/events", None),
        "create ticket": ("POST", "/api/v1/tickets", {
            "subject": "New", "body": "Hi", "requester": {"email": "n@example.com"},
            "team_id": w.team_id}),
        "edit own team": ("PATCH", f"/api/v1/tickets/{w.own}", {"priority": "high"}),
        "edit other team": ("PATCH", f"/api/v1/tickets/{w.other}", {"priority": "high"}),
        "reply handed off": ("POST", f"/api/v1/tickets/{w.handed}/messages",
                             {"body": "Dear customer", "public": True}),
        "note handed off": ("POST", f"/api/v1/tickets/{w.handed}/messages",
                            {"body": "Refund issued", "public": False}),
        "merge": ("POST", f"/api/v1/tickets/{w.own}/merge", {"source_id": w.duplicate}),
        "list customers": ("GET", "/api/v1/customers", None),
        "create customer": ("POST", "/api/v1/customers", {"name": "Ann",
                                                          "emails": ["ann@example.com"]}),
        "list agents": ("GET", "/api/v1/agents", None),
        "create agent": ("POST", "/api/v1/agents", {"email": "new.agent@example.com",
                                                    "name": "New Agent"}),
        "create team": ("POST", "/api/v1/teams", {"name": "Night shift"}),
        "create department": ("POST", "/api/v1/departments", {"name": "Legal"}),
        "list teams": ("GET", "/api/v1/teams", None),
        "similar solved": ("GET", f"/api/v1/tickets/{w.own}/similar-solved", None),
        "duplicates": ("GET", f"/api/v1/tickets/{w.own}/duplicates", None),
        "correct triage": ("PUT", f"/api/v1/tickets/{w.own}/messages/{w.own_message}"
                                  "/triage-feedback", {"verdict": "abusive", "value": False}),
        "escalate own team": ("POST", f"/api/v1/tickets/{w.own}/security-escalation",
                              {"reason": "threatened the agent"}),
        "block sender": ("PUT", f"/api/v1/customers/{w.own_requester}/block",
                         {"reason": "abusive", "ticket_id": w.own}),
        "unblock sender": ("DELETE", f"/api/v1/customers/{w.own_requester}/block", None),
        "list webhooks": ("GET", "/api/v1/webhooks", None),
        "create webhook": ("POST", "/api/v1/webhooks", {"url": "https://x.example.com/in",
                                                        "event_kinds": ["ticket.created"]}),
        "read webhook": ("GET", f"/api/v1/webhooks/{w.webhook}", None),
        "edit webhook": ("PATCH", f"/api/v1/webhooks/{w.webhook}",
                         {"event_kinds": ["ticket.status_changed"]}),
        "rotate webhook": ("POST", f"/api/v1/webhooks/{w.webhook}/rotate-secret", None),
        "webhook deliveries": ("GET", f"/api/v1/webhooks/{w.webhook}/deliveries", None),
        "delete webhook": ("DELETE", f"/api/v1/webhooks/{w.webhook}", None),
    }


# rows: representative, team_lead, coordinator, manager, admin, liaison
EXPECTED = {
    "read own team":     [200, 200, 200, 200, 200, 404],
    "read other team":   [404, 404, 200, 200, 200, 404],
    "read handed off":   [404, 404, 200, 200, 200, 200],
    "history":           [200, 200, 200, 200, 200, 404],
    "create ticket":     [201, 201, 201, 201, 201, 403],
    "edit own team":     [200, 200, 200, 200, 200, 404],
    "edit other team":   [404, 404, 200, 200, 200, 404],
    "reply handed off":  [404, 404, 201, 201, 201, 403],
    "note handed off":   [404, 404, 201, 201, 201, 201],
    "merge":             [403, 200, 200, 200, 200, 404],
    "list customers":    [200, 200, 200, 200, 200, 403],
    "create customer":   [201, 201, 201, 201, 201, 403],
    "list agents":       [200, 200, 200, 200, 200, 200],
    "create agent":      [403, 403, 403, 201, 201, 403],
    "create team":       [403, 403, 403, 201, 201, 403],
    "create department": [403, 403, 403, 403, 201, 403],
    "list teams":        [200, 200, 200, 200, 200, 200],
    "similar solved":    [200, 200, 200, 200, 200, 404],
    "duplicates":        [200, 200, 200, 200, 200, 404],
    "correct triage":    [204, 204, 204, 204, 204, 404],
    "escalate own team": [200, 200, 200, 200, 200, 404],
    "block sender":      [403, 403, 200, 200, 200, 403],
    "unblock sender":    [403, 403, 200, 200, 200, 403],
    "list webhooks":     [403, 403, 403, 403, 200, 403],
    "create webhook":    [403, 403, 403, 403, 201, 403],
    "read webhook":      [403, 403, 403, 403, 200, 403],
    "edit webhook":      [403, 403, 403, 403, 200, 403],
    "rotate webhook":    [403, 403, 403, 403, 200, 403],
    "webhook deliveries": [403, 403, 403, 403, 200, 403],
    "delete webhook":    [403, 403, 403, 403, 204, 403],
}

@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(hub, client, world, role):
    requests = _requests(world)
    actual, expected = {}, {}
    for name, (method, path, body) in requests.items():
        want = EXPECTED[name][ROLES.index(role)]
        response = client.request(method, path, json=body, headers=world.staff[role].headers)
        actual[name], expected[name] = response.status_code, want
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json"
    assert actual == expected


def test_denied_writes_change_nothing(hub, client, world):
    rep = world.staff["representative"]
    admin = world.staff["admin"]
    client.patch(f"/api/v1/tickets/{world.other}", json={"priority": "urgent"},
                 headers=rep.headers)
    client.post(f"/api/v1/tickets/{world.own}/merge", json={"source_id": world.duplicate},
                headers=rep.headers)
    liaison = world.staff["liaison"]
    client.post(f"/api/v1/tickets/{world.handed}/messages", headers=liaison.headers,
                json={"body": "Dear customer", "public": True})
    other = client.get(f"/api/v1/tickets/{world.other}", headers=admin.headers).json()
    dup = client.get(f"/api/v1/tickets/{world.duplicate}", headers=admin.headers).json()
    handed = client.get(f"/api/v1/tickets/{world.handed}", headers=admin.headers).json()
    assert other["priority"] == "normal"
    assert dup["merged_into_id"] is None and dup["status"] == "new"
    assert [m["body"] for m in handed["messages"]] == ["Where is my order?"]
    client.put(f"/api/v1/customers/{world.own_requester}/block", headers=rep.headers,
               json={"reason": "rude"})
    customer = client.get(f"/api/v1/customers/{world.own_requester}", headers=admin.headers)
    assert customer.json()["blocked"] is None


def test_list_shows_exactly_what_the_role_may_open(hub, client, world):
    expected = {
        "representative": {world.own, world.duplicate},
        "liaison": {world.handed},
        "coordinator": {world.own, world.duplicate, world.other, world.handed},
    }
    for role, ids in expected.items():
        page = client.get("/api/v1/tickets", headers=world.staff[role].headers).json()
        assert {t["id"] for t in page["items"]} == ids, role


def _sealed_webhook_secret(hub, webhook_id):
    from sqlalchemy import select

    from hubdesk.store.tables import webhook_subscriptions as table
    with hub.engine.connect() as connection:
        return connection.execute(select(table.c.sealed_secret)
                                  .where(table.c.id == webhook_id)).scalar_one()


def test_denied_webhook_writes_change_nothing(hub, client, world):
    admin = world.staff["admin"]
    before = client.get(f"/api/v1/webhooks/{world.webhook}", headers=admin.headers).json()
    sealed = _sealed_webhook_secret(hub, world.webhook)
    for role in ROLES:
        if role == "admin":
            continue
        headers = world.staff[role].headers
        client.post("/api/v1/webhooks", headers=headers, json={"url": "https://x.example/in"})
        client.patch(f"/api/v1/webhooks/{world.webhook}", headers=headers,
                     json={"url": "https://attacker.example/in", "active": False})
        client.post(f"/api/v1/webhooks/{world.webhook}/rotate-secret", headers=headers)
        client.delete(f"/api/v1/webhooks/{world.webhook}", headers=headers)
    after = client.get("/api/v1/webhooks", headers=admin.headers).json()
    assert after == [before]
    assert before["url"] == WEBHOOK_URL and before["active"] is True
    assert _sealed_webhook_secret(hub, world.webhook) == sealed
