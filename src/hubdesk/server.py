"""The ASGI application: the JSON API and the console on one server, with the background
work of the embedded mode. The API and the console know nothing of each other; this module
puts them side by side."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from hubdesk import __version__
from hubdesk.api import app as api
from hubdesk.api.middleware import BodySizeLimit, RequestContext, TargetLimit
from hubdesk.api.responses import JsonResponse
from hubdesk.bootstrap import Hub
from hubdesk.web import console
from hubdesk.worker import start_background


def create_app(hub: Hub) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        background = start_background(hub) if hub.settings.embedded_worker else None
        yield
        if background is not None:
            thread, stop = background
            stop.set()
            thread.join(timeout=5)

    app = FastAPI(
        lifespan=lifespan,
        title="Hubdesk API",
        version=__version__,
        description="Customer-service coordination: tickets, customers, agents, teams.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        default_response_class=JsonResponse,
    )
    app.state.hub = hub
    api.install(app)
    console.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=hub.settings.max_request_bytes)
    app.add_middleware(TargetLimit, max_bytes=hub.settings.max_url_bytes)
    app.add_middleware(RequestContext)
    return app
