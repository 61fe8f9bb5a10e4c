"""An `OutboundMail` as the MIME message that goes on the wire: plain text and HTML, the
threading headers customers' clients thread by, and the marks that keep robots from
answering our robots."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime

from hubdesk.domain.mail import OutboundMail

# RFC 3834: messages sent without a person writing them say so, and ask not to be answered
# by auto-responders; an agent's reply is written by a person and carries neither.
_AUTOMATIC = {"acknowledgement": "auto-replied", "notice": "auto-replied",
              "solved": "auto-generated"}


def compose(mail: OutboundMail) -> EmailMessage:
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
    return message
