"""/api/v1/mail: a mail server posts raw messages; coordinators work the quarantine."""

from __future__ import annotations

from fastapi.testclient import TestClient

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Role
from hubdesk.server import create_app
from tests import factories
from tests.channels.email import corpus

RFC822 = {"Content-Type": "message/rfc822"}


def test_a_posted_raw_message_is_filed_and_a_second_post_is_a_duplicate(
        mail_hub: Hub) -> None:
    coordinator = factories.staff(mail_hub, Role.COORDINATOR)
    with TestClient(create_app(mail_hub), raise_server_exceptions=False) as client:
        first = client.post("/api/v1/mail/inbound", content=corpus.plain(),
                            headers={**coordinator.headers, **RFC822})
        assert first.status_code == 202, first.text
        assert first.json()["outcome"] == "created" and not first.json()["duplicate"]
        again = client.post("/api/v1/mail/inbound", content=corpus.plain(),
                            headers={**coordinator.headers, **RFC822})
        assert again.json() == {"inbound_id": None, "duplicate": True, "outcome": "duplicate"}
        anonymous = client.post("/api/v1/mail/inbound", content=corpus.plain(), headers=RFC822)
        assert anonymous.status_code == 401
        representative = factories.staff(mail_hub, Role.REPRESENTATIVE)
        refused = client.post("/api/v1/mail/inbound", content=corpus.html_only(),
                              headers={**representative.headers, **RFC822})
        assert refused.status_code == 403
        empty = client.post("/api/v1/mail/inbound", content=b"",
                            headers={**coordinator.headers, **RFC822})
        assert empty.status_code == 422
        # Bytes that are no e-mail are kept where a coordinator sees them, never dropped.
        blank = client.post("/api/v1/mail/inbound", content=b" \r\n ",
                            headers={**coordinator.headers, **RFC822})
        assert blank.status_code == 202, blank.text
        assert blank.json()["outcome"] == "quarantined"


def test_quarantine_is_listed_retried_and_turned_into_a_ticket(mail_hub: Hub) -> None:
    coordinator = factories.staff(mail_hub, Role.COORDINATOR)
    with TestClient(create_app(mail_hub), raise_server_exceptions=False) as client:
        posted = client.post("/api/v1/mail/inbound", content=corpus.deeply_nested(),
                             headers={**coordinator.headers, **RFC822})
        assert posted.json()["outcome"] == "quarantined"
        listed = client.get("/api/v1/mail/quarantine", headers=coordinator.headers).json()
        assert len(listed) == 1 and "nested" in listed[0]["reason"]
        entry = listed[0]["id"]
        raw = client.get(f"/api/v1/mail/quarantine/{entry}/raw", headers=coordinator.headers)
        assert raw.content == corpus.deeply_nested()
        retried = client.post(f"/api/v1/mail/quarantine/{entry}/retry",
                              headers=coordinator.headers)
        assert retried.json() == {"outcome": "quarantined"}
        made = client.post(f"/api/v1/mail/quarantine/{entry}/ticket",
                           json={"requester_email": "deep@example.com"},
                           headers=coordinator.headers)
        assert made.status_code == 201
        ticket = client.get(f"/api/v1/tickets/{made.json()['ticket_id']}",
                            headers=coordinator.headers)
        assert ticket.status_code == 200
        assert client.get("/api/v1/mail/quarantine", headers=coordinator.headers).json() == []
        gone = client.post(f"/api/v1/mail/quarantine/{entry}/retry",
                           headers=coordinator.headers)
        assert gone.status_code == 404
        representative = factories.staff(mail_hub, Role.REPRESENTATIVE)
        assert client.get("/api/v1/mail/quarantine",
                          headers=representative.headers).status_code == 403
