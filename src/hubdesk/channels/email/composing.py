"""An `OutboundMail` as the MIME message that goes on the wire: plain text and HTML, the
files that go with it, the threading headers customers' clients thread by, and the marks
that keep robots from answering our robots."""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import format_datetime

from hubdesk.domain.mail import OutboundMail
from hubdesk.domain.messages import one_line_filename

# RFC 3834: messages sent without a person writing them say so, and ask not to be answered
# by auto-responders; an agent's reply is written by a person and carries neither.
_AUTOMATIC = {"acknowledgement": "auto-replied", "notice": "auto-replied",
              "solved": "auto-generated"}


def compose(mail: OutboundMail, contents: Mapping[str, bytes] | None = None) -> EmailMessage:
    """The message; each of the mail's files attached from ``contents`` (bytes by SHA-256)
    under its own name and type."""
    message = EmailMessage()
    message["From"] = mail.from_address
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = mail.message_id
    if mail.in_reply_to:
        message["In-Reply-To"] = mail.in_reply_to
    if mail.references:
        message["References"] = " ".join(mail.references)
    message["X-Hubdesk-Ticket"] = str(mail.ticket_id)
    automatic = _AUTOMATIC.get(mail.kind)
    if automatic:
        message["Auto-Submitted"] = automatic
        message["X-Auto-Response-Suppress"] = "All"
    message.set_content(mail.body_text)
    message.add_alternative(mail.body_html, subtype="html")
    for file in mail.files:
        maintype, subtype = _mime_type(file.content_type)
        # one line even for a name kept before uploads were made so
        message.add_attachment((contents or {})[file.sha256], maintype=maintype,
                               subtype=subtype,
                               filename=one_line_filename(file.filename) or "attachment")
    return message


_TOKEN = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")


def _mime_type(content_type: str) -> tuple[str, str]:
    """The type an uploader declared, without parameters; a generic one when it is not a
    well-formed ``type/subtype``."""
    maintype, _, subtype = content_type.split(";", 1)[0].strip().lower().partition("/")
    if _TOKEN.fullmatch(maintype) and _TOKEN.fullmatch(subtype) and maintype != "multipart":
        return maintype, subtype
    return "application", "octet-stream"
