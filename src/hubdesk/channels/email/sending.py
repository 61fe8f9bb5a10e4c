"""Sending outbound mail over SMTP (aiosmtplib), and the loop that sends what is due."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass

import aiosmtplib

from hubdesk.channels.email.composing import compose
from hubdesk.domain.mail import OutboundMail
from hubdesk.services.application import Application

log = logging.getLogger("hubdesk.mail")


@dataclass(frozen=True)
class SmtpTransport:
    """A `MailTransport` to one outgoing mail server; raises when the server refuses."""

    host: str
    port: int = 25
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0

    def send(self, mail: OutboundMail, contents: Mapping[str, bytes]) -> None:
        asyncio.run(self._send(mail, contents))

    async def _send(self, mail: OutboundMail, contents: Mapping[str, bytes]) -> None:
        await aiosmtplib.send(compose(mail, contents), sender=mail.from_address,
                              recipients=[mail.to_address], hostname=self.host, port=self.port,
                              start_tls=self.starttls, use_tls=False,
                              username=self.username, password=self.password,
                              timeout=self.timeout)


def run_mail_deliveries(app: Application, transport: SmtpTransport, stop: threading.Event, *,
                        idle_seconds: float = 1.0) -> None:
    """Send due mail until ``stop`` is set; sleeps only when nothing was due."""
    while not stop.is_set():
        try:
            sent = app.mail.deliver_due(transport)
        except Exception:  # a database hiccup must not stop deliveries; they retry
            log.exception("mail delivery pass failed; retrying")
            sent = 0
        if sent == 0:
            stop.wait(idle_seconds)
