"""Over-long request targets are answered as problem+json, whether the application or the
HTTP protocol refuses them, over a real socket against a served application."""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterator

import orjson
import pytest

from hubdesk.api import middleware
from hubdesk.api.middleware import MAX_HEAD_BYTES
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


def _send(port: int, head: bytes, chunk: int = 65536) -> tuple[int, bytes]:
    """Sends ``head`` a piece at a time, as a client streaming it would, stopping once the
    server answers, and returns the status answered and its body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        for start in range(0, len(head), chunk):
            if select.select([conn], [], [], 0.02)[0]:
                break
            conn.sendall(head[start:start + chunk])
        received = b""
        while piece := conn.recv(65536):
            received += piece
    status_line, _, rest = received.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def test_a_huge_header_is_refused_before_the_server_reads_it_all(served):
    # A 64 MB header took the parser seconds of CPU (its cost grows with the square of the
    # length), holding every other request; it is refused once the head passes the bound.
    head = b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Filler: " + b"a" * (64 << 20) + \
        b"\r\nConnection: close\r\n\r\n"
    status, body = _send(served, head)
    assert status == 431
    problem = orjson.loads(body)
    assert problem["status"] == 431 and "headers" in problem["detail"]


def test_many_headers_count_together(served):
    head = b"GET /healthz HTTP/1.1\r\nHost: test\r\n" + \
        b"".join(b"X-Filler-%d: %s\r\n" % (i, b"a" * 100) for i in range(3000)) + \
        b"Connection: close\r\n\r\n"
    assert _send(served, head)[0] == 431


def test_ordinary_heads_and_large_bodies_still_pass(served):
    cookie = b"Cookie: hubdesk_session=" + b"c" * 4000 + b"\r\n"
    assert _send(served, b"GET /healthz HTTP/1.1\r\nHost: test\r\n" + cookie +
                 b"Connection: close\r\n\r\n")[0] == 200
    # the body of a request is not its head: a large one is read past the bound
    body = b'{"subject": "' + b"a" * (MAX_HEAD_BYTES * 3) + b'"}'
    status, _ = _send(served, b"POST /api/v1/tickets HTTP/1.1\r\nHost: test\r\n"
                      b"Content-Type: application/json\r\nContent-Length: " +
                      str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    assert status == 401


def test_requests_kept_alive_each_have_their_own_bound(served):
    one = b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Filler: " + b"a" * (MAX_HEAD_BYTES // 2) + \
        b"\r\n\r\n"
    with socket.create_connection(("127.0.0.1", served), timeout=10) as conn:
        for _ in range(4):
            conn.sendall(one)
            received = b""
            while b'"ok"' not in received:
                piece = conn.recv(65536)
                assert piece, "the connection closed"
                received += piece
            assert received.startswith(b"HTTP/1.1 200")


@pytest.fixture
def quick_heads(monkeypatch):
    monkeypatch.setattr(middleware, "HEAD_SECONDS", 0.5)


def _closed_within(conn: socket.socket, seconds: float) -> bytes:
    """What the server sent before closing ``conn``; fails if it is still open after
    ``seconds``."""
    conn.settimeout(seconds)
    received = b""
    try:
        while piece := conn.recv(65536):
            received += piece
    except TimeoutError:
        pytest.fail(f"the connection was still open after {seconds} seconds")
    return received


def test_a_head_trickled_a_byte_at_a_time_is_cut_off(quick_heads, served):
    with socket.create_connection(("127.0.0.1", served), timeout=5) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n")
        started = time.monotonic()
        for _ in range(3):
            conn.sendall(b"X")  # each byte in time would have kept it open for ever
            time.sleep(0.2)
        received = _closed_within(conn, 5)
    assert received.startswith(b"HTTP/1.1 408")
    assert orjson.loads(received.partition(b"\r\n\r\n")[2])["status"] == 408
    assert time.monotonic() - started < 3


def test_a_connection_that_never_sends_is_closed(quick_heads, served):
    with socket.create_connection(("127.0.0.1", served), timeout=5) as conn:
        assert _closed_within(conn, 5).startswith(b"HTTP/1.1 408")


def test_the_next_request_on_a_kept_connection_is_timed_too(quick_heads, served):
    with socket.create_connection(("127.0.0.1", served), timeout=5) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        received = b""
        while b'"ok"' not in received:
            received += conn.recv(65536)
        conn.sendall(b"GET /healthz HTTP/1.1\r\n")  # ends the keep-alive wait, then stalls
        assert _closed_within(conn, 5).startswith(b"HTTP/1.1 408")


def test_a_slow_response_is_not_a_slow_head(quick_heads, served):
    # the clock runs while a head is read, never while the application answers
    with socket.create_connection(("127.0.0.1", served), timeout=5) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        time.sleep(1)
        received = b""
        while b'"ok"' not in received:
            received += conn.recv(65536)
        assert received.startswith(b"HTTP/1.1 200")
