"""The ASGI application: the JSON API and the console on one server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from hubdesk import __version__
from hubdesk.api import problems
from hubdesk.api.middleware import BodySizeLimit, RequestContext, TargetLimit
from hubdesk.api.responses import JsonResponse
from hubdesk.api.routes import directory, health, safety, tickets, webhooks
from hubdesk.bootstrap import Hub
from hubdesk.worker import start_background


def create_app(hub: Hub) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        relay = start_background(hub) if hub.settings.embedded_worker else None
        yield
        if relay is not None:
            thread, stop = relay
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
    problems.install(app)
    app.include_router(health.router)
    app.include_router(tickets.router)
    app.include_router(tickets.attachments)
    app.include_router(directory.router)
    app.include_router(safety.router)
    app.include_router(webhooks.router)
    _mount_console(app)
    app.add_middleware(BodySizeLimit, max_bytes=hub.settings.max_request_bytes)
    app.add_middleware(TargetLimit, max_bytes=hub.settings.max_url_bytes)
    app.add_middleware(RequestContext)
    return app


def _mount_console(app: FastAPI) -> None:
    from hubdesk.web import console

    console.install(app)
