"""Polling IMAP mailboxes (imaplib): every mailbox at once, each on its own connection, a
message flagged or moved only after it is filed.

Per mailbox: connect (TLS or not), select the folder, compare UIDVALIDITY with the stored one
(`domain.mail.resume_from`), fetch every UID above the last one stored, and for each message
store it, file it, and only then flag it seen or move it. The first poll of a mailbox files
only its unread messages (`domain.mail.split_first_poll`). The high-water mark advances past
every message stored (`domain.mail.advance`); a message that could not be fetched holds it,
so it is fetched again next cycle, while the ones after it are still filed (their second
fetch is recognised as a duplicate). A message larger than the limit is left in the mailbox,
skipped and reported. A mailbox that fails (server down, wrong password) records the error
and is tried again next cycle with a new connection; the others are not affected.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from hubdesk.channels.email.intake import take
from hubdesk.domain.mail import (
    Outcome,
    advance,
    numbering_to_keep,
    resume_from,
    split_first_poll,
)
from hubdesk.services.application import Application
from hubdesk.services.mail_imap import PollTarget

log = logging.getLogger("hubdesk.mail")

CONNECT_TIMEOUT_SECONDS = 20.0
MAX_PARALLEL_MAILBOXES = 16
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


@dataclass
class MailboxPoll:
    mailbox: str
    fetched: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    skipped_oversized: int = 0
    failed: int = 0
    left_read: int = 0  # at the first poll: messages already read, left in the mailbox
    error: str | None = None
    seconds: float = 0.0


def _connect(target: PollTarget) -> imaplib.IMAP4:
    box = target.mailbox
    if box.tls:
        return imaplib.IMAP4_SSL(box.host, box.port, ssl_context=ssl.create_default_context(),
                                 timeout=CONNECT_TIMEOUT_SECONDS)
    return imaplib.IMAP4(box.host, box.port, timeout=CONNECT_TIMEOUT_SECONDS)


def _ok(answer: tuple[str, Any], what: str) -> list[Any]:
    status, data = answer
    if status != "OK":
        raise imaplib.IMAP4.error(f"{what} failed: {status}")
    return list(data)


def poll_mailbox(app: Application, target: PollTarget, *, max_bytes: int) -> MailboxPoll:
    box = target.mailbox
    assert box.id is not None
    result = MailboxPoll(box.name)
    started = time.monotonic()
    try:
        client = _connect(target)
    except (OSError, imaplib.IMAP4.error) as error:
        result.error = f"cannot connect: {type(error).__name__}: {error}"
        app.mail.record_poll(box.id, uidvalidity=None, last_uid=None, error=result.error)
        return result
    try:
        _ok(client.login(box.username, target.password), "login")
        _ok(client.select(_quoted(box.folder)), f"selecting {box.folder}")
        validity = _uidvalidity(client)
        first = box.uidvalidity is None
        last = resume_from(box.uidvalidity, box.last_uid, validity)
        uids = _uids_after(client, last)
        read_before: list[int] = []
        if first:
            uids, read_before = split_first_poll(uids, set(_uids_found(client, "UNSEEN")))
        done: list[int] = []
        failed: list[int] = []
        for uid in uids:
            oversized = result.skipped_oversized
            outcome = _one(app, client, box.name, uid, max_bytes, result)
            if outcome is None:
                failed.append(uid)
                continue
            done.append(uid)
            if result.skipped_oversized == oversized:  # an oversized one stays as it was
                _after_filing(client, uid, box.move_to)
        if box.move_to and done:
            client.expunge()
        result.left_read = len(read_before)
        notes = [f"{result.skipped_oversized} message(s) larger than {max_bytes} bytes left "
                 "unread in the mailbox"] if result.skipped_oversized else []
        if read_before:
            notes.append(f"{len(read_before)} message(s) already read when the mailbox was "
                         "connected left in it, not filed")
        app.mail.record_poll(box.id, uidvalidity=numbering_to_keep(first, validity, failed),
                             last_uid=advance(last, done + read_before, failed),
                             error="; ".join(notes) or None)
    except (OSError, imaplib.IMAP4.error) as error:
        result.error = f"{type(error).__name__}: {error}"
        app.mail.record_poll(box.id, uidvalidity=None, last_uid=None, error=result.error)
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
        result.seconds = time.monotonic() - started
    return result


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _uidvalidity(client: imaplib.IMAP4) -> int:
    """UIDVALIDITY as the server reported it when the folder was selected."""
    for item in client.response("UIDVALIDITY")[1]:
        if isinstance(item, bytes) and item.strip().isdigit():
            return int(item)
    raise imaplib.IMAP4.error("the server reported no UIDVALIDITY")


def _uids_after(client: imaplib.IMAP4, last: int) -> list[int]:
    found = _uids_found(client, f"UID {last + 1}:*")
    return sorted(uid for uid in found if uid > last)  # "n:*" includes the last UID


def _uids_found(client: imaplib.IMAP4, criteria: str) -> list[int]:
    data = _ok(client.uid("SEARCH", criteria), "search")
    return [int(n) for chunk in data if isinstance(chunk, bytes) for n in chunk.split()]


def _one(app: Application, client: imaplib.IMAP4, name: str, uid: int, max_bytes: int,
         result: MailboxPoll) -> Outcome | None:
    """Store and file one message; None when it could not be fetched (tried again later)."""
    try:
        size_data = _ok(client.uid("FETCH", str(uid), "(RFC822.SIZE)"), "size")
        size = next((int(m.group(1)) for chunk in size_data if isinstance(chunk, bytes)
                     for m in [_SIZE.search(chunk)] if m), 0)
        if size > max_bytes:
            result.skipped_oversized += 1
            log.warning("message larger than the limit left in its mailbox",
                        extra={"fields": {"mailbox": name, "uid": uid, "size": size}})
            return Outcome.QUARANTINED
        data = _ok(client.uid("FETCH", str(uid), "(BODY.PEEK[])"), "fetch")
        raw = next((part[1] for part in data if isinstance(part, tuple)
                    and isinstance(part[1], bytes)), None)
        if raw is None:
            raise imaplib.IMAP4.error("the server sent no message body")
    except imaplib.IMAP4.abort:
        raise  # the connection is gone: the mailbox's poll ends here
    except imaplib.IMAP4.error:
        result.failed += 1
        return None
    result.fetched += 1
    outcome = take(app, raw, source="imap", envelope={"mailbox": name, "uid": uid})
    result.outcomes[outcome.value] = result.outcomes.get(outcome.value, 0) + 1
    return outcome


def _after_filing(client: imaplib.IMAP4, uid: int, move_to: str | None) -> None:
    if move_to:
        _ok(client.uid("COPY", str(uid), _quoted(move_to)), "copy")
        _ok(client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted \Seen)"), "flag")
    else:
        _ok(client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)"), "flag")


def poll_all(app: Application, *, max_bytes: int,
             parallel: int = MAX_PARALLEL_MAILBOXES) -> list[MailboxPoll]:
    """One cycle over every active mailbox, ``parallel`` at a time."""
    targets = app.mail.poll_targets()
    if not targets:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(parallel, len(targets))),
                            thread_name_prefix="imap") as pool:
        return list(pool.map(lambda target: poll_mailbox(app, target, max_bytes=max_bytes),
                             targets))
