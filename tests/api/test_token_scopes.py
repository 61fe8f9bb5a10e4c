"""Read-only and expiring tokens at the API's door, the intake path's included."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from hubdesk.bootstrap import assemble
from hubdesk.domain.agents import Role
from hubdesk.domain.tokens import SAFE_METHODS, TokenScope
from hubdesk.server import create_app
from hubdesk.services.auth import TokenCache, create_token
from tests import factories

TICKET = {"subject": "Parcel never came", "body": "Ordered three weeks ago.",
          "requester": {"email": "noor@example.net", "name": "Noor"}}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _read_only(hub, staff) -> dict[str, str]:
    return _bearer(create_token(hub.uows, staff.agent, staff.agent.email, "reports",
                                scope=TokenScope.READ))


def test_a_read_only_token_reads_but_cannot_open_a_ticket(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    reader = _read_only(hub, admin)
    assert client.get("/api/v1/tickets", headers=reader).status_code == 200
    refused = client.post("/api/v1/tickets", json=TICKET, headers=reader)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "scope is 'read'" in refused.json()["detail"]
    assert client.get("/api/v1/tickets", headers=admin.headers).json()["items"] == []
    assert client.post("/api/v1/tickets", json=TICKET, headers=admin.headers).status_code == 201


def _changing_routes(client):
    """Every path and unsafe method the API documents, with 1 for each path parameter."""
    paths = client.get("/api/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method in sorted(m.upper() for m in operations):
            if method not in SAFE_METHODS:
                yield method, re.sub(r"\{[^}]+\}", "1", path)


def test_every_change_the_api_offers_is_refused_to_a_read_only_token(hub, client):
    reader = _read_only(hub, factories.staff(hub, Role.ADMIN))
    changes = list(_changing_routes(client))
    assert len(changes) > 50
    answers = {(method, path): client.request(method, path, json={}, headers=reader)
               for method, path in changes}
    wrong = {k: (r.status_code, r.text[:80]) for k, r in answers.items()
             if r.status_code != 403 or "scope is 'read'" not in r.json().get("detail", "")}
    assert wrong == {}


@pytest.fixture
def clocks():
    class Clocks:
        monotonic = 0.0
        wall = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    return Clocks()


@pytest.fixture
def cached_client(hub, clocks):
    """A server whose token cache trusts an entry for five seconds (the default), on clocks
    of our own."""
    cached = assemble(hub.settings, hub.engine, tokens=TokenCache(
        5, clock=lambda: clocks.monotonic, now=lambda: clocks.wall))
    with TestClient(create_app(cached), raise_server_exceptions=False) as test_client:
        yield test_client


def test_an_expired_token_is_refused_at_once_though_the_cache_still_holds_it(
        hub, cached_client, clocks):
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    token = _bearer(create_token(hub.uows, rep.agent, rep.agent.email, "week", now=clocks.wall,
                                 expires_in_days=7))
    clocks.wall += timedelta(days=7, seconds=-1)
    assert cached_client.get("/api/v1/tickets", headers=token).status_code == 200
    clocks.wall += timedelta(seconds=1)
    clocks.monotonic += 1  # well within the cache's time
    for answer in (cached_client.get("/api/v1/tickets", headers=token),
                   cached_client.post("/api/v1/tickets", json=TICKET, headers=token)):
        assert answer.status_code == 401
        assert "expired" in answer.json()["detail"]
    assert cached_client.get("/api/v1/tickets", headers=rep.headers).status_code == 200


def test_requests_write_no_last_use_of_their_own(hub, cached_client, clocks):
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    written: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "api_tokens" in statement and statement.lstrip().upper().startswith("UPDATE"):
            written.append(statement)

    event.listen(hub.engine, "before_cursor_execute", record)
    try:
        for _ in range(30):
            assert cached_client.post("/api/v1/tickets", json=TICKET,
                                      headers=rep.headers).status_code == 201
            assert cached_client.get("/api/v1/tickets", headers=rep.headers).status_code == 200
            clocks.monotonic += 1  # every fifth second the database is asked again
            clocks.wall += timedelta(seconds=1)
    finally:
        event.remove(hub.engine, "before_cursor_execute", record)
    # 60 requests over half a minute, six of them checked against the database: one write
    assert len(written) == 1
