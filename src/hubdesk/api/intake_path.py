"""POST /api/v1/tickets answered beside the framework's routing and dependency layers.

Intake is the one request a desk receives by the hundred per second. Through FastAPI, the
route's lookup, its dependency solving and its exception layers cost about a tenth of the
server's time per ticket (see bench/README.md), for work that never varies: a bearer token,
a JSON body, one schema. This middleware does that work itself for requests it can read
plainly, and calls the route's own function (`routes.tickets.open_ticket`) with the same
schema, answering service errors through the application's own exception handlers.

The route's work runs on intake's own threads (`_IntakeThreads`), handed over by the event
loop's executor rather than by anyio: anyio's hand-off (its capacity limiter, cancel scope and
worker bookkeeping) costs about twice the CPU, and at intake's rate that is a few per cent of
the server's time. The request's context variables go with the work, as they would through
anyio.

Anything unusual goes to the framework untouched, which then answers exactly as it always
does: another path, method or query string, a body that is not JSON or not valid, a token
that does not authenticate or may only read, a header sent twice. Nothing has been written
by then, so the framework's answer is the only one. The middleware sits inside the request
id, target and size limits, which therefore apply to both paths.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from hubdesk.api.middleware import replaying
from hubdesk.api.routes.tickets import MAX_IDEMPOTENCY_KEY, open_ticket
from hubdesk.api.schemas import TicketIn
from hubdesk.domain.agents import Agent
from hubdesk.domain.tokens import TokenGrant

PATH = "/api/v1/tickets"
_READ_HEADERS = (b"authorization", b"content-type", b"idempotency-key")


class IntakePath:
    def __init__(self, app: ASGIApp, api: FastAPI) -> None:
        self.app = app
        self.api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _plain_intake_headers(scope)
        if headers is None:
            await self.app(scope, receive, send)
            return
        body = await _whole_body(receive)
        if body is None:  # the client went away before sending it all
            return
        framework = partial(self.app, scope, replaying(body, receive), send)
        # In the framework's order: the body is parsed, then the caller authenticated, then
        # the body and headers validated; whatever the framework would refuse, it answers.
        data = _json_object(body)
        if data is None:
            await framework()
            return
        try:
            response = await self._open(headers, data)
        except Exception as error:
            handler = self._handler_for(error)
            if handler is None:
                raise
            response = await handler(Request(scope, receive), error)
        if response is None:
            await framework()
            return
        await response(scope, receive, send)

    async def _open(self, headers: dict[bytes, str], data: dict[str, Any]) -> Response | None:
        """The answer to a request by an authenticated caller with a valid body, once the
        ticket is opened; None for the framework to answer."""
        agent = await self._agent(headers)
        if agent is None:
            return None
        ticket = _valid_ticket(data)
        key = headers.get(b"idempotency-key")
        if ticket is None or (key is not None and len(key) > MAX_IDEMPOTENCY_KEY):
            return None
        response: Response = await _INTAKE_THREADS.run(
            open_ticket, self.api.state.hub.app, agent, ticket, key)
        return response

    async def _agent(self, headers: dict[bytes, str]) -> Agent | None:
        """The agent behind a valid bearer token whose scope allows opening tickets,
        authenticated as the route's dependency does; without one, the framework answers
        (with its challenge, or naming the scope)."""
        scheme, _, token = headers.get(b"authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return None
        auth = self.api.state.hub.app.auth
        grant: TokenGrant | None = auth.cached_token(token) or await run_in_threadpool(
            auth.authenticate_token, token)
        return grant.agent if grant is not None and grant.allows("POST") else None

    def _handler_for(self, error: Exception) -> Any:
        """The application's handler for ``error``'s class, found as the framework finds it
        (the nearest class in its hierarchy); unexpected errors have none here, and leave
        through the request context's answer."""
        handlers = self.api.exception_handlers
        for kind in type(error).__mro__:
            if kind is not Exception and kind in handlers:
                return handlers[kind]
        return None


class _IntakeThreads:
    """The threads intake's work runs in: started in the worker process on its first ticket
    (never in the process that forks the workers), as many as anyio would lend the route."""

    def __init__(self) -> None:
        self._executor: ThreadPoolExecutor | None = None

    async def run(self, work: Any, *args: Any) -> Any:
        if self._executor is None:
            size = int(anyio.to_thread.current_default_thread_limiter().total_tokens)
            self._executor = ThreadPoolExecutor(size, thread_name_prefix="intake")
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, partial(context.run, work, *args))


_INTAKE_THREADS = _IntakeThreads()


def _plain_intake_headers(scope: Scope) -> dict[bytes, str] | None:
    """The headers this path reads, when ``scope`` is a plain JSON intake request: else
    None."""
    if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH \
            or scope.get("query_string") or scope.get("root_path"):
        return None
    found: dict[bytes, str] = {}
    for name, value in scope["headers"]:
        if name in _READ_HEADERS:
            if name in found:
                return None
            found[name] = value.decode("latin-1")
    kind = found.get(b"content-type", "").split(";", 1)[0].strip().lower()
    return found if kind == "application/json" else None


async def _whole_body(receive: Receive) -> bytes | None:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _json_object(body: bytes) -> dict[str, Any] | None:
    """The body's JSON object, parsed by the standard library as the framework parses it (a
    faster parser reads some documents differently: integers beyond 64 bits become floats);
    None for anything else."""
    try:
        data = json.loads(body)
    except Exception:  # not JSON (or nested beyond the parser's depth): the framework says
        return None
    return data if isinstance(data, dict) else None


def _valid_ticket(data: dict[str, Any]) -> TicketIn | None:
    """The body as the route's schema reads it, or None when the framework should say what
    is wrong with it."""
    try:
        return TicketIn.model_validate(data)
    except Exception:  # not valid, or a validator's own fault: the framework says which
        return None
