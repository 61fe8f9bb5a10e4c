"""Requests that fail in every way leave no personal data in any log line, from any logger."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from hubdesk.domain.agents import Role
from hubdesk.logs import JsonFormatter
from hubdesk.server import create_app
from tests import factories, planted

PERSONAL = {"subject": f"Card {planted.CARD} for {planted.NAME}",
            "body": f"I am {planted.NAME}, card {planted.CARD}, mail {planted.EMAIL}",
            "requester": {"email": planted.EMAIL, "name": planted.NAME}}


# The test's own HTTP client logs the URLs it requests; it is not part of the server.
CLIENT_LOGGERS = ("httpx", "httpcore")


def _lines(records: list[logging.LogRecord]) -> list[str]:
    formatter = JsonFormatter()
    return [formatter.format(record) + repr(record.args) for record in records
            if not record.name.startswith(CLIENT_LOGGERS)]


def _assert_clean(records: list[logging.LogRecord]) -> None:
    lines = _lines(records)
    assert lines, "the failures were logged"
    for marker in planted.MARKERS:
        leaked = [line for line in lines if marker in line]
        assert leaked == [], f"{marker!r} reached the logs"


def test_failing_requests_log_no_personal_data(hub, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # even with SQL logging on
    admin = factories.staff(hub, Role.ADMIN)
    app = create_app(hub)

    @app.get("/explode")
    def explode() -> None:
        raise RuntimeError(f"cannot handle {planted.EMAIL} / {planted.CARD} / {planted.NAME}")

    with TestClient(app, raise_server_exceptions=False) as client:
        invalid = {**PERSONAL, "tags": [f"{planted.NAME}\x00"]}
        assert client.post("/api/v1/tickets", headers=admin.headers,
                           json=invalid).status_code == 422
        assert client.post("/api/v1/tickets", headers=admin.headers,
                           json={**PERSONAL, "team_id": 999}).status_code == 422
        assert client.get(f"/api/v1/tickets?q={planted.NAME}%00",
                          headers=admin.headers).status_code == 422
        assert client.get("/explode", headers=admin.headers).status_code == 500
        assert client.post("/api/v1/tickets", headers=admin.headers,
                           json=PERSONAL).status_code == 201
    _assert_clean(caplog.records)


def test_database_errors_never_quote_their_parameters(hub, caplog):
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("hubdesk.api")
    with pytest.raises(Exception) as raised, hub.engine.connect() as connection:
        connection.execute(text("SELECT * FROM tickets WHERE no_such_column = :who"),
                           {"who": f"{planted.NAME} {planted.EMAIL} {planted.CARD}"})
    assert planted.EMAIL not in str(raised.value)
    try:
        raise RuntimeError("while serving a request") from raised.value
    except RuntimeError:
        log.exception("unhandled error")
    _assert_clean(caplog.records)
    assert "ProgrammingError" in caplog.text or "OperationalError" in caplog.text or \
        "message withheld" in JsonFormatter().format(caplog.records[-1])
