"""/api/v1/notifications on both databases: each agent lists and marks only their own."""

from __future__ import annotations

from datetime import UTC, datetime

from hubdesk.services.notifications import queue_notifications
from tests import factories

AT = datetime(2026, 6, 1, 7, tzinfo=UTC)


def _notify(hub, ticket_id, agent_id, source):
    with hub.uows() as uow:
        queue_notifications(uow, "ticket.handoff_answered", {
            "ticket_id": ticket_id, "kind": "handoff_answered", "outbox_id": source,
            "at": AT.replace(minute=source).isoformat(),
            "data": {"handoff_id": source, "notify_agent_ids": [agent_id]}})
        uow.commit()


def test_an_agent_lists_and_marks_only_their_own_notifications(client, hub):
    rep, other = factories.staff(hub), factories.staff(hub)
    ticket = factories.ticket(hub, rep.agent).ticket
    for source in (1, 2):
        _notify(hub, ticket.id, rep.agent.id, source)
    listed = client.get("/api/v1/notifications", headers=rep.headers)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["unread"] == 2
    assert [(n["text"], n["ticket_id"], n["kind"], n["read_at"]) for n in body["items"]] == [
        (f"Handoff #2 on ticket #{ticket.id} was answered", ticket.id, "handoff", None),
        (f"Handoff #1 on ticket #{ticket.id} was answered", ticket.id, "handoff", None)]
    newest, oldest = (n["id"] for n in body["items"])
    assert client.get("/api/v1/notifications", headers=other.headers).json() == {
        "unread": 0, "items": []}
    refused = client.post(f"/api/v1/notifications/{oldest}/read", headers=other.headers)
    assert refused.status_code == 404
    assert client.get("/api/v1/notifications", headers=rep.headers).json()["unread"] == 2
    marked = client.post(f"/api/v1/notifications/{oldest}/read", headers=rep.headers)
    assert marked.status_code == 204
    unread = client.get("/api/v1/notifications?unread=true", headers=rep.headers).json()
    assert [n["id"] for n in unread["items"]] == [newest] and unread["unread"] == 1
    everything = client.post("/api/v1/notifications/read-all", headers=rep.headers)
    assert everything.json() == {"marked": 1}
    assert client.get("/api/v1/notifications?unread=true", headers=rep.headers).json() == {
        "unread": 0, "items": []}
    assert client.get("/api/v1/notifications").status_code == 401
