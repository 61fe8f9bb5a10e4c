"""The webhook endpoints: the secret shown once, input bounds, refusals as problem+json."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from hubdesk.bootstrap import assemble
from hubdesk.domain.agents import Role
from hubdesk.domain.clock import utcnow
from hubdesk.domain.webhooks import AttemptResult, verify_signature
from hubdesk.sealing import FernetSealer
from hubdesk.server import create_app
from hubdesk.services.outbox import relay_outbox
from hubdesk.services.webhooks import deliver_due
from tests import factories


class Recording:
    def __init__(self) -> None:
        self.sent: list[tuple[bytes, dict[str, str]]] = []

    def send(self, url, body, headers, *, allow_private):
        self.sent.append((body, headers))
        return AttemptResult(204, None, 1)


def test_create_shows_the_secret_once_and_rotation_replaces_it(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    created = client.post("/api/v1/webhooks", headers=admin.headers, json={
        "url": "https://hooks.example.com/in", "event_kinds": ["ticket.created"]})
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["event_kinds"] == ["ticket.created"]
    read = client.get(f"/api/v1/webhooks/{body['id']}", headers=admin.headers).json()
    assert "secret" not in read and read["active"] is True

    rotated = client.post(f"/api/v1/webhooks/{body['id']}/rotate-secret",
                          headers=admin.headers).json()
    assert rotated["secret"] != body["secret"]
    factories.ticket(hub, admin.agent)
    relay_outbox(hub.uows, hub.publisher)
    sender = Recording()
    deliver_due(hub.uows, sender, FernetSealer(hub.settings.secret_key), utcnow())
    [(sent, headers)] = sender.sent
    timestamp = int(headers["Hubdesk-Signature"].split(",")[0][2:])
    assert verify_signature(rotated["secret"], headers["Hubdesk-Signature"], sent, timestamp)
    assert not verify_signature(body["secret"], headers["Hubdesk-Signature"], sent, timestamp)

    page = client.get(f"/api/v1/webhooks/{body['id']}/deliveries?limit=1",
                      headers=admin.headers).json()
    assert [(d["event"], d["status"], d["last_status_code"]) for d in page] == \
        [("ticket.created", "delivered", 204)]


def test_bad_input_is_a_problem_naming_the_field(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    cases = [
        {"url": "http://127.0.0.1:8080/hook"},
        {"url": "http://[::ffff:10.0.0.1]/hook"},
        {"url": "ftp://example.com/in"},
        {"url": "https://user:secret@example.com/in"},
        {"url": "https://example.com/in", "event_kinds": []},
        {"url": "https://example.com/in", "event_kinds": ["Ticket Created!"]},
        {"url": "https://example.com/" + "a" * 2100},
        {"url": "https://example.com/in", "surprise": True},
    ]
    for case in cases:
        response = client.post("/api/v1/webhooks", headers=admin.headers, json=case)
        assert response.status_code == 422, case
        assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/webhooks", headers=admin.headers).json() == []


@pytest.fixture
def open_client(hub):
    """The API of a server whose operator lets webhooks reach private addresses."""
    opened = assemble(hub.settings.model_copy(update={"webhook_private_targets": True}),
                      hub.engine)
    with TestClient(create_app(opened), raise_server_exceptions=False) as test_client:
        yield test_client


def test_private_targets_are_refused_unless_the_server_allows_them(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    for url in ("http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:5432/",
                "http://[::1]:8080/hook", "http://10.0.0.7/hook"):
        refused = client.post("/api/v1/webhooks", headers=admin.headers,
                              json={"url": url, "allow_private": True})
        assert refused.status_code == 403, url
        assert "HUBDESK_WEBHOOK_PRIVATE_TARGETS" in refused.json()["detail"]
    public = client.post("/api/v1/webhooks", headers=admin.headers,
                         json={"url": "https://hooks.example.com/in"}).json()
    widened = client.patch(f"/api/v1/webhooks/{public['id']}", headers=admin.headers,
                           json={"allow_private": True})
    assert widened.status_code == 403
    assert [(w["url"], w["allow_private"]) for w in
            client.get("/api/v1/webhooks", headers=admin.headers).json()] == \
        [("https://hooks.example.com/in", False)]


def test_loopback_with_the_flag_and_withdrawing_it(hub, open_client):
    admin = factories.staff(hub, Role.ADMIN)
    created = open_client.post("/api/v1/webhooks", headers=admin.headers, json={
        "url": "http://127.0.0.1:8080/hook", "allow_private": True}).json()
    assert created["allow_private"] is True
    withdrawn = open_client.patch(f"/api/v1/webhooks/{created['id']}", headers=admin.headers,
                                  json={"allow_private": False})
    assert withdrawn.status_code == 422
    assert "internal address" in withdrawn.json()["detail"]
    assert open_client.delete(f"/api/v1/webhooks/{created['id']}",
                              headers=admin.headers).status_code == 204
    assert open_client.get(f"/api/v1/webhooks/{created['id']}",
                           headers=admin.headers).status_code == 404
