"""Helpers for job tests: bounded waiting, the records table."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from tests.jobs.recording import recording_table


def wait_until(condition: Callable[[], bool], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {seconds}s waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def recorded(hub) -> Iterator[None]:
    with recording_table(hub.engine):
        yield
