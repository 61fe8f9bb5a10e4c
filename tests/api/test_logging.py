"""Logs are JSON lines with a request id, and never carry bodies or personal data."""

import logging

import orjson

from hubdesk.domain.agents import Role
from hubdesk.logs import JsonFormatter
from tests import factories


def test_access_log_has_request_id_and_no_personal_data(hub, client, caplog):
    admin = factories.staff(hub, Role.ADMIN)
    caplog.set_level(logging.INFO, logger="hubdesk.access")
    response = client.post("/api/v1/tickets", headers={**admin.headers, "X-Request-Id": "abc123"},
                           json={"subject": "Card 4111 1111 1111 1111 declined",
                                 "body": "my password is hunter2",
                                 "requester": {"email": "private.person@example.com"}})
    assert response.status_code == 201
    assert response.headers["x-request-id"] == "abc123"
    records = [r for r in caplog.records if r.name == "hubdesk.access"]
    assert records, "one access line per request"
    line = JsonFormatter().format(records[-1])
    entry = orjson.loads(line)
    assert entry["request_id"] == "abc123"
    assert entry["route"] == "/api/v1/tickets" and entry["status"] == 201
    for secret in ("4111", "hunter2", "private.person", "declined"):
        assert secret not in line


def test_request_ids_are_generated_when_missing_or_unsafe(hub, client):
    first = client.get("/healthz").headers["x-request-id"]
    second = client.get("/healthz", headers={"X-Request-Id": "x" * 500}).headers["x-request-id"]
    assert len(first) == 32 and len(second) == 32 and first != second
