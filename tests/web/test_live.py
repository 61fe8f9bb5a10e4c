"""Live updates: /events streams committed changes to tickets the agent may see, and nothing
of other tickets; with Redis, what one process publishes reaches every process's streams."""

from __future__ import annotations

import json
import threading
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


def _rep_watching_a_ticket(hub, client, monkeypatch, stream_seconds: float):
    """A signed-in representative, a ticket of their team, and an administrator to change it;
    the stream reads its session again before news once 0.2 s have passed."""
    monkeypatch.setattr(live, "STREAM_SECONDS", stream_seconds)
    monkeypatch.setattr(live, "NEWS_CHECK_SECONDS", 0.2)
    team = factories.team(hub, "Mine")
    rep = factories.staff(hub, teams=(team,), with_password=True)
    admin = factories.staff(hub, Role.ADMIN).agent
    visible = factories.ticket(hub, rep.agent, team_id=team.id).ticket
    hub.app.relay_outbox()
    sign_in(client, rep.agent)
    return rep.agent, admin, visible


def _raise_priority(hub, admin, ticket) -> None:
    hub.app.tickets.update(admin, ticket.id, TicketChanges(
        fields_set=frozenset({"priority"}), priority="high"))
    hub.app.relay_outbox()


def test_a_session_ended_while_changes_flow_is_told_of_none_of_them(hub, client, monkeypatch):
    # The periodic check alone (every SESSION_CHECK_SECONDS, 20 s by default) let a revoked
    # session hear of every change made until then.
    rep, admin, visible = _rep_watching_a_ticket(hub, client, monkeypatch, 20.0)
    with client.stream("GET", "/events") as response:
        lines = response.iter_lines()
        assert _frames(lines, 1) == [("ready", {})]
        time.sleep(0.3)
        hub.app.auth.sign_out_everywhere(rep)
        _raise_priority(hub, admin, visible)
        started = time.monotonic()
        assert [line for line in lines if line] == []  # the stream ends, nothing more in it
        assert time.monotonic() - started < 5


def test_a_live_session_still_hears_of_changes_after_its_session_is_read_again(
        hub, client, monkeypatch):
    _, admin, visible = _rep_watching_a_ticket(hub, client, monkeypatch, 10.0)
    with client.stream("GET", "/events") as response:
        lines = response.iter_lines()
        assert _frames(lines, 1) == [("ready", {})]
        time.sleep(0.3)
        _raise_priority(hub, admin, visible)
        assert [(kind, data["ticket_id"]) for kind, data in _frames(lines, 1)] == [
            ("ticket", visible.id)]


def _reader(lines, into: list, stop: threading.Event) -> threading.Thread:
    """Read a stream's frames as a browser does, continuously, in the background."""
    def read() -> None:
        try:
            for frame in _frames_forever(lines):
                into.append(frame)
                if stop.is_set():
                    return
        except Exception:  # the stream was closed under the reader: the test is over
            return

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def _frames_forever(lines):
    event = None
    for line in lines:
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: ") and event is not None:
            yield event, json.loads(line.removeprefix("data: "))
            event = None


def _wait_for(found: list, frame, seconds: float = 8.0) -> None:
    deadline = time.monotonic() + seconds
    while frame not in found:
        assert time.monotonic() < deadline, f"{frame} never came; got {found}"
        time.sleep(0.05)


def test_two_agents_on_one_ticket_see_each_other_and_then_that_one_left(hub, monkeypatch):
    from fastapi.testclient import TestClient

    from hubdesk.server import create_app

    monkeypatch.setattr(live, "STREAM_SECONDS", 15.0)
    monkeypatch.setattr(live, "ANNOUNCE_SECONDS", 0.3)
    team = factories.team(hub)
    ana = factories.staff(hub, teams=(team,), with_password=True)
    ben = factories.staff(hub, teams=(team,), with_password=True)
    outsider = factories.staff(hub, with_password=True)
    ticket = factories.ticket(hub, ana.agent, team_id=team.id).ticket
    app = create_app(hub)
    stop = threading.Event()
    with TestClient(app) as first, TestClient(app) as second, TestClient(app) as third:
        sign_in(first, ana.agent)
        sign_in(second, ben.agent)
        sign_in(third, outsider.agent)
        seen_by_ana: list = []
        seen_by_ben: list = []
        seen_by_outsider: list = []
        with first.stream("GET", f"/events?ticket={ticket.id}") as mine, \
                third.stream("GET", f"/events?ticket={ticket.id}") as theirs:
            _reader(mine.iter_lines(), seen_by_ana, stop)
            _reader(theirs.iter_lines(), seen_by_outsider, stop)
            with second.stream("GET", f"/events?ticket={ticket.id}") as others:
                _reader(others.iter_lines(), seen_by_ben, stop)
                _wait_for(seen_by_ben, ("viewers", {"names": [ana.agent.name], "typing": []}))
                _wait_for(seen_by_ana, ("viewers", {"names": [ben.agent.name], "typing": []}))
            _wait_for(seen_by_ana, ("viewers", {"names": [], "typing": []}))  # Ben left
            stop.set()
    # The outsider may not see the ticket: their stream never announced them.
    assert all(kind != "viewers" or outsider.agent.name not in data["names"]
               for kind, data in seen_by_ana + seen_by_ben)
    assert [kind for kind, _ in seen_by_outsider] == ["ready"]


