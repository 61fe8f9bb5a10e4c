"""An e-mail as Hubdesk reads it, and what became of it.

The MIME parsing itself is an adapter (`channels/email/parsing.py`); what it produces is this
plain value, so the rules that decide what a message means (`domain/mail_rules.py`,
`domain/quoting.py`) and the use cases (`services/mail.py`) never see MIME.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

# A run of the characters an address is written with, and a domain at the start of a text.
_ADDRESS_RUN = re.compile(r"[\w.!#$%&'*+/=?^`{|}~@-]+")
_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")


def addresses_in(text: str) -> list[str]:
    """The e-mail addresses written in ``text``, in order: what searching it for
    ``local@domain.tld`` finds, in time proportional to its length. (The search itself tries
    every start in a long run of letters without an ``@``: a megabyte of them, as a header
    can hold, takes it hours.)"""
    found: list[str] = []
    for run in _ADDRESS_RUN.finditer(text):
        pieces = run.group().split("@")
        local = pieces[0]
        for piece in pieces[1:]:
            domain = _DOMAIN.match(piece)
            if local and domain is not None:
                found.append(f"{local}@{domain.group()}")
                local = piece[domain.end():]  # the search goes on after the address
            else:
                local = piece
    return found


class Outcome(StrEnum):
    """What processing made of one received message; each message ends in exactly one."""

    CREATED = "created"  # a new ticket (a follow-up of a closed one included)
    THREADED = "threaded"  # added to an existing ticket
    DUPLICATE = "duplicate"  # the same message was received before
    QUARANTINED = "quarantined"  # could not be processed; kept with the reason
    AUTO_REPLY = "auto_reply"  # out-of-office, bounce or loop: kept, never answered


class Automatic(StrEnum):
    """Why a message was written by a machine rather than a person."""

    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    LOOP = "loop"
    RATE_LIMITED = "rate_limited"
    MAILING_LIST = "mailing_list"  # a list the desk subscribes to, not one that is the desk
    SPAM = "spam"  # the receiving server's filter said so (`mail_rules.flagged_as_spam`)


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    content: bytes
    content_id: str | None = None  # set for inline images referred to by the HTML
    inline: bool = False


@dataclass(frozen=True)
class RecipientReport:
    """One recipient's fields in a delivery report (RFC 3464): what became of the message
    sent to them."""

    recipient: str
    action: str  # failed, delayed, delivered, relayed or expanded (lower case)
    status: str = ""  # "5.1.1"
    diagnostic: str = ""  # the receiving server's words: "550 5.1.1 User unknown"


@dataclass(frozen=True)
class ParsedMail:
    """One received message, decoded. Text is always valid Unicode, whatever the sender's
    charset claimed; headers that could not be read are empty rather than missing."""

    message_id: str | None
    subject: str
    from_address: str | None
    from_name: str | None
    to: tuple[str, ...] = ()
    # Where the sender asks for answers to go (a contact form's customer, a list member).
    reply_to: str | None = None
    reply_to_name: str | None = None
    cc: tuple[str, ...] = ()
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    text: str = ""
    html: str | None = None
    attachments: tuple[MailAttachment, ...] = ()
    # Headers the automatic-mail rules read, lower-cased names, decoded values.
    signals: dict[str, str] = field(default_factory=dict)
    is_report: bool = False  # multipart/report (a DSN or a read receipt)
    report_type: str | None = None
    # Message-IDs quoted inside a report: the message a bounce is about.
    reported_message_ids: tuple[str, ...] = ()
    # Message-IDs on header lines of the text: where a bounce that is not a report (qmail's,
    # Exim's, older Gmail's) copies the message it returns.
    returned_message_ids: tuple[str, ...] = ()
    recipient_reports: tuple[RecipientReport, ...] = ()  # a delivery report's recipients
    notices: tuple[str, ...] = ()  # what was dropped (oversized parts, unreadable text)

    def thread_ids(self) -> tuple[str, ...]:
        """Every Message-ID this message answers or reports on, nearest first."""
        seen: dict[str, None] = {}
        for mid in (*self.in_reply_to, *reversed(self.references),
                    *self.reported_message_ids):
            seen.setdefault(mid, None)
        return tuple(seen)


def message_id_key(message_id: str) -> str:
    """The fixed-length key a Message-ID is looked up by (they can be up to 998 characters,
    and compare without their angle brackets and case-insensitively in the domain part)."""
    bare = message_id.strip().strip("<>").strip()
    local, _, domain = bare.rpartition("@")
    canonical = f"{local}@{domain.lower()}" if local else bare
    return hashlib.sha256(canonical.encode("utf-8", "replace")).hexdigest()


def dedupe_key(message_id: str | None, raw_sha256: str) -> str:
    """Two deliveries are the same message when their Message-IDs agree, or, without one,
    when their bytes do."""
    if message_id and message_id.strip().strip("<>").strip():
        return "mid:" + message_id_key(message_id)
    return "raw:" + raw_sha256


_HEADER_END = (b"\r\n\r\n", b"\n\n")


def peek_message_id(raw: bytes) -> str | None:
    """The Message-ID from the header block of ``raw`` without parsing the message (so a
    message is recognised as already received even when parsing it would fail)."""
    ends = [raw.find(marker) for marker in _HEADER_END]
    found = [end for end in ends if end >= 0]
    head = raw[:min(found)] if found else raw[:65536]
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    for index, line in enumerate(lines):
        if line[:11].lower() == b"message-id:":
            value = line[11:]
            for continuation in lines[index + 1:]:
                if continuation[:1] not in (b" ", b"\t"):
                    break
                value += continuation
            text = value.decode("ascii", "replace").strip()
            return text[:998] or None
    return None


class InboundStatus(StrEnum):
    RECEIVED = "received"  # stored, not processed yet
    PROCESSED = "processed"
    QUARANTINED = "quarantined"


@dataclass
class Inbound:
    """A received message as stored: its bytes are in the blob store under ``raw_sha256``."""

    id: int | None
    dedupe_key: str
    raw_sha256: str
    size: int
    source: str  # smtp, imap, file, http
    envelope: dict[str, object]
    sender: str | None
    received_at: datetime
    status: InboundStatus = InboundStatus.RECEIVED
    outcome: Outcome | None = None
    reason: str | None = None
    ticket_id: int | None = None
    attempts: int = 0
    processed_at: datetime | None = None


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt


@dataclass(frozen=True)
class MailFile:
    """A file that goes with an outbound mail as a MIME attachment; its bytes are kept in
    the blob store under ``sha256``."""

    filename: str
    content_type: str
    sha256: str


@dataclass
class OutboundMail:
    """One e-mail to a customer, composed when queued and sent by the delivery loop."""

    id: int | None
    key: str  # unique per outbox event: a relayed event seen twice queues one mail
    kind: str  # acknowledgement, reply, solved
    ticket_id: int
    message_id: str
    to_address: str
    from_address: str
    subject: str
    in_reply_to: str | None
    references: tuple[str, ...]
    body_text: str
    body_html: str
    created_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    sent_at: datetime | None = None
    files: tuple[MailFile, ...] = ()


MAX_DELIVERY_ATTEMPTS = 8
_FIRST_RETRY = timedelta(seconds=30)
_LONGEST_WAIT = timedelta(hours=2)


def next_delivery_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``attempts`` failed tries (doubling from 30 s, capped at two
    hours), or None once the mail is given up."""
    if attempts >= MAX_DELIVERY_ATTEMPTS:
        return None
    wait: timedelta = min(_FIRST_RETRY * (2 ** max(0, attempts - 1)), _LONGEST_WAIT)
    return now + wait


