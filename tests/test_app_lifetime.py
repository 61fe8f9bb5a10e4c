"""An application that is dropped is freed, with its hub: nothing process-wide keeps one
alive. A test run builds an app per test, and an embedding may build several; each kept
app held about 9 MB, so a worker that ran the suite grew by gigabytes."""

from __future__ import annotations

import gc
import weakref

from fastapi.testclient import TestClient

from hubdesk.bootstrap import Hub
from hubdesk.server import create_app


def _used_and_dropped(hub: Hub) -> weakref.ref[object]:
    app = create_app(hub)
    with TestClient(app) as client:
        for path in ("/api/docs", "/api/openapi.json", "/healthz", "/login",
                     "/api/v1/tickets"):
            client.get(path)
    return weakref.ref(app)


def test_an_app_that_served_requests_is_freed_once_dropped(hub: Hub) -> None:
    app = _used_and_dropped(hub)
    gc.collect()
    assert app() is None
