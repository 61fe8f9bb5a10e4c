"""Driving a server: C concurrent keep-alive clients working through a list of requests."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from hubdesk.bench.http import Connection, HttpError, Response

log = logging.getLogger("hubdesk.bench")
REQUEST_TIMEOUT_SECONDS = 30.0
T = TypeVar("T")


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    errors: int = 0  # requests sent that did not succeed
    statuses: Counter[str] = field(default_factory=Counter)  # every answer, good or bad
    failures: Counter[str] = field(default_factory=Counter)  # failed ones by status or error
    abandoned: int = 0  # never sent: the deadline passed or the error budget was spent
    elapsed: float = 0.0

    @property
    def successes(self) -> int:
        return len(self.latencies)

    def fail(self, reason: str) -> None:
        self.errors += 1
        self.failures[reason] += 1
        self.statuses[reason] += 1


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
                max_errors: int | None = None,
                on_response: Callable[[Response], None] | None = None) -> LoadResult:
    """Send every request once, ``concurrency`` at a time, each client on its own connection.

    A failed request (another status, a broken connection, an unreadable answer) is counted
    and the run goes on; it stops sending only once the deadline passes or ``max_errors``
    requests have failed, and counts what it did not send as abandoned."""
    result = LoadResult()
    pending = iter(requests)
    stop_at = time.perf_counter() + deadline_seconds

    def exhausted() -> bool:
        over_budget = max_errors is not None and result.errors >= max_errors
        return over_budget or time.perf_counter() > stop_at

    async def client() -> None:
        connection = Connection(port)
        try:
            for raw in pending:
                if exhausted():
                    result.abandoned += 1
                    continue
                await _send_one(connection, raw, expect, result, on_response)
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    if result.abandoned:
        log.warning("%s requests not sent: the deadline passed or %s requests failed",
                    result.abandoned, result.errors)
    return result


async def _send_one(connection: Connection, raw: bytes, expect: int, result: LoadResult,
                    on_response: Callable[[Response], None] | None) -> None:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(REQUEST_TIMEOUT_SECONDS):
            response = await connection.send(raw)
    except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
            HttpError, ValueError) as error:
        # The connection's state is unknown after a half-read answer: start a new one.
        await connection.close()
        result.fail(type(error).__name__)
        return
    if response.status != expect:
        if result.failures[str(response.status)] == 0:
            log.warning("unexpected %s: %s", response.status, response.body[:300])
        result.fail(str(response.status))
        return
    result.latencies.append(time.perf_counter() - started)
    result.statuses[str(response.status)] += 1
    if on_response is not None:
        on_response(response)


def encoder(port: int, token: str | None = None,
            headers: dict[str, str] | None = None) -> Connection:
    """A connection used only to build request bytes ahead of a timed run."""
    common = dict(headers or {})
    if token:
        common["Authorization"] = f"Bearer {token}"
    return Connection(port, default_headers=common)
