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
``SESSION_CHECK_SECONDS``, and before telling of a change if it was last read more than
``NEWS_CHECK_SECONDS`` ago: signing out, a revoked session or a deactivation ends the stream
(no change made later than ``NEWS_CHECK_SECONDS`` after it is told), and a changed team takes
effect.

A stream of an agent who handles quarantined e-mail (`permissions.may_handle_mail`) says
``mail`` when a message goes into quarantine or leaves it.

A handoff's change is also told to the members of its department, who may not see the ticket
itself, so their handoffs board follows.

A stream also says ``notification`` when a notification was just made for its own agent (and
for nobody else's), so the header's badge changes without a reload.

A ticket page's stream (``/events?ticket=N``) also says who else has that ticket open
(``viewers``): each such stream announces itself every ``ANNOUNCE_SECONDS`` on the shared
channel (Redis when configured, so every process hears it) and says when it leaves; an agent
not heard from for two announcements has left. An agent typing in that ticket's reply box
says so (`POST /tickets/N/typing`, sent by the page at most every few seconds while keys are
pressed) on the same channel, and is shown as typing until ``TYPING_SECONDS`` pass without
another word of it.
"""

from __future__ import annotations

import asyncio
import math
import queue
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import DomainError
from hubdesk.domain.permissions import (
    TicketScope,
    handoff_departments,
    may_handle_mail,
    ticket_scope,
)
from hubdesk.services.mail import QUARANTINED_TOPIC, RELEASED_TOPIC
from hubdesk.services.notifications import LIVE_TOPIC as NOTIFICATION_TOPIC
from hubdesk.web.numbers import whole_number
from hubdesk.web.session import AgentDep, FormDep, app_of, session_token

router = APIRouter(include_in_schema=False)

POLL_SECONDS = 0.2
HEARTBEAT_SECONDS = 15.0
SESSION_CHECK_SECONDS = 20.0
# Before it tells of a change, a stream whose session was last read longer ago than this reads
# it again, so a session ended while changes flow hears of none of them past this time.
NEWS_CHECK_SECONDS = 2.0
STREAM_SECONDS = 300.0
RETRY_MILLISECONDS = 3000
ANNOUNCE_SECONDS = 10.0
TYPING_SECONDS = 6.0
VIEWING = "live.viewing"


@dataclass
class Seen:
    """Another agent on the ticket: when they were last heard of, and last heard typing."""

    name: str
    heard: float
    typed: float = -math.inf


@dataclass
class Company:
    """Who else has one ticket open, and who of them is typing, as one agent's stream hears
    it."""

    ticket_id: int
    agent_id: int
    name: str
    others: dict[int, Seen] = field(default_factory=dict)
    announced: float = -math.inf
    shown: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())

    def announcement(self, leaving: bool = False, typing: bool = False) -> dict[str, Any]:
        return {"ticket_id": self.ticket_id, "agent_id": self.agent_id, "name": self.name,
                "leaving": leaving, "typing": typing}

    def hear(self, message: dict[str, Any], now: float) -> None:
        agent_id = message.get("agent_id")
        if message.get("ticket_id") != self.ticket_id or agent_id in (None, self.agent_id):
            return
        if message.get("leaving"):
            self.others.pop(agent_id, None)
            return
        seen = self.others.setdefault(agent_id, Seen("", now))
        seen.name, seen.heard = str(message.get("name") or "An agent"), now
        if message.get("typing"):
            seen.typed = now

    def change(self, now: float) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """The names to show, and of those typing, if either changed since last shown."""
        gone = [a for a, seen in self.others.items() if now - seen.heard > 2 * ANNOUNCE_SECONDS]
        for agent in gone:
            del self.others[agent]
        names = tuple(sorted(seen.name for seen in self.others.values()))
        typing = tuple(sorted(seen.name for seen in self.others.values()
                              if now - seen.typed <= TYPING_SECONDS))
        if (names, typing) == self.shown:
            return None
        self.shown = (names, typing)
        return self.shown


def _frame(event: str, data: dict[str, Any]) -> bytes:
    return b"event: " + event.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


async def _company(request: Request, agent: Agent) -> Company | None:
    """The ticket page's company, if the stream is for a ticket the agent may see."""
    wanted = request.query_params.get("ticket", "")
    ticket_id = whole_number(wanted)
    if ticket_id is None:
        return None
    return await _company_of(request, agent, ticket_id)


async def _company_of(request: Request, agent: Agent, ticket_id: int) -> Company | None:
    if agent.id is None:
        return None
    try:
        await run_in_threadpool(app_of(request).tickets.get, agent, ticket_id)
    except DomainError:
        return None
    return Company(ticket_id, agent.id, agent.name)


def _shout(request: Request, message: dict[str, Any]) -> None:
    """Publish on the channel every process hears (this process's, without Redis)."""
    hub = request.app.state.hub
    (hub.redis or hub.broadcast).publish(VIEWING, message)


class _Stream:
    """One agent's stream: the loop reads the inbox, and everything else is a step of it."""

    def __init__(self, request: Request, agent: Agent, company: Company | None) -> None:
        self.request, self.company = request, company
        self.broadcast = request.app.state.hub.broadcast
        self.token = session_token(request)
        self.scope = ticket_scope(agent)
        self.departments = handoff_departments(agent)
        self.mail = may_handle_mail(agent)
        self.agent_id = agent.id
        self.started = self.last_sent = self.checked = time.monotonic()

    async def signed_in(self, within: float | None = None) -> bool:
        """Re-read the session if it was last read more than ``within`` seconds ago
        (`SESSION_CHECK_SECONDS` unless given): signing out ends the stream, a team change
        takes effect."""
        if time.monotonic() - self.checked < (SESSION_CHECK_SECONDS if within is None
                                              else within):
            return True
        self.checked = time.monotonic()
        current = None if self.token is None else await run_in_threadpool(
            app_of(self.request).auth.session_agent, self.token)
        if current is None:
            return False
        self.scope = ticket_scope(current)
        self.departments = handoff_departments(current)
        self.mail = may_handle_mail(current)
        return True

    async def company_frame(self) -> bytes | None:
        company, now = self.company, time.monotonic()
        if company is None:
            return None
        if now - company.announced >= ANNOUNCE_SECONDS:
            company.announced = now
            await run_in_threadpool(_shout, self.request, company.announcement())
        changed = company.change(now)
        if changed is None:
            return None
        return _frame("viewers", {"names": list(changed[0]), "typing": list(changed[1])})

    def frame_for(self, message: dict[str, Any]) -> bytes | None:
        if message.get("topic") == VIEWING:
            if self.company is not None:
                self.company.hear(message, time.monotonic())
            return None
        if message.get("topic") == NOTIFICATION_TOPIC:
            return _notice(message, self.agent_id)
        if message.get("topic") in (QUARANTINED_TOPIC, RELEASED_TOPIC):
            # quarantined mail is anyone's: only those who handle it hear of it
            return _frame("mail", {"inbound_id": message.get("inbound_id")}) if self.mail \
                else None
        return _relevant(message, self.scope) or _handoff_news(message, self.departments)

    async def frames(self) -> AsyncIterator[bytes]:
        inbox = self.broadcast.subscribe()
        try:
            yield f"retry: {RETRY_MILLISECONDS}\n".encode() + _frame("ready", {})
            while time.monotonic() - self.started < STREAM_SECONDS:
                if await self.request.is_disconnected() or not await self.signed_in():
                    return
                frame = await self.company_frame()
                if frame is None:
                    try:
                        message = inbox.get_nowait()
                        frame = self.frame_for(message)
                        read_at = self.checked
                        if frame is not None and not await self.signed_in(NEWS_CHECK_SECONDS):
                            return
                        if frame is not None and self.checked != read_at:
                            frame = self.frame_for(message)  # as the session now allows
                    except queue.Empty:
                        if not self.broadcast.subscribed(inbox):  # fell behind, was dropped
                            yield _frame("resync", {})
                            return
                        frame = self.heartbeat()
                        if frame is None:
                            await asyncio.sleep(POLL_SECONDS)
                if frame is not None:
                    self.last_sent = time.monotonic()
                    yield frame
        finally:
            self.broadcast.unsubscribe(inbox)
            if self.company is not None:
                await run_in_threadpool(_shout, self.request,
                                        self.company.announcement(leaving=True))

    def heartbeat(self) -> bytes | None:
        return b": still here\n\n" if time.monotonic() - self.last_sent >= HEARTBEAT_SECONDS \
            else None


@router.get("/events")
async def events(request: Request, agent: AgentDep) -> StreamingResponse:
    stream = _Stream(request, agent, await _company(request, agent))
    return StreamingResponse(stream.frames(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.post("/tickets/{ticket_id:id}/typing")
async def typing(request: Request, ticket_id: int, form: FormDep, agent: AgentDep) -> Response:
    """The signed-in agent is typing in this ticket's reply box: tell whoever else has it
    open. Said only of a ticket the agent may see, like being there."""
    company = await _company_of(request, agent, ticket_id)
    if company is None:
        return Response(status_code=404)
    await run_in_threadpool(_shout, request, company.announcement(typing=True))
    return Response(status_code=204)


def _notice(message: dict[str, Any], agent_id: int | None) -> bytes | None:
    """A new notification is told to its own agent's streams only (its number, not its
    text: the badge reads the count through the usual checks)."""
    if agent_id is None or message.get("agent_id") != agent_id:
        return None
    return _frame("notification", {"notification_id": message.get("notification_id")})


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


def _handoff_news(message: dict[str, Any], departments: frozenset[int] | None) -> bytes | None:
    """A handoff's change is also told to its department (whose members may not see the
    ticket itself), so their handoffs board follows."""
    data, ticket_id = message.get("data"), message.get("ticket_id")
    if not str(message.get("kind") or "").startswith("handoff_") or not isinstance(data, dict) \
            or not isinstance(ticket_id, int):
        return None
    department_id = data.get("department_id")
    if departments is not None and department_id not in departments:
        return None
    return _frame("ticket", {"ticket_id": ticket_id, "kind": message.get("kind"),
                             "assignee_id": None})