def test_an_agent_typing_on_a_ticket_is_shown_to_the_others_until_they_stop(hub, monkeypatch):
    from fastapi.testclient import TestClient

    from hubdesk.server import create_app
    from tests.web.pages import csrf

    monkeypatch.setattr(live, "STREAM_SECONDS", 15.0)
    monkeypatch.setattr(live, "ANNOUNCE_SECONDS", 0.3)
    monkeypatch.setattr(live, "TYPING_SECONDS", 1.0)
    team = factories.team(hub)
    ana = factories.staff(hub, teams=(team,), with_password=True)
    ben = factories.staff(hub, teams=(team,), with_password=True)
    outsider = factories.staff(hub, with_password=True)
    ticket = factories.ticket(hub, ana.agent, team_id=team.id).ticket
    app = create_app(hub)
    stop = threading.Event()
    with TestClient(app) as first, TestClient(app) as second, TestClient(app) as third:
        sign_in(first, ana.agent)
        sign_in(second, ben.agent)
        sign_in(third, outsider.agent)
        typed = f"/tickets/{ticket.id}/typing"
        # Only from the console's own pages, and only about a ticket one may see.
        assert second.post(typed, data={"csrf_token": "forged"}).status_code == 403
        assert third.post(typed, data={"csrf_token": csrf(third, "/tickets")}
                          ).status_code == 404
        seen_by_ana: list = []
        with first.stream("GET", f"/events?ticket={ticket.id}") as mine, \
                second.stream("GET", f"/events?ticket={ticket.id}") as theirs:
            _reader(mine.iter_lines(), seen_by_ana, stop)
            _reader(theirs.iter_lines(), [], stop)  # a stream runs while it is read
            _wait_for(seen_by_ana, ("viewers", {"names": [ben.agent.name], "typing": []}))
            token = csrf(second, f"/tickets/{ticket.id}")
            assert second.post(typed, data={"csrf_token": token}).status_code == 204
            typing = ("viewers", {"names": [ben.agent.name], "typing": [ben.agent.name]})
            _wait_for(seen_by_ana, typing)
            # No word of it for TYPING_SECONDS: still there, no longer typing.
            after: list = []
            deadline = time.monotonic() + 8
            while ("viewers", {"names": [ben.agent.name], "typing": []}) not in after:
                assert time.monotonic() < deadline, f"typing never ended: {seen_by_ana}"
                after = seen_by_ana[seen_by_ana.index(typing) + 1:]
                time.sleep(0.05)
            stop.set()
    assert all(outsider.agent.name not in data.get("typing", []) for _, data in seen_by_ana)


def test_typing_is_forgotten_after_a_quiet_spell_and_never_told_of_oneself():
    company = live.Company(ticket_id=7, agent_id=1, name="Ana")
    company.hear({"ticket_id": 7, "agent_id": 2, "name": "Ben", "typing": True}, now=100.0)
    company.hear({"ticket_id": 7, "agent_id": 1, "name": "Ana", "typing": True}, now=100.0)
    company.hear({"ticket_id": 8, "agent_id": 3, "name": "Cy", "typing": True}, now=100.0)
    assert company.change(100.5) == (("Ben",), ("Ben",))
    assert company.change(101.0) is None  # nothing new to show
    assert company.change(100.0 + live.TYPING_SECONDS + 0.1) == (("Ben",), ())
    company.hear({"ticket_id": 7, "agent_id": 2, "name": "Ben", "leaving": True}, now=108.0)
    assert company.change(108.0) == ((), ())


