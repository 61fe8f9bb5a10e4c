"""Latency arithmetic and the benchmark's HTTP client against a loopback server."""

from __future__ import annotations

import asyncio
import math

import pytest

from hubdesk.bench.cli import _options
from hubdesk.bench.http import Connection
from hubdesk.bench.stats import percentile, summarise_ms


def test_percentiles_interpolate_between_ranks() -> None:
    values = [0.001 * i for i in range(1, 101)]
    assert percentile(values, 0.5) == pytest.approx(0.0505)
    assert percentile(values, 1.0) == pytest.approx(0.1)
    assert percentile([0.2], 0.99) == 0.2
    assert math.isnan(percentile([], 0.5))
    assert summarise_ms([0.010, 0.020]) == {"p50_ms": 15.0, "p95_ms": 19.5, "p99_ms": 19.9,
                                            "max_ms": 20.0}


async def _serve_and_ask() -> list[tuple[int, bytes]]:
    answers = [
        b"HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    ]
    seen: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while answers:
            request = await reader.readuntil(b"\r\n\r\n")
            seen.append(request)
            if b"Content-Length: 2" in request:
                await reader.readexactly(2)
            writer.write(answers.pop(0))
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    connection = Connection(port, default_headers={"Authorization": "Bearer x"})
    got = []
    for method, body in (("POST", b"{}"), ("GET", b""), ("GET", b"")):
        response = await connection.request(method, "/api/v1/tickets", body)
        got.append((response.status, response.body))
    await connection.close()
    server.close()
    await server.wait_closed()
    assert all(b"Authorization: Bearer x" in r and b"Host: 127.0.0.1" in r for r in seen)
    return got


def test_the_client_reads_sized_chunked_and_closing_responses_on_one_connection() -> None:
    assert asyncio.run(_serve_and_ask()) == [(201, b"hello"), (200, b"abcde"), (503, b"")]


def test_triage_options_are_converted_to_the_benchmarks_parameter_types() -> None:
    def run(messages: int = 10, backend: str = "default", fast: bool = False,
            languages: tuple[str, ...] = ("en",)) -> dict[str, int]:
        return {}

    assert _options(run, ["--messages", "50", "--backend=linear", "--fast",
                          "--languages", "en,fr"]) == {
        "messages": 50, "backend": "linear", "fast": True, "languages": ("en", "fr")}
