"""An application served by uvicorn in a thread, with the HTTP protocol `hubdesk serve` uses,
for tests that talk to it over a real socket."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import pytest
import uvicorn

from hubdesk.api.middleware import ProblemHttpProtocol


@contextmanager
def served(app: Any, *, lifespan: Literal["on", "off"] = "off") -> Iterator[int]:
    """The port ``app`` answers on, on 127.0.0.1, until the block ends."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None,
                            access_log=False, http=ProblemHttpProtocol, lifespan=lifespan)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.02)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
