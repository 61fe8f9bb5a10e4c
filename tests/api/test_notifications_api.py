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


def test_sla_warnings_about_one_ticket_come_as_one_notice_with_their_count(client, hub):
    rep = factories.staff(hub)
    ticket = factories.ticket(hub, rep.agent).ticket
    with hub.uows() as uow:
        for source, percent in ((11, 75), (12, 90)):
            queue_notifications(uow, "ticket.sla_step_reached", {
                "ticket_id": ticket.id, "kind": "sla_step_reached", "outbox_id": source,
                "at": AT.replace(minute=source).isoformat(),
                "data": {"target": "resolution", "at_percent": percent,
                         "notify_agent_ids": [rep.agent.id]}})
        uow.commit()
    [notice] = client.get("/api/v1/notifications", headers=rep.headers).json()["items"]
    assert notice["count"] == 2 and notice["kind"] == "sla_step"
    assert notice["text"] == (f"2 SLA warnings, the latest: 90 % of the resolution time of "
                              f"ticket #{ticket.id} is used")
    assert notice["created_at"].startswith("2026-06-01T07:11")
    assert notice["updated_at"].startswith("2026-06-01T07:12")
