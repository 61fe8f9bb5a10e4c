"""Pure ASGI middleware: request ids with structured access logs, limits on the request's
size and target, refusal of query strings no database can store, and HEAD answered wherever
GET is."""

from __future__ import annotations

import asyncio
import html
import logging
import time
import uuid
from urllib.parse import parse_qsl, urlsplit

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from hubdesk import balancing
from hubdesk.api.coalescing import CoalescingTransport
from hubdesk.api.responses import problem_body

access_log = logging.getLogger("hubdesk.access")
error_log = logging.getLogger("hubdesk.api")


class RequestContext:
    """Gives every request an id (kept from X-Request-Id when sane) and logs one JSON line.

    The line holds method, route, status and duration: never bodies, queries or personal data.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() \
            else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        status_sent = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, status_sent
            if message["type"] == "http.response.start":
                status = message["status"]
                status_sent = True
                message["headers"] = [*message.get("headers", []),
                                      (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Unexpected errors answer here, inside the request context, so the client gets
            # the request id to quote; the details go to the log only.
            # The traceback names exception types and code lines only (see logs.py): the
            # messages may quote the request.
            error_log.exception("unhandled error", extra={"fields": {"request_id": request_id}})
            if status_sent:
                raise
            await _send_problem(send, 500, "Internal error",
                                "something went wrong on our side; nothing was changed. Try "
                                "again, and quote the request id if it persists",
                                request_id)
            status = 500
        finally:
            if access_log.isEnabledFor(logging.INFO):
                route = scope.get("route")
                access_log.info("request", extra={"fields": {
                    "request_id": request_id, "method": scope["method"],
                    "route": getattr(route, "path", None) or _shape(scope["path"]),
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 2)}})


def _shape(path: str) -> str:
    return "/".join(":id" if part.isdigit() else part for part in path.split("/"))[:200]


class ApiHeaders:
    """The API's answers (and its explorer's) carry what the console's pages do for the
    same reasons: never sniffed as another type, never stored by a browser or a proxy
    (they hold customers' personal data), never framed by another site."""

    def __init__(self, app: ASGIApp, prefix: str = "/api/") -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                named = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in _API_HEADERS if name not in named]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


_API_HEADERS = ((b"x-content-type-options", b"nosniff"), (b"cache-control", b"no-store"),
                (b"x-frame-options", b"DENY"))


