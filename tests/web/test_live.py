"""Live updates: /events streams committed changes to tickets the agent may see, and nothing
of other tickets; with Redis, what one process publishes reaches every process's streams."""

from __future__ import annotations

import json
import time

import pytest

from hubdesk.bus import LocalBroadcast, RedisListener, RedisPublisher
from hubdesk.domain.agents import Role
from hubdesk.services.tickets import TicketChanges
from hubdesk.web import live
from tests import factories
from tests.web.pages import sign_in


def _frames(lines, wanted: int) -> list[tuple[str, dict]]:
    found, event = [], None
    for line in lines:
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: ") and event is not None:
            found.append((event, json.loads(line.removeprefix("data: "))))
            event = None
            if len(found) == wanted:
                break
    return found


def test_the_stream_carries_changes_to_visible_tickets_only(hub, client, monkeypatch):
    monkeypatch.setattr(live, "STREAM_SECONDS", 10.0)
    mine, other = factories.team(hub, "Mine"), factories.team(hub, "Other")
    rep = factories.staff(hub, teams=(mine,), with_password=True)
    admin = factories.staff(hub, Role.ADMIN).agent
    visible = factories.ticket(hub, rep.agent, team_id=mine.id).ticket
    hidden = factories.ticket(hub, admin, team_id=other.id).ticket
    hub.app.relay_outbox()  # what came before the stream opened
    sign_in(client, rep.agent)
    with client.stream("GET", "/events") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.iter_lines()
        assert _frames(lines, 1) == [("ready", {})]
        hub.app.tickets.update(admin, hidden.id, TicketChanges(
            fields_set=frozenset({"priority"}), priority="high"))
        hub.app.tickets.update(admin, visible.id, TicketChanges(
            fields_set=frozenset({"priority"}), priority="high"))
        moved = factories.ticket(hub, admin, team_id=other.id).ticket
        hub.app.tickets.update(admin, moved.id, TicketChanges(
            fields_set=frozenset({"team_id"}), team_id=mine.id))
        hub.app.relay_outbox()
        frames = _frames(lines, 2)
    assert [(kind, data["ticket_id"]) for kind, data in frames] == [
        ("ticket", visible.id), ("ticket", moved.id)]
    assert frames[0][1]["kind"] == "updated"


def test_a_stream_that_falls_behind_is_told_to_resync(hub, client, monkeypatch):
    monkeypatch.setattr(live, "STREAM_SECONDS", 10.0)
    small = LocalBroadcast(max_queued=2)
    monkeypatch.setattr(hub, "broadcast", small)
    rep = factories.staff(hub, with_password=True)
    sign_in(client, rep.agent)
    with client.stream("GET", "/events") as response:
        lines = response.iter_lines()
        assert _frames(lines, 1) == [("ready", {})]
        for n in range(5):
            small.publish("ticket.updated", {"ticket_id": n, "place": {}})
        assert _frames(lines, 1) == [("resync", {})]


def test_events_reach_every_process_through_redis(redis_url):
    heard = LocalBroadcast()
    inbox = heard.subscribe()
    listener = RedisListener(redis_url, heard, channel="hubdesk.test.live")
    listener.start()
    publisher = RedisPublisher(redis_url, channel="hubdesk.test.live")
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # until the listener has subscribed
            publisher.publish("ticket.updated", {"ticket_id": 7, "place": {"team_id": 1}})
            try:
                message = inbox.get(timeout=0.2)
                break
            except Exception:  # queue.Empty: not subscribed yet
                continue
        else:
            pytest.fail("the listener heard nothing from Redis")
        assert message == {"topic": "ticket.updated", "ticket_id": 7, "place": {"team_id": 1}}
    finally:
        listener.stop()
        publisher.close()


def test_signing_out_ends_the_stream(hub, client, monkeypatch):
    monkeypatch.setattr(live, "STREAM_SECONDS", 20.0)
    monkeypatch.setattr(live, "SESSION_CHECK_SECONDS", 0.3)
    rep = factories.staff(hub, with_password=True)
    sign_in(client, rep.agent)
    with client.stream("GET", "/events") as response:
        lines = response.iter_lines()
        assert _frames(lines, 1) == [("ready", {})]
        hub.app.auth.sign_out_everywhere(rep.agent)
        started = time.monotonic()
        assert [line for line in lines if line] == []  # the stream ends, nothing more in it
        assert time.monotonic() - started < 5
