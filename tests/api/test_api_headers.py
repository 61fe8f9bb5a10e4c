"""The API's answers are never sniffed, stored by caches or framed, whichever layer answers."""

from __future__ import annotations

from hubdesk.domain.agents import Role
from tests import factories

EXPECTED = {"x-content-type-options": "nosniff", "cache-control": "no-store",
            "x-frame-options": "DENY"}


def _security_headers(response) -> dict[str, str]:
    return {name: ", ".join(response.headers.get_list(name)) for name in EXPECTED}


def test_every_kind_of_api_answer_carries_the_headers(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    opened = client.post("/api/v1/tickets", headers=admin.headers, json={
        "subject": "Lost parcel", "body": "Where is it?",
        "requester": {"email": "ann@example.com"}})
    assert opened.status_code == 201
    answers = [
        opened,
        client.get(f"/api/v1/tickets/{opened.json()['id']}", headers=admin.headers),
        client.get("/api/v1/tickets"),
        client.get("/api/v1/tickets/999999", headers=admin.headers),
        client.get("/api/v1/" + "x" * 20_000),
        client.get("/api/docs"),
        client.get("/api/openapi.json"),
    ]
    assert [_security_headers(answer) for answer in answers] == [EXPECTED] * len(answers)


def test_a_download_keeps_its_own_headers_once(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    ticket_id = factories.ticket(hub, admin.agent).ticket.id
    sent = client.post(f"/api/v1/tickets/{ticket_id}/messages", headers=admin.headers,
                       json={"body": "", "attachments": [
                           {"filename": "page.html", "content_type": "text/html",
                            "content_base64": "PHNjcmlwdD4="}]})
    download = client.get(f"/api/v1/attachments/{sent.json()['attachments'][0]['id']}",
                          headers=admin.headers)
    assert download.headers["content-type"] == "application/octet-stream"
    assert _security_headers(download) == EXPECTED
