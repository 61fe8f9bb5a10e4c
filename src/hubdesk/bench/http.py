"""A minimal keep-alive HTTP/1.1 client on asyncio streams, cheap enough to share the CPU.

Load generators run on the same two cores as the server they measure, so every microsecond
the client spends is taken from the server. A general client parses, validates and wraps far
more than a benchmark needs; this one writes pre-built requests and reads back status, headers
and the body (Content-Length or chunked), nothing else. It talks to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


class HttpError(Exception):
    """The server answered with something that is not HTTP/1.1 as this client reads it."""


class Connection:
    def __init__(self, port: int, *, default_headers: dict[str, str] | None = None) -> None:
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        lines = [f"Host: {LOOPBACK}:{port}", *(f"{k}: {v}" for k, v in
                                                 (default_headers or {}).items())]
        self._common = ("\r\n".join(lines) + "\r\n").encode("latin-1")

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(LOOPBACK, self.port)
        return self._reader, self._writer

    def encode(self, method: str, target: str, body: bytes = b"",
               headers: dict[str, str] | None = None) -> bytes:
        """The request's bytes; build them ahead of a timed run to keep the loop lean."""
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        head = f"{method} {target} HTTP/1.1\r\n".encode("latin-1") + self._common
        if body or method in ("POST", "PUT", "PATCH"):
            extra += f"Content-Length: {len(body)}\r\n"
        return head + extra.encode("latin-1") + b"\r\n" + body

    async def send(self, raw: bytes) -> Response:
        reader, writer = await self._open()
        writer.write(raw)
        try:
            return await self._read(reader)
        except (asyncio.IncompleteReadError, ConnectionError):
            await self.close()
            raise

    async def request(self, method: str, target: str, body: bytes = b"",
                      headers: dict[str, str] | None = None) -> Response:
        return await self.send(self.encode(method, target, body, headers))

    async def _read(self, reader: asyncio.StreamReader) -> Response:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        if not lines[0].startswith("HTTP/1.") or len(lines[0]) < 12:
            raise HttpError(f"not an HTTP response: {lines[0][:80]!r}")
        status = int(lines[0][9:12])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = await _read_chunked(reader)
        else:
            body = b""
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Response(status, headers, body)

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
