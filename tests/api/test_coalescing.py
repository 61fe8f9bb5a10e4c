"""A response's head and body leave the server in one write: the transport wrapper on its
own, and a served application read over a real socket."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.responses import StreamingResponse

from hubdesk.api.coalescing import FLUSH_BYTES, CoalescingTransport
from tests.served import served as serving


class SocketSide(asyncio.Transport):
    """Stands for the socket under the wrapper: records what reaches it, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Any] = []
        self.closing = False

    def write(self, data: Any) -> None:
        self.calls.append(bytes(data))

    def close(self) -> None:
        self.calls.append("close")
        self.closing = True

    def abort(self) -> None:
        self.calls.append("abort")
        self.closing = True

    def is_closing(self) -> bool:
        return self.closing

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 8000) if name == "sockname" else default


async def _next_turn() -> None:
    await asyncio.sleep(0)


def test_writes_of_one_turn_leave_together_at_its_end():
    async def scenario() -> list[Any]:
        below = SocketSide()
        wrapper = CoalescingTransport(below, asyncio.get_running_loop())
        wrapper.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        wrapper.write(memoryview(b"{}"))
        assert below.calls == []  # nothing yet: the turn is not over
        assert wrapper.get_write_buffer_size() == 40
        await _next_turn()
        first = list(below.calls)
        wrapper.write(b"next")
        await _next_turn()
        return [first, below.calls[1:]]

    first, later = asyncio.run(scenario())
    assert first == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]
    assert later == [b"next"]  # a later turn's writes are a batch of their own


def test_large_writes_are_not_held_and_order_is_kept():
    async def scenario() -> list[Any]:
        below = SocketSide()
        wrapper = CoalescingTransport(below, asyncio.get_running_loop())
        big = b"x" * FLUSH_BYTES
        wrapper.write(big)  # nothing held: straight through
        assert below.calls == [big]
        wrapper.write(b"head")
        wrapper.write(big)  # together past the limit: sent at once, after what was held
        assert below.calls == [big, b"head" + big]
        wrapper.write(b"")  # nothing to send schedules nothing
        await _next_turn()
        return below.calls

    assert asyncio.run(scenario()) == [b"x" * FLUSH_BYTES, b"head" + b"x" * FLUSH_BYTES]


def test_close_sends_what_is_held_first_and_abort_drops_it():
    async def scenario() -> tuple[list[Any], list[Any]]:
        loop = asyncio.get_running_loop()
        closed, aborted = SocketSide(), SocketSide()
        wrapper = CoalescingTransport(closed, loop)
        wrapper.write(b"last words")
        wrapper.close()
        other = CoalescingTransport(aborted, loop)
        other.write(b"never sent")
        other.abort()
        await _next_turn()
        wrapper.write(b"after close")  # the socket is closing: dropped, as asyncio does
        await _next_turn()
        return closed.calls, aborted.calls

    closed, aborted = asyncio.run(scenario())
    assert closed == [b"last words", "close"]
    assert aborted == ["abort"]


def test_everything_else_is_the_socket_s():
    async def scenario() -> Any:
        wrapper = CoalescingTransport(SocketSide(), asyncio.get_running_loop())
        return wrapper.get_extra_info("sockname")

    assert asyncio.run(scenario()) == ("127.0.0.1", 8000)


def _application() -> FastAPI:
    app = FastAPI()

    @app.get("/small")
    def small() -> dict[str, str]:
        return {"answer": "yes"}

    @app.get("/stream")
    def stream() -> StreamingResponse:
        return StreamingResponse(iter([b"one\n", b"two\n", b"three\n"]),
                                 media_type="text/plain")

    return app


@pytest.fixture
def served() -> Iterator[int]:
    with serving(_application()) as port:
        yield port


# struct tcp_info (linux/tcp.h) grows only at its end: data segments received, kernel 4.6+.
TCP_INFO_DATA_SEGS_IN = slice(152, 156)


def _data_segments_received(connection: socket.socket) -> int:
    info = connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
    if len(info) < TCP_INFO_DATA_SEGS_IN.stop:
        pytest.skip("this kernel does not count the data segments a socket receives")
    return int.from_bytes(info[TCP_INFO_DATA_SEGS_IN], "little")


def _read_answer(connection: socket.socket) -> bytes:
    received = b""
    while b"\r\n\r\n" not in received:
        received += connection.recv(65536)
    head, _, body = received.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length")))
    while len(body) < length:
        body += connection.recv(65536)
    assert head.startswith(b"HTTP/1.1 200")
    return body


def test_each_answer_is_one_segment(served):
    """Written in two parts, the head and the body are two TCP segments (and two wake-ups
    of the reader); written at once, one."""
    with socket.create_connection(("127.0.0.1", served), timeout=5) as connection:
        for _ in range(5):
            before = _data_segments_received(connection)
            connection.sendall(b"GET /small HTTP/1.1\r\nHost: test\r\n\r\n")
            assert _read_answer(connection) == b'{"answer":"yes"}'
            assert _data_segments_received(connection) - before == 1


def test_streams_and_closing_connections_still_answer_in_full(served):
    with socket.create_connection(("127.0.0.1", served), timeout=5) as connection:
        connection.sendall(b"GET /stream HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"transfer-encoding: chunked" in head.lower()
    assert body == b"4\r\none\n\r\n4\r\ntwo\n\r\n6\r\nthree\n\r\n0\r\n\r\n"
