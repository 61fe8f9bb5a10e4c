"""The inbound SMTP server (aiosmtpd): mail for the desk's support addresses only, and a 250
only once the message is on disk and in the database.

RCPT for an address that is not a support address is refused with 550 at once. DATA is
stored (`Application.mail.receive`, the blob synced to disk and the row committed) before the
answer; if storing fails the sender hears 451 and keeps the message to try again. Filing the
stored message (parsing, threading, triage) runs after the answer, by a `Filer`: a small
thread pool in this process (`ThreadFiler`), or worker processes (`hubdesk mail smtpd`
starts one per core, so filing is not bound to one interpreter's lock). A slow or huge
message never holds up the next sender; whatever was stored but not filed when the process
died is handed to the filer when the server starts again, and what waits unfiled is handed
to it again every so often (`DeskHandler.file_pending`): filing is never done on the
receiving side, so a server filing on worker processes needs no triage of its own.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, Protocol

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from hubdesk.services.application import Application

log = logging.getLogger("hubdesk.mail")

FILING_THREADS = 8  # mostly waiting on the database, not on the CPU


class Filer(Protocol):
    """Files stored messages after the sender has had its answer."""

    def submit(self, inbound_id: int, raw: bytes | None, raw_sha256: str | None = None
               ) -> None:
        """File the stored message ``inbound_id`` (``raw``: its bytes, when in hand;
        ``raw_sha256``: where they are kept, when known)."""

    def close(self, wait: bool = True) -> None: ...


class ThreadFiler:
    """Files on a thread pool of this process."""

    def __init__(self, app: Application, threads: int = FILING_THREADS) -> None:
        self.app = app
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="mail-filing")

    def submit(self, inbound_id: int, raw: bytes | None, raw_sha256: str | None = None
               ) -> None:
        self._pool.submit(self._file, inbound_id, raw)

    def _file(self, inbound_id: int, raw: bytes | None) -> None:
        try:
            self.app.mail.process(inbound_id, raw)
        except Exception:  # left `received`; filed by the next pending sweep or restart
            log.exception("filing a received message failed; it stays pending")

    def close(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)


class DeskHandler:
    """aiosmtpd handler hooks: ``handle_RCPT`` and ``handle_DATA``."""

    def __init__(self, app: Application, *, filing_threads: int = FILING_THREADS,
                 filer: Filer | None = None) -> None:
        self.app = app
        self._filing = filer or ThreadFiler(app, filing_threads)
        self._storing = ThreadPoolExecutor(max_workers=filing_threads,
                                           thread_name_prefix="mail-storing")

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if not self.app.mail.routing.accepts(address):
            return f"550 5.1.1 <{address[:200]}>: not a support address here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session,
                          envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        meta: dict[str, Any] = {"mail_from": envelope.mail_from,
                                "rcpt_to": list(envelope.rcpt_tos),
                                "peer": str(session.peer[0]) if session.peer else None}
        loop = asyncio.get_running_loop()
        try:
            received = await loop.run_in_executor(
                self._storing, lambda: self.app.mail.receive(raw, source="smtp",
                                                             envelope=meta))
        except Exception:  # nothing stored: the sender must keep the message
            log.exception("storing a received message failed; answered 451")
            return "451 4.3.0 cannot store the message now, try again later"
        if not received.duplicate:
            self._filing.submit(received.inbound_id, raw, received.raw_sha256)
        return f"250 2.0.0 OK stored as {received.inbound_id or 'duplicate'}"

    def file_pending(self, older_than: timedelta | None = None) -> int:
        """Hand what was stored but not filed to the filer (``older_than``: only what has
        waited that long, so messages the filer is still on are not filed twice over)."""
        pending = self.app.mail.pending(limit=100_000, older_than=older_than)
        for inbound_id in pending:
            self._filing.submit(inbound_id, None)
        return len(pending)

    def close(self, wait: bool = True) -> None:
        self._storing.shutdown(wait=wait)
        self._filing.close(wait=wait)


class SmtpServer:
    """The server on ``host:port`` in its own thread (aiosmtpd's controller)."""

    def __init__(self, app: Application, host: str, port: int, *,
                 max_message_bytes: int, filing_threads: int = FILING_THREADS,
                 filer: Filer | None = None) -> None:
        self.handler = DeskHandler(app, filing_threads=filing_threads, filer=filer)
        self.controller = Controller(self.handler, hostname=host, port=port,
                                     data_size_limit=max_message_bytes, ready_timeout=10,
                                     ident="Hubdesk")
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    def start(self, *, sweep_seconds: float = 30.0) -> None:
        """File what an earlier run left, then listen; files leftovers every so often."""
        self.handler.file_pending()
        self.controller.start()
        self._sweeper = threading.Thread(target=self._sweep, args=(sweep_seconds,),
                                         name="mail-pending", daemon=True)
        self._sweeper.start()

    def _sweep(self, every: float) -> None:
        while not self._stop.wait(every):
            try:
                self.handler.file_pending(older_than=timedelta(seconds=every))
            except Exception:
                log.exception("filing pending mail failed; retrying")

    def stop(self) -> None:
        self._stop.set()
        self.controller.stop()
        self.handler.close()