def test_typing_in_one_process_is_shown_by_another_through_redis(hub, redis_url, monkeypatch):
    from fastapi.testclient import TestClient

    from hubdesk.bootstrap import assemble
    from hubdesk.bus import RedisPublisher
    from hubdesk.server import create_app
    from tests.web.pages import csrf

    monkeypatch.setattr(live, "STREAM_SECONDS", 15.0)
    monkeypatch.setattr(live, "ANNOUNCE_SECONDS", 0.3)
    team = factories.team(hub)
    ana = factories.staff(hub, teams=(team,), with_password=True)
    ben = factories.staff(hub, teams=(team,), with_password=True)
    ticket = factories.ticket(hub, ana.agent, team_id=team.id).ticket
    settings = hub.settings.model_copy(update={"redis_url": redis_url})
    # Two server processes on one database: each hears the other only through Redis.
    one, other = (assemble(settings, hub.engine, redis=RedisPublisher(redis_url))
                  for _ in range(2))
    stop = threading.Event()
    seen_by_ana: list = []
    with TestClient(create_app(one)) as first, TestClient(create_app(other)) as second:
        sign_in(first, ana.agent)
        sign_in(second, ben.agent)
        token = csrf(second, f"/tickets/{ticket.id}")
        with first.stream("GET", f"/events?ticket={ticket.id}") as mine:
            _reader(mine.iter_lines(), seen_by_ana, stop)
            wanted = ("viewers", {"names": [ben.agent.name], "typing": [ben.agent.name]})
            deadline = time.monotonic() + 10
            while wanted not in seen_by_ana:  # until the listener has subscribed
                assert time.monotonic() < deadline, f"never heard through Redis: {seen_by_ana}"
                assert second.post(f"/tickets/{ticket.id}/typing",
                                   data={"csrf_token": token}).status_code == 204
                time.sleep(0.3)
            stop.set()
    for each in (one, other):
        each.redis.close()


def test_a_change_committed_through_one_process_reaches_a_stream_on_another(
        hub, redis_url, monkeypatch):
    """As two `hubdesk serve` processes run, one with the embedded worker: its relay loop,
    not the test, carries the committed reply to Redis, and the other process's stream
    hears it there."""
    import queue
    import uuid

    from fastapi.testclient import TestClient
    from huey import RedisHuey

    from hubdesk.bootstrap import assemble
    from hubdesk.server import create_app
    from tests.web.pages import post_form

    monkeypatch.setattr(live, "STREAM_SECONDS", 15.0)
    team = factories.team(hub)
    ana = factories.staff(hub, teams=(team,), with_password=True)
    ben = factories.staff(hub, teams=(team,), with_password=True)
    ticket = factories.ticket(hub, ana.agent, team_id=team.id).ticket
    jobs = f"hubdesk_test_{uuid.uuid4().hex[:12]}"  # a job queue of this test's own
    shared = hub.settings.model_copy(update={"redis_url": redis_url, "job_queue_name": jobs})
    working, watching = (
        assemble(shared.model_copy(update={"embedded_worker": embedded}), hub.engine,
                 redis=RedisPublisher(redis_url))
        for embedded in (True, False))
    heard = watching.broadcast.subscribe()
    probe = RedisPublisher(redis_url)
    stop = threading.Event()
    seen_by_ana: list = []
    try:
        with TestClient(create_app(working)) as first, \
                TestClient(create_app(watching)) as second:
            deadline = time.monotonic() + 10
            while True:  # until the watching process's listener has subscribed
                assert time.monotonic() < deadline, "the second process never heard Redis"
                probe.publish("test.probe", {"checkout": jobs})
                try:
                    if heard.get(timeout=0.3).get("checkout") == jobs:
                        break
                except queue.Empty:
                    continue
            sign_in(first, ben.agent)
            sign_in(second, ana.agent)
            with second.stream("GET", "/events") as stream:
                _reader(stream.iter_lines(), seen_by_ana, stop)
                _wait_for(seen_by_ana, ("ready", {}))
                sent = post_form(first, f"/tickets/{ticket.id}/reply", {
                    "body": "The replacement is on its way.", "visibility": "public"},
                    page=f"/tickets/{ticket.id}")
                assert sent.status_code == 200
                _wait_for(seen_by_ana, ("ticket", {"ticket_id": ticket.id, "kind": "replied",
                                                   "assignee_id": None}))
                stop.set()
    finally:
        watching.broadcast.unsubscribe(heard)
        probe.close()
        for each in (working, watching):
            each.redis.close()
        RedisHuey(jobs, url=redis_url).storage.flush_all()
