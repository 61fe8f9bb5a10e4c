"""Driving a loopback server that fails in every way a server can: failures are counted by
status or error and the run goes on, within its error budget."""

from __future__ import annotations

import asyncio

from hubdesk.bench.load import LoadResult, drive

ANSWERS = {
    b"ok": b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
    b"no": b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n",
    b"junk": b"garbage\r\n\r\n",  # not HTTP: the client cannot read it
}


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
            body = await reader.readexactly(length)
            if body == b"hangup":  # the connection drops without an answer
                break
            writer.write(ANSWERS[body])
            await writer.drain()
            if body == b"junk":
                break
    except asyncio.IncompleteReadError:
        pass
    finally:
        writer.close()


def _request(body: bytes) -> bytes:
    return (b"POST /t HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)


async def _drive(bodies: list[bytes], concurrency: int,
                 max_errors: int | None = None) -> LoadResult:
    server = await asyncio.start_server(_handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        return await drive(port, [_request(b) for b in bodies], concurrency, expect=201,
                           max_errors=max_errors, deadline_seconds=30)
    finally:
        server.close()
        await server.wait_closed()


def test_failed_requests_are_counted_by_kind_and_the_run_goes_on() -> None:
    bodies = [b"ok"] * 12 + [b"no"] * 3 + [b"junk"] * 2 + [b"hangup"] * 2 + [b"ok"] * 8
    result = asyncio.run(_drive(bodies, concurrency=3))

    assert result.successes == 20 and len(result.latencies) == 20
    assert result.errors == 7
    assert dict(result.failures) == {"500": 3, "HttpError": 2, "IncompleteReadError": 2}
    assert result.statuses["201"] == 20 and result.abandoned == 0


def test_once_the_error_budget_is_spent_the_rest_is_abandoned_not_sent() -> None:
    result = asyncio.run(_drive([b"no"] * 10 + [b"ok"] * 10, concurrency=1, max_errors=4))

    assert (result.errors, result.successes, result.abandoned) == (4, 0, 16)
    assert dict(result.failures) == {"500": 4}
