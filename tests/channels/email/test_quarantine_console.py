"""The console's e-mail quarantine: coordinators see each held message with why, process it
again, open a ticket from it or download it; representatives are kept out."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Role
from hubdesk.domain.mail import Outcome
from hubdesk.server import create_app
from tests import factories
from tests.web.pages import post_form, sign_in

NO_SENDER = (b"To: support@desk.test\r\nSubject: who?\r\nMessage-ID: <anon@x.test>\r\n\r\n"
             b"hi there\r\n")


def _quarantine(hub: Hub) -> int:
    received = hub.app.mail.receive(NO_SENDER, source="test")
    assert hub.app.mail.process(received.inbound_id) is Outcome.QUARANTINED
    return received.inbound_id


def test_a_coordinator_works_the_quarantine_from_the_console(mail_hub: Hub) -> None:
    held = _quarantine(mail_hub)
    coordinator = factories.staff(mail_hub, Role.COORDINATOR, with_password=True)
    with TestClient(create_app(mail_hub), raise_server_exceptions=False) as client:
        sign_in(client, coordinator.agent)
        assert '<strong>1</strong> e-mails in quarantine' in client.get("/control").text
        page = html.unescape(client.get("/mail/quarantine").text)
        assert f"#{held}" in page and "names no sender" in page
        raw = client.get(f"/mail/quarantine/{held}/raw")
        assert raw.status_code == 200 and raw.content == NO_SENDER
        assert raw.headers["content-disposition"].startswith("attachment")
        again = post_form(client, f"/mail/quarantine/{held}/retry", {},
                          page="/mail/quarantine")
        assert f"Message {held} processed again: quarantined." in again.text
        opened = post_form(client, f"/mail/quarantine/{held}/ticket",
                           {"requester_email": "who@example.com"}, page="/mail/quarantine")
        assert f"opened from message {held}" in opened.text and "hi there" in opened.text
        assert "The quarantine is empty" in client.get("/mail/quarantine").text


def test_representatives_are_kept_out_of_the_quarantine(mail_hub: Hub) -> None:
    held = _quarantine(mail_hub)
    rep = factories.staff(mail_hub, with_password=True)
    with TestClient(create_app(mail_hub), raise_server_exceptions=False) as client:
        sign_in(client, rep.agent)
        assert client.get("/mail/quarantine").status_code == 403
        assert client.get(f"/mail/quarantine/{held}/raw").status_code == 403


def test_the_quarantine_list_follows_messages_coming_and_going(mail_hub: Hub,
                                                                 monkeypatch) -> None:
    from hubdesk.web import live
    from tests.web.test_live import _frames

    monkeypatch.setattr(live, "STREAM_SECONDS", 10.0)
    coordinator = factories.staff(mail_hub, Role.COORDINATOR, with_password=True)
    rep = factories.staff(mail_hub, with_password=True)
    mail_hub.app.relay_outbox()
    with TestClient(create_app(mail_hub), raise_server_exceptions=False) as client, \
            TestClient(create_app(mail_hub), raise_server_exceptions=False) as other:
        sign_in(client, coordinator.agent)
        sign_in(other, rep.agent)
        assert '<main id="main" data-live="refresh">' in client.get("/mail/quarantine").text
        with client.stream("GET", "/events") as response, \
                other.stream("GET", "/events") as rep_response:
            lines, rep_lines = response.iter_lines(), rep_response.iter_lines()
            assert _frames(lines, 1) == _frames(rep_lines, 1) == [("ready", {})]
            held = _quarantine(mail_hub)
            mail_hub.app.relay_outbox()
            assert _frames(lines, 1) == [("mail", {"inbound_id": held})]
            opened = mail_hub.app.mail.to_ticket(coordinator.agent, held, "who@example.com")
            mail_hub.app.relay_outbox()
            frames = _frames(lines, 2)
            # the representative hears of a ticket given to them, never of the mail itself
            mail_hub.app.tickets.assign(coordinator.agent, opened, rep.agent.id)
            mail_hub.app.relay_outbox()
            rep_frames = _frames(rep_lines, 1)
            while rep_frames[-1][1].get("kind") not in ("assigned", "updated"):
                rep_frames += _frames(rep_lines, 1)
    assert frames == [("ticket", {"ticket_id": opened, "kind": "created", "assignee_id": None}),
                      ("mail", {"inbound_id": held})]
    assert "mail" not in [kind for kind, _ in rep_frames]
