"""Live updates for the console: committed ticket events as server-sent events.

`GET /events` streams, to a signed-in agent, one ``ticket`` event for each committed change to
a ticket they may see (its number and what happened, never its content: the page fetches
what it shows through the usual checks). Events come from this process's subscribers, fed by
the outbox relay in the embedded mode or by Redis (`bus.RedisListener`) when several
processes serve; ``resync`` says events may have been missed (a reconnect to Redis, or this
stream fell behind) and the page should reload what it shows. A comment line every
``HEARTBEAT_SECONDS`` keeps proxies from closing a quiet stream; a stream ends after
``STREAM_SECONDS`` and the browser's EventSource reconnects, so a signed-out or deactivated
agent's stream does not outlive their session for long. The session is checked again every
``SESSION_CHECK_SECONDS``: signing out, a revoked session or a deactivation ends the stream,
and a changed team takes effect.
"""

from __future__ import annotations

import asyncio
import queue
import time
from collections.abc import AsyncIterator
from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import StreamingResponse

from hubdesk.domain.permissions import TicketScope, ticket_scope
from hubdesk.web.session import AgentDep, app_of, session_token

router = APIRouter(include_in_schema=False)

POLL_SECONDS = 0.2
HEARTBEAT_SECONDS = 15.0
SESSION_CHECK_SECONDS = 20.0
STREAM_SECONDS = 300.0
RETRY_MILLISECONDS = 3000


def _frame(event: str, data: dict[str, Any]) -> bytes:
    return b"event: " + event.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


@router.get("/events")
async def events(request: Request, agent: AgentDep) -> StreamingResponse:
    broadcast = request.app.state.hub.broadcast
    token = session_token(request)

    async def stream() -> AsyncIterator[bytes]:
        scope = ticket_scope(agent)
        inbox = broadcast.subscribe()
        started = last_sent = checked = time.monotonic()
        try:
            yield f"retry: {RETRY_MILLISECONDS}\n".encode() + _frame("ready", {})
            while time.monotonic() - started < STREAM_SECONDS:
                if await request.is_disconnected():
                    return
                if time.monotonic() - checked >= SESSION_CHECK_SECONDS:
                    checked = time.monotonic()
                    current = None if token is None else await run_in_threadpool(
                        app_of(request).auth.session_agent, token)
                    if current is None:
                        return
                    scope = ticket_scope(current)
                try:
                    message = inbox.get_nowait()
                except queue.Empty:
                    if not broadcast.subscribed(inbox):  # fell behind and was dropped
                        yield _frame("resync", {})
                        return
                    if time.monotonic() - last_sent >= HEARTBEAT_SECONDS:
                        last_sent = time.monotonic()
                        yield b": still here\n\n"
                    await asyncio.sleep(POLL_SECONDS)
                    continue
                frame = _relevant(message, scope)
                if frame is not None:
                    last_sent = time.monotonic()
                    yield frame
        finally:
            broadcast.unsubscribe(inbox)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _relevant(message: dict[str, Any], scope: TicketScope) -> bytes | None:
    """The frame for an agent with this scope, or None: the ticket is where they may see it,
    or was before this change (so a ticket leaving their queue leaves their screen)."""
    if message.get("topic") == "live.resync":
        return _frame("resync", {})
    ticket_id, place = message.get("ticket_id"), message.get("place")
    if not isinstance(ticket_id, int) or not isinstance(place, dict):
        return None
    changes = message.get("changes")
    changes = changes if isinstance(changes, dict) else {}
    before = {key: pair[0] if isinstance(pair := changes.get(key), list) and pair else value
              for key, value in place.items()}
    if not (scope.contains_place(place) or scope.contains_place(before)):
        return None
    return _frame("ticket", {"ticket_id": ticket_id, "kind": message.get("kind"),
                             "assignee_id": place.get("assignee_id")})