class BodySizeLimit:
    """Refuses bodies over the limit with 413 before the application reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(scope, send, self.max_bytes)
            return
        if declared is not None:
            # The server holds the client to its Content-Length, so the check above suffices.
            await self.app(scope, receive, send)
            return
        # A chunked body announces no size: read it up to the limit before the app sees it.
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                await _too_large(scope, send, self.max_bytes)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, replaying(b"".join(chunks), receive), send)


class HeadAsGet:
    """Answers HEAD as GET would, without the body (RFC 9110: every server answers HEAD where
    it answers GET): FastAPI's routes name GET alone, so monitors, link checkers and
    ``curl -I`` were told 405 by the pages and endpoints they watch.

    Routes that answer HEAD themselves (static files) are left to do it. The response ends
    with its headers, so a stream (the console's live updates) is not kept open; the server,
    which still sees HEAD, sends no body and keeps the GET's Content-Length.
    """

    def __init__(self, app: ASGIApp, routes: list[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or self._answered(scope):
            await self.app(scope, receive, send)
            return
        ended = False

        async def headers_only(message: Message) -> None:
            nonlocal ended
            if ended or message["type"] != "http.response.start":
                return
            ended = True
            await send(message)
            await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET"}, receive, headers_only)

    def _answered(self, scope: Scope) -> bool:
        return any(route.matches(scope)[0] is Match.FULL for route in self.routes)


def replaying(body: bytes, receive: Receive) -> Receive:
    """``receive`` for an application after the body was read: the whole body at once, then
    whatever the connection says next (a disconnect)."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class TargetLimit:
    """Refuses, before routing, request targets that are too long (414) and query strings
    holding characters no database can store (422), both as problem+json."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query: bytes = scope.get("query_string", b"")
        target = len(scope.get("raw_path") or scope["path"].encode()) + len(query)
        if target > self.max_bytes:
            await _send_problem(send, 414, "URI too long",
                                f"the request target is longer than {self.max_bytes} bytes; "
                                "send long values in a request body")
            return
        name = _unstorable_parameter(query)
        if name is not None:
            await _send_problem(send, 422, "Invalid request",
                                f"the query parameter {name!r} contains a NUL character; "
                                "remove it and send again",
                                errors=[{"field": name, "message": "contains a NUL character"}])
            return
        await self.app(scope, receive, send)


def _unstorable_parameter(query: bytes) -> str | None:
    """The first query parameter holding a NUL character (``%00``), if any. Decoding replaces
    invalid UTF-8, so a query string cannot carry unpaired surrogates."""
    if b"%00" not in query and b"\x00" not in query:
        return None
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if "\x00" in name or "\x00" in value:
            return name.replace("\x00", "\\u0000")[:100]
    return None


async def _too_large(scope: Scope, send: Send, limit: int) -> None:
    if _is_console_form(scope):
        await _send_too_large_page(scope, send, limit)
        return
    await _send_problem(send, 413, "Request too large",
                        f"the request body is larger than {limit} bytes; "
                        "send attachments separately or smaller")


def _is_console_form(scope: Scope) -> bool:
    """A form posted from a console page (not the API): it is answered with a page."""
    if str(scope.get("path", "")).startswith("/api/"):
        return False
    kind = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower()
    return kind in (b"multipart/form-data", b"application/x-www-form-urlencoded")


async def _send_too_large_page(scope: Scope, send: Send, limit: int) -> None:
    """A plain page in place of the console's own, which the refused body never reached:
    it says what the limit is and leads back to the page the form was on."""
    back = _same_site_path(scope) or "/tickets"
    megabytes = limit / (1024 * 1024)
    size = f"{megabytes:.0f} MB" if megabytes >= 1 else f"{limit // 1024} KB"
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Too large to send</title></head><body><main>"
        "<h1>Too large to send</h1>"
        f"<p>What you sent, files included, is larger than the {size} this desk accepts at "
        "once. Nothing was saved. Go back, then attach smaller files or send them in several "
        "messages.</p>"
        f'<p><a href="{html.escape(back, quote=True)}">Back</a></p></main></body></html>'
    ).encode()
    headers = [(b"content-type", b"text/html; charset=utf-8"),
               (b"content-length", str(len(page)).encode()),
               (b"content-security-policy", b"default-src 'none'"),
               (b"cache-control", b"no-store")]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": page})


def _same_site_path(scope: Scope) -> str | None:
    """The path of the page the form was posted from, when it is this site's own."""
    headers = dict(scope["headers"])
    referer = headers.get(b"referer", b"").decode("latin-1")
    host = headers.get(b"host", b"").decode("latin-1")
    if not referer or not host:
        return None
    parts = urlsplit(referer)
    if parts.netloc != host or parts.scheme not in ("http", "https") \
            or not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return str(parts.path) + (f"?{parts.query}" if parts.query else "")


async def _send_problem(send: Send, status: int, title: str, detail: str,
                        request_id: str | None = None, **extra: object) -> None:
    payload = problem_body(status, title, detail, **extra)
    headers = [(b"content-type", b"application/problem+json"),
               (b"content-length", str(len(payload)).encode())]
    if request_id:
        headers.append((b"x-request-id", request_id.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


# The request line and headers of one request, at most. The parser gathers a header's value
# by appending each piece as it arrives, which costs time growing with the square of the value's
# length: unbounded, one client sending a 100 MB header holds the event loop, and every other
# request, for most of a minute. Bounded well above the longest target `TargetLimit` lets
# through (60 KiB) with a console's cookie beside it.
MAX_HEAD_BYTES = 128 * 1024
# How long a connection may take to send a request line and headers, from its opening or from
# the first byte of its next request: a client trickling a head a byte at a time would
# otherwise hold its connection (and the head read so far) for ever.
HEAD_SECONDS = 30.0


class ProblemHttpProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol answering requests it cannot parse, such as targets beyond
    its own limit of about 64 KiB, with problem+json instead of plain text (shorter targets
    reach ``TargetLimit``), refusing a request line and headers longer than
    `MAX_HEAD_BYTES` (431; 400 for a request line alone that long) before the parser is
    fed more of them, closing a connection whose head takes longer than `HEAD_SECONDS` (408),
    and sending each response's head and body in one write. Serve with
    ``uvicorn.run(..., http=ProblemHttpProtocol)``."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        coalescing = CoalescingTransport(transport, self.loop)
        super().connection_made(coalescing)  # type: ignore[arg-type]
        self.reading_head, self.head_bytes, self.line_ended = True, 0, False
        self.discarding: int | None = None
        self.head_timer: asyncio.TimerHandle | None = None
        self._time_head()
        shares = balancing.current()
        if shares is not None:
            shares.opened()

    def data_received(self, data: bytes) -> None:
        if self.discarding is not None:
            self._discard(len(data))
            return
        # Fed a slice at a time while a head is being read, so that the parser never holds
        # more of one than the bound; what follows a complete head (the body) goes at once.
        while data and self.reading_head and not self.transport.is_closing():
            self._time_head()
            room = MAX_HEAD_BYTES - self.head_bytes
            if room <= 0:
                self._refuse_head(len(data))
                return
            part, data = data[:room], data[room:]
            self.head_bytes += len(part)
            self.line_ended = self.line_ended or b"\n" in part
            super().data_received(part)
        if data and not self.transport.is_closing():
            super().data_received(data)

    def _time_head(self) -> None:
        if self.head_timer is None:
            self.head_timer = self.loop.call_later(HEAD_SECONDS, self._head_too_slow)

    def _stop_timing_head(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _head_too_slow(self) -> None:
        self.head_timer = None
        if self.reading_head and not self.transport.is_closing():
            self.transport.write(HEAD_TOO_SLOW_RESPONSE)
            self.transport.close()

    def _refuse_head(self, unread: int) -> None:
        """Answer a head past the bound, then read and drop what the client is still
        sending, up to `DISCARD_BYTES` or for `DISCARD_SECONDS`: closing with its bytes
        unread would reset the connection, and the client might lose the answer."""
        self.transport.write(UNREADABLE_REQUEST_RESPONSE if not self.line_ended
                             else HEAD_TOO_LARGE_RESPONSE)
        self.transport.write_eof()
        self.loop.call_later(DISCARD_SECONDS, self.transport.close)
        self.discarding = DISCARD_BYTES
        self._discard(unread)

    def _discard(self, size: int) -> None:
        assert self.discarding is not None
        self.discarding -= size
        if self.discarding < 0:
            self.transport.close()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self.reading_head, self.head_bytes, self.line_ended = True, 0, False

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timing_head()
        super().connection_lost(exc)
        shares = balancing.current()
        if shares is not None:
            shares.closed()

    def on_headers_complete(self) -> None:
        self.reading_head = False
        self._stop_timing_head()
        super().on_headers_complete()
        shares = balancing.current()
        cycle = self.cycle
        if shares is not None and cycle is not None and cycle.keep_alive \
                and shares.should_move(self.headers):
            cycle.keep_alive = False  # answered with Connection: close

    def send_400_response(self, msg: str) -> None:
        send_unreadable_request(self.transport)


UNREADABLE_REQUEST = problem_body(
    400, "Bad request", "the request could not be read as HTTP/1.1: check the request line "
                        "and headers, and keep the URL short (send long values in a body)")


def _problem_response(status: str, body: bytes) -> bytes:
    return (b"HTTP/1.1 " + status.encode() + b"\r\ncontent-type: application/problem+json\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n"
            + body)


UNREADABLE_REQUEST_RESPONSE = _problem_response("400 Bad Request", UNREADABLE_REQUEST)
HEAD_TOO_LARGE_RESPONSE = _problem_response("431 Request Header Fields Too Large", problem_body(
    431, "Request header fields too large",
    f"the request line and headers are longer than {MAX_HEAD_BYTES} bytes; send long values "
    "in a request body"))
HEAD_TOO_SLOW_RESPONSE = _problem_response("408 Request Timeout", problem_body(
    408, "Request timeout",
    f"the request line and headers took longer than {HEAD_SECONDS:g} seconds to arrive"))
# What a refused client may still send before the connection is closed on it.
DISCARD_BYTES = 1024 * 1024
DISCARD_SECONDS = 5.0


def send_unreadable_request(transport: asyncio.Transport) -> None:
    transport.write(UNREADABLE_REQUEST_RESPONSE)
    transport.close()
