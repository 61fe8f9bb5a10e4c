"""The console's notifications on both databases: the header's badge and its count, the list
page with links and marking read (CSRF like every form), and the live stream telling only the
notified agent."""

from __future__ import annotations

from datetime import UTC, datetime

from hubdesk.services.notifications import queue_notifications
from hubdesk.web import live
from tests import factories
from tests.web.pages import post_form, sign_in
from tests.web.test_live import _frames

AT = datetime(2026, 6, 1, 7, tzinfo=UTC)


def _notify(hub, ticket_id, agent_id, source):
    with hub.uows() as uow:
        queue_notifications(uow, "ticket.sla_step_reached", {
            "ticket_id": ticket_id, "kind": "sla_step_reached", "outbox_id": source,
            "at": AT.replace(minute=source).isoformat(),
            "data": {"target": "first_response", "at_percent": 75 + source,
                     "notify_agent_ids": [agent_id]}})
        uow.commit()


def test_the_badge_counts_and_the_page_lists_and_marks_read(hub, client):
    rep = factories.staff(hub, with_password=True)
    other = factories.staff(hub).agent
    ticket = factories.ticket(hub, rep.agent).ticket
    # two tickets: SLA notices about one ticket within minutes of each other would be one
    another = factories.ticket(hub, rep.agent).ticket
    _notify(hub, ticket.id, rep.agent.id, 1)
    _notify(hub, another.id, rep.agent.id, 2)
    _notify(hub, ticket.id, other.id, 3)
    sign_in(client, rep.agent)
    tickets = client.get("/tickets")
    assert 'id="notice-link"' in tickets.text and 'href="/notifications"' in tickets.text
    assert client.get("/notifications/unread").json() == {"unread": 2}
    page = client.get("/notifications")
    assert page.status_code == 200
    assert page.text.index("77 % of the first response") < page.text.index(
        "76 % of the first response")
    assert "78 %" not in page.text  # another agent's
    assert f'href="/tickets/{ticket.id}"' in page.text and "Mark all read" in page.text
    [_newest, oldest] = hub.app.notifications.list(rep.agent)
    refused = client.post(f"/notifications/{oldest.id}/read", data={"csrf_token": "forged"},
                          follow_redirects=False)
    assert refused.status_code in (400, 403)
    assert client.get("/notifications/unread").json() == {"unread": 2}
    post_form(client, f"/notifications/{oldest.id}/read", {}, page="/notifications")
    assert client.get("/notifications/unread").json() == {"unread": 1}
    done = post_form(client, "/notifications/read-all", {}, page="/notifications")
    assert "1 notification marked read." in done.text
    assert client.get("/notifications/unread").json() == {"unread": 0}
    assert "Mark all read" not in client.get("/notifications").text


def test_the_stream_tells_only_the_notified_agent(hub, client, monkeypatch):
    monkeypatch.setattr(live, "STREAM_SECONDS", 10.0)
    rep = factories.staff(hub, with_password=True)
    other = factories.staff(hub).agent
    ticket = factories.ticket(hub, rep.agent).ticket
    hub.app.relay_outbox()
    sign_in(client, rep.agent)
    with client.stream("GET", "/events") as response:
        lines = response.iter_lines()
        assert _frames(lines, 1) == [("ready", {})]
        with hub.uows() as uow:
            for agent_id, source in ((other.id, 5), (rep.agent.id, 6)):
                uow.outbox.put("ticket.handoff_answered", {
                    "ticket_id": ticket.id, "kind": "handoff_answered",
                    "at": AT.isoformat(), "place": {"team_id": None, "department_id": None,
                                                    "assignee_id": None},
                    "data": {"handoff_id": source, "notify_agent_ids": [agent_id]}}, AT)
            uow.commit()
        hub.app.relay_outbox()
        # The other agent's notification is announced first: had it leaked, it would be
        # the first notification frame here.
        frame = _frames(lines, 1)[0]
        while frame[0] != "notification":
            frame = _frames(lines, 1)[0]
    [mine] = hub.app.notifications.list(rep.agent)
    assert frame == ("notification", {"notification_id": mine.id})
