import dataclasses

from fastapi.testclient import TestClient

from hubdesk.domain.agents import Role
from hubdesk.server import create_app
from tests import factories

PROBLEM = "application/problem+json"


def test_no_token_and_bad_token_are_401(hub, client):
    for headers in ({}, {"Authorization": "Bearer hd_nope"}, {"Authorization": "Basic x"}):
        response = client.get("/api/v1/tickets", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["www-authenticate"] == "Bearer"


def test_revoked_token_stops_working(hub, client):
    from hubdesk.services.auth import LOCAL_OPERATOR, revoke_token
    admin = factories.staff(hub, Role.ADMIN)
    assert client.get("/api/v1/tickets", headers=admin.headers).status_code == 200
    with hub.uows(write=False) as uow:
        token_id = uow.agents.tokens(admin.agent.id)[0].id
    revoke_token(hub.uows, LOCAL_OPERATOR, token_id)
    assert client.get("/api/v1/tickets", headers=admin.headers).status_code == 401


def test_malformed_json_and_invalid_fields_are_422_listing_each_field(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    broken = client.post("/api/v1/tickets", content=b'{"subject": ', headers={
        **admin.headers, "content-type": "application/json"})
    assert broken.status_code == 422 and broken.headers["content-type"] == PROBLEM
    invalid = client.post("/api/v1/tickets", headers=admin.headers, json={
        "subject": "", "body": "x", "requester": {"email": "not-an-email"},
        "priority": "sky-high", "surprise": 1})
    assert invalid.status_code == 422
    fields = {e["field"] for e in invalid.json()["errors"]}
    assert {"subject", "requester.email", "priority", "surprise"} <= fields
    assert "check" in invalid.json()["detail"]


def test_unknown_ticket_is_404_and_illegal_transition_is_409(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    assert client.get("/api/v1/tickets/424242", headers=admin.headers).status_code == 404
    detail = factories.ticket(hub, admin.agent)
    response = client.patch(f"/api/v1/tickets/{detail.ticket.id}", headers=admin.headers,
                            json={"status": "closed"})
    assert response.status_code == 409
    assert response.json()["detail"] == "a new ticket cannot become closed"


def test_bodies_over_the_limit_are_413_and_write_nothing(hub, engine, tmp_path):
    small = dataclasses.replace(
        hub, settings=hub.settings.model_copy(update={"max_request_bytes": 2048}))
    admin = factories.staff(hub, Role.ADMIN)
    with TestClient(create_app(small)) as client:
        big = {"subject": "x", "body": "y" * 5000, "requester": {"email": "a@b.co"}}
        response = client.post("/api/v1/tickets", json=big, headers=admin.headers)
        assert response.status_code == 413
        assert response.headers["content-type"] == PROBLEM

        def chunks():
            yield b'{"subject": "x", "body": "'
            for _ in range(10):
                yield b"y" * 500
            yield b'", "requester": {"email": "a@b.co"}}'

        chunked = client.post("/api/v1/tickets", content=chunks(), headers={
            **admin.headers, "content-type": "application/json"})
        assert chunked.status_code == 413
        listing = client.get("/api/v1/tickets", headers=admin.headers).json()
        assert listing["items"] == []


def test_failed_request_leaves_nothing_half_written(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    response = client.post("/api/v1/tickets", headers=admin.headers, json={
        "subject": "s", "body": "b", "requester": {"email": "new.person@example.com"},
        "team_id": 999})
    assert response.status_code == 422
    customers = client.get("/api/v1/customers", headers=admin.headers).json()
    assert customers == []


def test_unexpected_errors_are_500_without_internals(hub, client, monkeypatch):
    from hubdesk.services import tickets
    admin = factories.staff(hub, Role.ADMIN)

    def explode(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(tickets, "list_tickets", explode)
    response = client.get("/api/v1/tickets", headers=admin.headers)
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert "secret" not in response.text and "Traceback" not in response.text
    assert response.headers["x-request-id"]


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ok"


def test_openapi_and_docs_are_served(client):
    spec = client.get("/api/openapi.json").json()
    create = spec["paths"]["/api/v1/tickets"]["post"]["responses"]
    assert create["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/TicketOut")
    assert "application/problem+json" in create["409"]["content"]
    assert client.get("/api/docs").status_code == 200


def test_a_wrong_method_is_405_naming_every_method_the_path_answers(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    detail = factories.ticket(hub, admin.agent)
    expected = {f"/api/v1/tickets/{detail.ticket.id}": "GET, HEAD, PATCH",
                "/api/v1/tickets": "GET, HEAD, POST",
                "/static/console.css": "GET, HEAD"}
    for path, allowed in expected.items():
        for method in ("PUT", "DELETE", "PROPFIND"):
            response = client.request(method, path, headers=admin.headers)
            assert response.status_code == 405, (method, path)
            assert response.headers["content-type"] == PROBLEM
            assert response.headers["allow"] == allowed, (method, path)
            assert response.json()["detail"].endswith(f"use {allowed}")


def test_a_wrong_value_for_a_field_that_cannot_be_null_is_named_as_sent(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    detail = factories.ticket(hub, admin.agent)
    response = client.patch(f"/api/v1/tickets/{detail.ticket.id}", headers=admin.headers,
                            json={"status": "deleted", "tags": "x", "subject": "",
                                  "custom_fields": 5, "team_id": "x"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert sorted(e["field"] for e in errors) == [
        "custom_fields", "status", "subject", "tags", "team_id"]
    assert not any("None" in e["message"] for e in errors)
    assert "'open'" in next(e["message"] for e in errors if e["field"] == "status")
    assert response.json()["detail"].startswith("the request is not valid: check status")
