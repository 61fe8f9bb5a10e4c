"""The whole e-mail behind a message on a ticket: linked from the ticket page, its headers and
full text (quoted history included, personal data masked) for whoever may see the ticket,
404 for whoever may not; the message as received for agents with sensitive-data access,
each download recorded on the ticket."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient

from hubdesk.bootstrap import Hub
from hubdesk.channels.email.intake import take
from hubdesk.domain.agents import Role
from hubdesk.domain.events import EventKind
from hubdesk.server import create_app
from hubdesk.services.auth import LOCAL_OPERATOR
from tests import factories
from tests.channels.email import corpus
from tests.channels.email.conftest import BILLING
from tests.web.pages import sign_in

CARD = "4111 1111 1111 1111"
QUOTED = ("Thanks, that worked!\n\nOn Mon, 2 Mar 2026 at 09:30, Desk <billing@desk.test> "
          f"wrote:\n> Pay with card {CARD}.\n> Old text")


def _billing_ticket(hub: Hub) -> tuple[int, int, bytes]:
    """A billing ticket whose customer's message quotes history holding a card number."""
    raw = corpus.plain(to=BILLING, subject="Invoice", body=QUOTED,
                       message_id="<quoted@example.com>")
    take(hub.app, raw, source="test")
    with hub.uows(write=False) as uow:
        ticket_id = uow.mail.ticket_for_message_ids(("<quoted@example.com>",))
    assert ticket_id is not None
    [message] = hub.app.tickets.get(LOCAL_OPERATOR, ticket_id).messages
    assert message.id is not None and "Old text" not in message.body
    return ticket_id, message.id, raw


def test_an_agent_of_the_team_reads_the_whole_original_from_the_ticket_page(
        mail_hub: Hub) -> None:
    ticket_id, message_id, _ = _billing_ticket(mail_hub)
    [billing] = [t for t in mail_hub.app.directory.teams(LOCAL_OPERATOR) if t.name == "Billing"]
    rep = factories.staff(mail_hub, teams=(billing,), with_password=True)
    reply = mail_hub.app.tickets.reply(rep.agent, ticket_id, "Glad it works.")
    url = f"/tickets/{ticket_id}/messages/{message_id}/email"
    with TestClient(create_app(mail_hub), raise_server_exceptions=False) as client:
        sign_in(client, rep.agent)
        ticket_page = client.get(f"/tickets/{ticket_id}").text
        assert f'href="{url}"' in ticket_page and "Quoted text hidden" in ticket_page
        assert f"/messages/{reply.id}/email" not in ticket_page  # not an e-mail
        page = client.get(url)
        assert page.status_code == 200
        shown = html.unescape(page.text)
        assert "Thanks, that worked!" in shown and "Old text" in shown  # the quoted history
        assert "<billing@desk.test> wrote:" in shown
        assert CARD not in shown and "1111" in shown  # masked as on the ticket
        for name, value in [("Subject", "Invoice"), ("Message-ID", "<quoted@example.com>"),
                            ("From", "ann@example.com"), ("To", BILLING)]:
            assert f"<th scope=\"row\">{name}</th><td>{html.escape(value)}</td>" in page.text
        # a representative without sensitive-data access gets no unmasked download
        assert 'id="download-eml"' not in page.text
        assert client.get(f"{url}.eml").status_code == 403
        assert client.get(f"/tickets/{ticket_id}/messages/{reply.id}/email"
                          ).status_code == 404


def test_who_may_not_see_the_ticket_finds_no_original(mail_hub: Hub) -> None:
    ticket_id, message_id, _ = _billing_ticket(mail_hub)
    outsider = factories.staff(mail_hub, with_password=True)  # no team: not their ticket
    url = f"/tickets/{ticket_id}/messages/{message_id}/email"
    with TestClient(create_app(mail_hub), raise_server_exceptions=False) as client:
        sign_in(client, outsider.agent)
        assert client.get(url).status_code == 404
        assert client.get(f"{url}.eml").status_code == 404
        api = f"/api/v1/tickets/{ticket_id}/messages/{message_id}/email"
        assert client.get(api, headers=outsider.headers).status_code == 404
        assert client.get(f"{api}/raw", headers=outsider.headers).status_code == 404
    history = mail_hub.app.tickets.history(LOCAL_OPERATOR, ticket_id)
    assert not any(e.event.kind is EventKind.SENSITIVE_REVEALED for e in history)


def test_the_message_as_received_goes_to_sensitive_access_and_is_recorded(
        mail_hub: Hub) -> None:
    ticket_id, message_id, raw = _billing_ticket(mail_hub)
    admin = factories.staff(mail_hub, Role.ADMIN, with_password=True)
    url = f"/tickets/{ticket_id}/messages/{message_id}/email"
    with TestClient(create_app(mail_hub), raise_server_exceptions=False) as client:
        sign_in(client, admin.agent)
        assert 'id="download-eml"' in client.get(url).text
        download = client.get(f"{url}.eml")
        assert download.status_code == 200 and download.content == raw
        assert download.headers["content-disposition"].startswith("attachment")
        api = f"/api/v1/tickets/{ticket_id}/messages/{message_id}/email"
        described = client.get(api, headers=admin.headers)
        assert described.status_code == 200
        body = described.json()
        assert "Old text" in body["text"] and CARD not in body["text"]
        assert {"name": "Subject", "value": "Invoice"} in body["headers"]
        assert client.get(f"{api}/raw", headers=admin.headers).content == raw
    revealed = [e.event for e in mail_hub.app.tickets.history(LOCAL_OPERATOR, ticket_id)
                if e.event.kind is EventKind.SENSITIVE_REVEALED]
    assert len(revealed) == 2 and revealed[0].actor.id == admin.agent.id
    assert revealed[0].data["message_id"] == message_id
