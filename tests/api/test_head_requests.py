"""HEAD is answered wherever GET is, with GET's status and headers and no body, over a real
socket against a served application (the server's own handling of HEAD is part of it)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Role
from hubdesk.server import create_app
from tests import factories
from tests.served import served as serving
from tests.web.pages import sign_in


@pytest.fixture
def served(hub: Hub) -> Iterator[int]:
    with serving(create_app(hub)) as port:
        yield port


def _ask(port: int, method: str, target: str, headers: dict[str, str] | None = None
         ) -> tuple[int, dict[str, str], bytes]:
    """One request on its own connection, read until the server closes it: a response that
    did not end would run into the socket's timeout."""
    lines = [f"{method} {target} HTTP/1.1", "Host: test", "Connection: close",
             *(f"{name}: {value}" for name, value in (headers or {}).items())]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    found = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in header_lines)}
    return int(status_line.split()[1]), found, body


def test_head_gets_what_get_gets_without_the_body(hub, served):
    admin = factories.staff(hub, Role.ADMIN)
    ticket = factories.ticket(hub, admin.agent).ticket
    token = {"Authorization": admin.headers["Authorization"]}
    for target, headers in [("/healthz", {}), ("/readyz", {}), ("/login", {}),
                            ("/api/v1/tickets?limit=5", token),
                            (f"/api/v1/tickets/{ticket.id}", token),
                            ("/api/v1/tickets", {}), ("/api/openapi.json", {}),
                            ("/static/console.css", {})]:
        got_status, got_headers, got_body = _ask(served, "GET", target, headers)
        status, head_headers, body = _ask(served, "HEAD", target, headers)
        assert (status, body) == (got_status, b""), target
        assert got_body, target
        assert head_headers["content-type"] == got_headers["content-type"], target
        assert int(head_headers["content-length"]) == len(got_body), target
    assert _ask(served, "HEAD", "/tickets")[0] == 303  # the console's pages sign in first


def test_head_where_get_is_not_answered_is_refused_as_get_would_be(served):
    status, headers, body = _ask(served, "HEAD", "/no/such/page")
    assert (status, body) == (404, b"")
    status, headers, body = _ask(served, "HEAD", "/api/v1/mail/inbound")
    assert (status, body) == (405, b"")
    assert "HEAD" not in headers["allow"]


def test_head_of_the_live_stream_ends_with_its_headers(hub, served):
    rep = factories.staff(hub, with_password=True)
    with TestClient(create_app(hub)) as client:
        sign_in(client, rep.agent)
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    status, headers, body = _ask(served, "HEAD", "/events", {"Cookie": cookie})
    assert (status, body) == (200, b"")
    assert headers["content-type"].startswith("text/event-stream")
