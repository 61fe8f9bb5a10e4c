"""Over-long request targets are answered as problem+json, whether the application or the
HTTP protocol refuses them, over a real socket against a served application."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import orjson
import pytest

from hubdesk.bootstrap import Hub
from hubdesk.server import create_app
from tests.served import served as serving


@pytest.fixture
def served(hub: Hub) -> Iterator[int]:
    with serving(create_app(hub)) as port:
        yield port


def _get(port: int, target: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize(("length", "status"), [(20_000, 414), (70_000, 400), (500_000, 400)])
def test_long_targets_are_problem_json(served, length, status):
    code, headers, body = _get(served, b"/api/v1/tickets?q=" + b"a" * length)
    assert code == status
    assert headers["content-type"] == "application/problem+json"
    problem = orjson.loads(body)
    assert problem["status"] == status and "long" in problem["detail"].lower()


def test_ordinary_targets_still_reach_the_application(served):
    code, headers, _ = _get(served, b"/healthz?x=" + b"a" * 1000)
    assert code == 200 and headers["content-type"] == "application/json"
