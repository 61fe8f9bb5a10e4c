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