@dataclass
class Mailbox:
    """An IMAP mailbox the desk polls; where its last poll stopped."""

    id: int | None
    name: str
    host: str
    port: int
    tls: bool
    username: str
    folder: str = "INBOX"
    move_to: str | None = None  # after filing: move here; None: flag it seen
    uidvalidity: int | None = None
    last_uid: int = 0
    active: bool = True
    last_polled_at: datetime | None = None
    last_error: str | None = None


def resume_from(stored_validity: int | None, stored_last_uid: int,
                server_validity: int) -> int:
    """The last UID already stored, for the mailbox the server now reports: a changed
    UIDVALIDITY renumbered the mailbox, so everything is read again (duplicates are
    recognised by their Message-ID or bytes)."""
    return stored_last_uid if stored_validity == server_validity else 0


def split_first_poll(uids: list[int], unread: set[int]) -> tuple[list[int], list[int]]:
    """At a mailbox's first poll, the UIDs to file (unread) and those left where they are
    (read before the desk was connected): a team connecting the inbox it worked from in a
    mail client has answered those, and filing years of them would open a ticket and send
    an acknowledgement for each."""
    return [uid for uid in uids if uid in unread], [uid for uid in uids if uid not in unread]


def numbering_to_keep(first: bool, server_validity: int, failed: list[int]) -> int | None:
    """The UIDVALIDITY to store after a poll; None to keep a first poll that could not fetch
    a message a first poll, so its next one reads the unread messages again, not the read
    ones above the one that failed."""
    return None if first and failed else server_validity


def advance(last_uid: int, done: list[int], failed: list[int]) -> int:
    """The new high-water mark: every UID up to it was stored; a UID that failed (to be
    fetched again next time) holds the mark below it, however many after it succeeded."""
    ceiling = min(failed) if failed else None
    candidates = [uid for uid in done if ceiling is None or uid < ceiling]
    return max([last_uid, *candidates])
