"""One way in for every received message, whatever brought it (SMTP, IMAP, files, HTTP):
keep it durably, then file it."""

from __future__ import annotations

from typing import Any

from hubdesk.domain.mail import Outcome
from hubdesk.services.application import Application


def take(app: Application, raw: bytes, *, source: str,
         envelope: dict[str, Any] | None = None) -> Outcome:
    """Store ``raw`` and process it; what became of it. A store failure raises (the caller
    must not claim to have the message); a processing failure is a quarantine, not an
    exception, and a crash in between leaves it for `Application.mail.process_pending`."""
    received = app.mail.receive(raw, source=source, envelope=envelope)
    if received.duplicate:
        return Outcome.DUPLICATE
    return app.mail.process(received.inbound_id, raw)
