"""A transport that sends what a response writes in one turn of the event loop at once.

uvicorn writes a response's head and its body with two calls, so every answer left as two
TCP segments and woke its reader twice, each send a system call made holding the GIL. This
wrapper keeps the writes of one turn of the loop and sends them together at its end, or as
soon as they add up to a segment's worth (a large body is not held back at all). Streams
(the console's live updates) are unaffected but for that wait of one turn.
"""

from __future__ import annotations

import asyncio
from typing import Any

# Past this many bytes, holding writes back saves nothing: send at once.
FLUSH_BYTES = 16 * 1024


class CoalescingTransport:
    """Delegates everything to ``transport``, but holds back the writes of one loop turn."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []
        self._held_bytes = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if not self._held:
            if len(data) >= FLUSH_BYTES:
                self._transport.write(data)
                return
            self._loop.call_soon(self.flush)
        self._held.append(bytes(data))
        self._held_bytes += len(data)
        if self._held_bytes >= FLUSH_BYTES:
            self.flush()

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if not self._held:
            return
        data = self._held[0] if len(self._held) == 1 else b"".join(self._held)
        self._held.clear()
        self._held_bytes = 0
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def abort(self) -> None:
        self._held.clear()
        self._held_bytes = 0
        self._transport.abort()

    def get_write_buffer_size(self) -> int:
        return self._held_bytes + self._transport.get_write_buffer_size()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)
