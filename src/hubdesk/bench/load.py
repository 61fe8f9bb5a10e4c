"""Driving a server: C concurrent keep-alive clients working through a list of requests."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from hubdesk.bench.http import Connection, Response

log = logging.getLogger("hubdesk.bench")
REQUEST_TIMEOUT_SECONDS = 30.0
T = TypeVar("T")


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    errors: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0


def run_async(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run on uvloop when installed: the client shares the CPU, so its loop should be cheap."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        return asyncio.run(main())
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main())


async def drive(port: int, requests: Sequence[bytes], concurrency: int, *,
                expect: int = 200, deadline_seconds: float = 600.0,
                on_response: Callable[[Response], None] | None = None) -> LoadResult:
    """Send every request once, ``concurrency`` at a time, each client on its own connection."""
    result = LoadResult()
    pending = iter(requests)
    stop_at = time.perf_counter() + deadline_seconds

    async def client() -> None:
        connection = Connection(port)
        try:
            for raw in pending:
                if time.perf_counter() > stop_at:
                    result.errors += 1
                    result.statuses["deadline"] += 1
                    continue
                started = time.perf_counter()
                try:
                    async with asyncio.timeout(REQUEST_TIMEOUT_SECONDS):
                        response = await connection.send(raw)
                except (OSError, TimeoutError, asyncio.IncompleteReadError) as error:
                    await connection.close()
                    result.errors += 1
                    result.statuses[type(error).__name__] += 1
                    continue
                if response.status == expect:
                    result.latencies.append(time.perf_counter() - started)
                    if on_response is not None:
                        on_response(response)
                else:
                    result.errors += 1
                    if result.statuses[str(response.status)] == 0:
                        log.warning("unexpected %s: %s", response.status, response.body[:300])
                result.statuses[str(response.status)] += 1
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result


def encoder(port: int, token: str | None = None,
            headers: dict[str, str] | None = None) -> Connection:
    """A connection used only to build request bytes ahead of a timed run."""
    common = dict(headers or {})
    if token:
        common["Authorization"] = f"Bearer {token}"
    return Connection(port, default_headers=common)
