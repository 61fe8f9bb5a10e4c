"""/api/v1/macros on both databases: round trip, a macro filled for a ticket, bad input
refused naming the field with nothing stored, representatives may use but not manage."""

from __future__ import annotations

from hubdesk.domain.agents import Role
from tests import factories


def test_macros_round_trip_and_fill_for_a_ticket(client, hub):
    manager = factories.staff(hub, Role.MANAGER)
    team = factories.team(hub)
    rep = factories.staff(hub, teams=(team,))
    created = client.post("/api/v1/macros", headers=manager.headers, json={
        "name": "Waiting for details", "body": "Hi {{customer.first_name}}, could you send "
        "the order number for #{{ticket.number}}?", "then_status": "pending",
        "add_tags": ["needs-info"]})
    assert created.status_code == 201, created.text
    macro = created.json()
    assert macro["then_status"] == "pending" and macro["team_id"] is None
    assert [m["id"] for m in client.get("/api/v1/macros", headers=rep.headers).json()] == [
        macro["id"]]
    ticket = factories.ticket(hub, rep.agent, team_id=team.id).ticket
    filled = client.get(f"/api/v1/tickets/{ticket.id}/macros/{macro['id']}",
                        headers=rep.headers)
    assert filled.status_code == 200, filled.text
    assert filled.json()["text"].endswith(f"for #{ticket.id}?")
    assert filled.json()["add_tags"] == ["needs-info"]
    renamed = client.put(f"/api/v1/macros/{macro['id']}", headers=manager.headers,
                         json={"name": "Ask for details", "body": "Hi"})
    assert renamed.status_code == 200 and renamed.json()["then_status"] is None
    assert client.delete(f"/api/v1/macros/{macro['id']}",
                         headers=manager.headers).status_code == 204
    assert client.get("/api/v1/macros", headers=rep.headers).json() == []


def test_bad_macros_are_refused_and_representatives_do_not_manage(client, hub):
    manager = factories.staff(hub, Role.MANAGER)
    unknown = client.post("/api/v1/macros", headers=manager.headers,
                          json={"name": "x", "body": "Hi {{customer.shoe_size}}"})
    assert unknown.status_code == 422 and "body" in unknown.text
    assert "unknown placeholder" in unknown.text
    assert client.post("/api/v1/macros", headers=manager.headers, json={
        "name": "x", "body": "Hi", "then_status": "closed"}).status_code == 422
    rep = factories.staff(hub)
    assert client.post("/api/v1/macros", headers=rep.headers,
                       json={"name": "x", "body": "Hi"}).status_code == 403
    assert client.get("/api/v1/macros", headers=manager.headers).json() == []
