"""The lean path for POST /api/v1/tickets (`api/intake_path.py`) answers every request as the
framework's route does: the same status, headers and body, on both databases. Each case is
sent to an application without the lean path, then to one with it, on the same desk."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import starlette.routing
from fastapi.testclient import TestClient

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Role
from hubdesk.server import create_app
from tests import factories

NEW = {"subject": "Charged twice for order 1042",
       "body": "My card 4111 1111 1111 1111 shows two payments, please refund one.",
       "requester": {"email": "Jane.Doe@Example.com", "name": "Jane Doe"},
       "channel": "email", "tags": ["Billing", "refund"], "category": "billing",
       "custom_fields": {"order": "1042"}, "body_html": "<p>My card <b>twice</b></p>"}
MINIMAL = {"subject": "Where is my parcel?", "body": "It has been ten days.",
           "requester": {"email": "parcel@example.com"}}
# Values that change from one request to the next, whichever path answered.
VOLATILE_KEYS = {"id", "number", "ticket_id", "message_id", "created_at", "updated_at",
                 "due_at", "started_at", "at", "elapsed_seconds", "remaining_seconds"}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


@pytest.fixture
def clients(hub: Hub) -> Iterator[tuple[TestClient, TestClient]]:
    with TestClient(create_app(hub, lean_intake=False), raise_server_exceptions=False) \
            as framework, \
            TestClient(create_app(hub), raise_server_exceptions=False) as lean:
        yield framework, lean


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "*" if k in VOLATILE_KEYS else _stable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    if isinstance(value, str) and TIMESTAMP.match(value):
        return "*"
    return value


def _answer(response: Any) -> tuple[int, str, list[str], Any]:
    names = sorted(k for k in response.headers if k not in ("x-request-id", "content-length"))
    try:
        body = _stable(response.json())
    except ValueError:
        body = response.text
    return response.status_code, response.headers.get("content-type", ""), names, body


def _post(client: TestClient, body: Any, headers: dict[str, str], raw: bytes | None = None,
          path: str = "/api/v1/tickets") -> Any:
    content = raw if raw is not None else json.dumps(body).encode()
    return client.post(path, content=content,
                       headers={"Content-Type": "application/json", **headers})


def _same_on_both(clients: tuple[TestClient, TestClient], body: Any,
                  headers: dict[str, str], raw: bytes | None = None) -> tuple[Any, Any]:
    framework, lean = clients
    expected = _post(framework, body, headers, raw)
    got = _post(lean, body, headers, raw)
    assert _answer(got) == _answer(expected)
    return expected, got


def test_a_new_ticket_is_answered_alike_and_stored_alike(hub, clients):
    admin = factories.staff(hub, Role.ADMIN)
    _, got = _same_on_both(clients, NEW, admin.headers)
    assert got.status_code == 201
    assert got.headers["location"] == f"/api/v1/tickets/{got.json()['id']}"
    assert "4111 1111 1111 1111" not in got.text  # masked on this path too
    stored = clients[1].get(got.headers["location"], headers=admin.headers).json()
    assert _stable(stored) == _stable(got.json())
    _same_on_both(clients, MINIMAL, admin.headers)


@pytest.mark.parametrize("body, raw", [
    ({**MINIMAL, "requester": {}}, None),
    ({**MINIMAL, "subject": ""}, None),
    ({**MINIMAL, "requester": {"email": "nobody@", "name": "N"}}, None),
    ({**MINIMAL, "requester": {"email": "a@example.com", "name": "A\u0000B"}}, None),
    ({**MINIMAL, "tags": ["x"] * 51}, None),
    ({**MINIMAL, "priority": "whenever"}, None),
    ({**MINIMAL, "unexpected": 1}, None),
    (None, b'{"subject": "half a body'),
    (None, b"[1, 2]"),
    (None, b'{"subject": "s", "body": "b", "requester": {"email": "a@example.com"}, '
           b'"custom_fields": {"n": 123456789012345678901234567890}}'),
    (None, b'{"subject": "s", "body": "b", "requester": {"email": "a@example.com"}, '
           b'"custom_fields": {"x": "\\ud800"}}'),
    (None, b'{"subject": NaN}'),
], ids=["no-requester", "empty-subject", "bad-email", "nul-name", "too-many-tags",
        "unknown-priority", "unknown-field", "truncated", "array", "huge-integer",
        "lone-surrogate", "nan"])
def test_a_refused_body_is_refused_alike(hub, clients, body, raw):
    admin = factories.staff(hub, Role.ADMIN)
    expected, _ = _same_on_both(clients, body, admin.headers, raw)
    assert expected.status_code == 422, expected.text


@pytest.mark.parametrize("change, status", [
    ({"team_id": 2**40}, 422),
    ({"requester": {"id": 2**40}}, 422),
    ({"requester": {"phone": "+44 20 7946 0000"}}, 422),
])
def test_a_service_refusal_is_answered_alike(hub, clients, change, status):
    admin = factories.staff(hub, Role.ADMIN)
    expected, _ = _same_on_both(clients, {**MINIMAL, **change}, admin.headers)
    assert expected.status_code == status, expected.text


@pytest.mark.parametrize("headers, status", [
    ({}, 401),
    ({"Authorization": "Bearer not-a-token"}, 401),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, 401),
])
def test_an_unauthenticated_request_is_refused_alike(hub, clients, headers, status):
    expected, _ = _same_on_both(clients, MINIMAL, headers)
    assert expected.status_code == status


def test_idempotency_keys_replay_and_conflict_alike(hub, clients):
    admin = factories.staff(hub, Role.ADMIN)
    for side, client in zip(("framework", "lean"), clients, strict=True):
        keyed = {**admin.headers, "Idempotency-Key": f"key-{side}"}
        first = _post(client, MINIMAL, keyed)
        replay = _post(client, MINIMAL, keyed)
        other = _post(client, NEW, keyed)
        assert (first.status_code, replay.status_code, other.status_code) == (201, 200, 409)
        assert replay.headers["idempotent-replayed"] == "true"
        assert replay.json()["id"] == first.json()["id"]
    too_long = {**admin.headers, "Idempotency-Key": "k" * 201}
    expected, _ = _same_on_both(clients, MINIMAL, too_long)
    assert expected.status_code == 422


def test_a_representative_lands_in_their_own_queue_on_both_paths(hub, clients):
    team = factories.team(hub)
    rep = factories.staff(hub, Role.REPRESENTATIVE, teams=(team,))
    expected, got = _same_on_both(clients, MINIMAL, rep.headers)
    assert expected.json()["team_id"] == got.json()["team_id"] == team.id


def test_only_plain_requests_take_the_lean_path(hub, clients, monkeypatch):
    """A plain request never reaches the framework's router; anything unusual does, and is
    answered by it."""
    routed = []
    route = starlette.routing.Router.__call__

    async def counting(self: Any, scope: Any, receive: Any, send: Any) -> None:
        routed.append(scope["path"])
        await route(self, scope, receive, send)

    monkeypatch.setattr(starlette.routing.Router, "__call__", counting)
    _, lean = clients
    admin = factories.staff(hub, Role.ADMIN)
    assert _post(lean, MINIMAL, admin.headers).status_code == 201
    assert routed == []
    unusual = [
        _post(lean, MINIMAL, admin.headers, path="/api/v1/tickets?source=form"),
        lean.post("/api/v1/tickets", content=json.dumps(MINIMAL),
                  headers={**admin.headers, "Content-Type": "text/plain"}),
        _post(lean, {**MINIMAL, "subject": ""}, admin.headers),
        lean.post("/api/v1/tickets", content=json.dumps(MINIMAL),
                  headers=[("Authorization", admin.headers["Authorization"]),
                           ("Content-Type", "application/json"),
                           ("Idempotency-Key", "one"), ("Idempotency-Key", "two")]),
    ]
    assert len(routed) == len(unusual)
    assert [r.status_code for r in unusual] == [201, 422, 422, 201]


def test_the_lean_path_works_on_its_own_threads_with_the_requests_context(hub, clients,
                                                                          monkeypatch):
    """The route's work runs on intake's threads (not the event loop's, not anyio's), with
    the context variables of the request's task."""
    import contextvars
    import threading

    from hubdesk.api import intake_path

    marker: contextvars.ContextVar[str] = contextvars.ContextVar("marker", default="unset")
    seen = []
    route_function = intake_path.open_ticket

    def watching(*args: Any) -> Any:
        seen.append((threading.current_thread().name, marker.get()))
        return route_function(*args)

    async def marking(scope: Any, receive: Any, send: Any, app: Any) -> None:
        marker.set("request")
        await app(scope, receive, send)

    monkeypatch.setattr(intake_path, "open_ticket", watching)
    _, lean = clients
    admin = factories.staff(hub, Role.ADMIN)
    lean.app.middleware_stack = partial_middleware(marking, lean.app.middleware_stack)
    assert _post(lean, MINIMAL, admin.headers).status_code == 201
    [(thread, value)] = seen
    assert thread.startswith("intake") and value == "request"


def partial_middleware(middleware: Any, app: Any) -> Any:
    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        await middleware(scope, receive, send, app)
    return wrapped
