"""Received messages, known Message-IDs and outbound deliveries."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, Select, Table, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from hubdesk.domain.mail import (
    DeliveryStatus,
    Inbound,
    InboundStatus,
    Mailbox,
    MailFile,
    OutboundMail,
    Outcome,
    message_id_key,
)
from hubdesk.domain.messages import Attachment
from hubdesk.store import tables as t
from hubdesk.store.settings import SqlSettings, token_column


def _inbound(row: Row[Any]) -> Inbound:
    return Inbound(id=row.id, dedupe_key=row.dedupe_key, raw_sha256=row.raw_sha256,
                   size=row.size, source=row.source, envelope=dict(row.envelope),
                   sender=row.sender, received_at=row.received_at,
                   status=InboundStatus(row.status),
                   outcome=Outcome(row.outcome) if row.outcome else None, reason=row.reason,
                   ticket_id=row.ticket_id, attempts=row.attempts,
                   processed_at=row.processed_at)


def _delivery(row: Row[Any]) -> OutboundMail:
    return OutboundMail(
        id=row.id, key=row.key, kind=row.kind, ticket_id=row.ticket_id,
        message_id=row.message_id, to_address=row.to_address, from_address=row.from_address,
        subject=row.subject, in_reply_to=row.in_reply_to,
        references=tuple(row.references_header.split()), body_text=row.body_text,
        body_html=row.body_html, created_at=row.created_at,
        status=DeliveryStatus(row.status), attempts=row.attempts,
        next_attempt_at=row.next_attempt_at, last_error=row.last_error, sent_at=row.sent_at,
        files=tuple(MailFile(f["filename"], f["content_type"], f["sha256"])
                    for f in row.files or ()))


def _recent(sender: str, since: datetime) -> Select[int]:
    return (select(func.count()).select_from(t.mail_inbound)
            .where(t.mail_inbound.c.sender == sender, t.mail_inbound.c.received_at >= since))


class SqlMailRepository:
    def __init__(self, connection: Connection, settings: SqlSettings | None = None) -> None:
        self.db = connection
        self._settings = settings

    # --- received ------------------------------------------------------------------------

    def add_inbound(self, inbound: Inbound) -> Inbound | None:
        """Store ``inbound``; None when a message with its dedupe key is already stored.
        One statement (the duplicate is skipped by the database, not raised), so the
        caller's transaction stays usable and no savepoint costs two more round trips on
        the path every received message takes."""
        inbound.id = self.db.execute(
            self._insert(t.mail_inbound).values(
                dedupe_key=inbound.dedupe_key, raw_sha256=inbound.raw_sha256,
                size=inbound.size, source=inbound.source, envelope=inbound.envelope,
                sender=inbound.sender, status=inbound.status.value,
                attempts=inbound.attempts, received_at=inbound.received_at)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(t.mail_inbound.c.id)).scalar_one_or_none()
        return inbound if inbound.id is not None else None

    def _insert(self, table: Table) -> Any:
        """The dialect's INSERT, which can skip a row whose unique key is taken."""
        dialect = postgresql if self.db.dialect.name == "postgresql" else sqlite
        return dialect.insert(table)

    def inbound(self, inbound_id: int, *, for_update: bool = False) -> Inbound | None:
        query = select(t.mail_inbound).where(t.mail_inbound.c.id == inbound_id)
        if for_update and self.db.dialect.name != "sqlite":
            query = query.with_for_update()
        row = self.db.execute(query).first()
        return _inbound(row) if row else None

    def inbound_to_file(self, inbound_id: int, sender: str, since: datetime
                        ) -> tuple[Inbound | None, int]:
        recent = _recent(sender, since).scalar_subquery().label("recent_from_sender")
        # The settings' token rides along: filing consults the settings next.
        query = select(t.mail_inbound, recent, token_column()).where(
            t.mail_inbound.c.id == inbound_id)
        if self.db.dialect.name != "sqlite":
            query = query.with_for_update(of=t.mail_inbound)
        row = self.db.execute(query).first()
        if row is None:
            return None, self.recent_from(sender, since)
        if self._settings is not None:
            self._settings.seen(row.settings_token)
        return _inbound(row), int(row.recent_from_sender)

    def save_inbound(self, inbound: Inbound) -> None:
        self.db.execute(self._saving(inbound))

    def save_filed(self, inbound: Inbound, message_id: str | None, at: datetime) -> None:
        """Write a filed message's outcome and remember its Message-ID for the ticket it went
        to, as `remember_message_id` does; one statement on PostgreSQL."""
        if not message_id or inbound.ticket_id is None:
            self.save_inbound(inbound)
        elif self.db.dialect.name == "postgresql":
            remembered = self._remembering(message_id, inbound.ticket_id, "in", at).cte(
                "remembered")
            self.db.execute(self._saving(inbound).add_cte(remembered))
        else:
            self.remember_message_id(message_id, inbound.ticket_id, "in", at)
            self.save_inbound(inbound)

    @staticmethod
    def _saving(inbound: Inbound) -> Any:
        return update(t.mail_inbound).where(t.mail_inbound.c.id == inbound.id).values(
            status=inbound.status.value, outcome=inbound.outcome.value if inbound.outcome
            else None, reason=inbound.reason, ticket_id=inbound.ticket_id,
            attempts=inbound.attempts, processed_at=inbound.processed_at,
            sender=inbound.sender)

    def unprocessed(self, limit: int, received_before: datetime | None = None) -> list[int]:
        query = select(t.mail_inbound.c.id).where(
            t.mail_inbound.c.status == InboundStatus.RECEIVED.value)
        if received_before is not None:
            query = query.where(t.mail_inbound.c.received_at < received_before)
        rows = self.db.execute(query.order_by(t.mail_inbound.c.id).limit(limit))
        return [int(row.id) for row in rows]

    def quarantined(self, limit: int, before_id: int | None) -> list[Inbound]:
        query = (select(t.mail_inbound)
                 .where(t.mail_inbound.c.status == InboundStatus.QUARANTINED.value)
                 .order_by(t.mail_inbound.c.id.desc()).limit(limit))
        if before_id is not None:
            query = query.where(t.mail_inbound.c.id < before_id)
        return [_inbound(row) for row in self.db.execute(query)]

    def set_aside(self, limit: int, before_id: int | None) -> list[Inbound]:
        inbound = t.mail_inbound
        query = (select(inbound)
                 .where(inbound.c.status == InboundStatus.PROCESSED.value,
                        inbound.c.outcome == Outcome.AUTO_REPLY.value,
                        inbound.c.ticket_id.is_(None))
                 .order_by(inbound.c.id.desc()).limit(limit))
        if before_id is not None:
            query = query.where(inbound.c.id < before_id)
        return [_inbound(row) for row in self.db.execute(query)]

    def count_quarantined(self) -> int:
        return int(self.db.execute(
            select(func.count()).select_from(t.mail_inbound)
            .where(t.mail_inbound.c.status == InboundStatus.QUARANTINED.value)).scalar_one())

    def recent_from(self, sender: str, since: datetime) -> int:
        return int(self.db.execute(_recent(sender, since)).scalar_one())

    # --- Message-IDs ---------------------------------------------------------------------

    def remember_message_id(self, message_id: str, ticket_id: int, direction: str,
                            at: datetime) -> None:
        """Keep the first ticket a Message-ID was seen on (one statement: a known one is
        skipped by the database)."""
        self.db.execute(self._remembering(message_id, ticket_id, direction, at))

    def _remembering(self, message_id: str, ticket_id: int, direction: str,
                     at: datetime) -> Any:
        return self._insert(t.mail_message_ids).values(
            key=message_id_key(message_id), message_id=message_id[:998], ticket_id=ticket_id,
            direction=direction, created_at=at).on_conflict_do_nothing(index_elements=["key"])

    def ticket_for_message_ids(self, message_ids: tuple[str, ...]) -> int | None:
        """The ticket of the first of ``message_ids`` (nearest first) that is known."""
        if not message_ids:
            return None
        keys = [message_id_key(m) for m in message_ids]
        rows = self.db.execute(select(t.mail_message_ids.c.key, t.mail_message_ids.c.ticket_id)
                               .where(t.mail_message_ids.c.key.in_(keys))).all()
        by_key = {row.key: int(row.ticket_id) for row in rows}
        for key in keys:
            if key in by_key:
                return by_key[key]
        return None

    def thread_of(self, ticket_id: int, limit: int = 20) -> list[tuple[str, str]]:
        """The ticket's Message-IDs, oldest first, with their direction (in, out)."""
        rows = self.db.execute(select(t.mail_message_ids.c.message_id,
                                      t.mail_message_ids.c.direction)
                               .where(t.mail_message_ids.c.ticket_id == ticket_id)
                               .order_by(t.mail_message_ids.c.id.desc()).limit(limit)).all()
        return [(row.message_id, row.direction) for row in reversed(rows)]

    def add_attachments(self, message_id: int, attachments: list[Attachment]) -> None:
        if attachments:
            self.db.execute(insert(t.attachments), [
                {"message_id": message_id, "filename": a.filename,
                 "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
                for a in attachments])

    # --- outbound ------------------------------------------------------------------------

    def queue(self, mail: OutboundMail) -> bool:
        """Queue ``mail`` unless one with its key is queued already; returns whether it was."""
        try:
            with self.db.begin_nested():
                mail.id = self.db.execute(insert(t.mail_deliveries).values(
                    key=mail.key, kind=mail.kind, ticket_id=mail.ticket_id,
                    message_id=mail.message_id, to_address=mail.to_address,
                    from_address=mail.from_address, subject=mail.subject,
                    in_reply_to=mail.in_reply_to, references_header=" ".join(mail.references),
                    body_text=mail.body_text, body_html=mail.body_html,
                    files=[{"filename": f.filename, "content_type": f.content_type,
                            "sha256": f.sha256} for f in mail.files],
                    status=mail.status.value, attempts=mail.attempts,
                    next_attempt_at=mail.next_attempt_at or mail.created_at,
                    created_at=mail.created_at).returning(t.mail_deliveries.c.id)).scalar_one()
        except IntegrityError:
            return False
        return True

    def any_due(self, now: datetime) -> bool:
        return self.db.execute(select(t.mail_deliveries.c.id).where(*_due(now))
                               .limit(1)).first() is not None

    def claim_due(self, now: datetime, lease_until: datetime,
                  limit: int) -> list[OutboundMail]:
        """Due deliveries, hidden from other workers until ``lease_until``."""
        d = t.mail_deliveries
        query = select(d).where(*_due(now)).order_by(d.c.next_attempt_at, d.c.id).limit(limit)
        if self.db.dialect.name != "sqlite":
            query = query.with_for_update(skip_locked=True)
        rows = self.db.execute(query).all()
        if not rows:
            return []
        self.db.execute(update(d).where(d.c.id.in_([row.id for row in rows]))
                        .values(attempts=d.c.attempts + 1, next_attempt_at=lease_until))
        claimed = []
        for row in rows:
            mail = _delivery(row)
            mail.attempts += 1
            mail.next_attempt_at = lease_until
            claimed.append(mail)
        return claimed

    def save_delivery(self, mail: OutboundMail) -> None:
        self.db.execute(update(t.mail_deliveries).where(t.mail_deliveries.c.id == mail.id)
                        .values(status=mail.status.value, attempts=mail.attempts,
                                next_attempt_at=mail.next_attempt_at or mail.created_at,
                                last_error=mail.last_error, sent_at=mail.sent_at))

    def deliveries(self, ticket_id: int) -> list[OutboundMail]:
        rows = self.db.execute(select(t.mail_deliveries)
                               .where(t.mail_deliveries.c.ticket_id == ticket_id)
                               .order_by(t.mail_deliveries.c.id))
        return [_delivery(row) for row in rows]

    def latest_sent_to(self, addresses: Collection[str],
                       since: datetime) -> OutboundMail | None:
        d = t.mail_deliveries
        # A sent mail's next attempt is when it was last tried, so the due index narrows
        # the search to the last days' mail (a day's slack for a long-delayed send).
        row = self.db.execute(
            select(d).where(d.c.status == DeliveryStatus.SENT.value,
                            d.c.next_attempt_at >= since - timedelta(days=1),
                            d.c.sent_at >= since,
                            func.lower(d.c.to_address).in_(list(addresses)))
            .order_by(d.c.sent_at.desc(), d.c.id.desc()).limit(1)).first()
        return _delivery(row) if row is not None else None


def _due(now: datetime) -> tuple[Any, ...]:
    d = t.mail_deliveries
    return (d.c.status == DeliveryStatus.PENDING.value, d.c.next_attempt_at <= now)


def _mailbox(row: Row[Any]) -> Mailbox:
    return Mailbox(id=row.id, name=row.name, host=row.host, port=row.port, tls=row.tls,
                   username=row.username, folder=row.folder, move_to=row.move_to,
                   uidvalidity=row.uidvalidity, last_uid=row.last_uid, active=row.active,
                   last_polled_at=row.last_polled_at, last_error=row.last_error)


class SqlMailboxRepository:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def add(self, mailbox: Mailbox, sealed_password: str) -> int:
        mailbox.id = self.db.execute(insert(t.mail_mailboxes).values(
            name=mailbox.name, host=mailbox.host, port=mailbox.port, tls=mailbox.tls,
            username=mailbox.username, sealed_password=sealed_password,
            folder=mailbox.folder, move_to=mailbox.move_to, last_uid=0,
            active=mailbox.active).returning(t.mail_mailboxes.c.id)).scalar_one()
        return int(mailbox.id)

    def active(self) -> list[tuple[Mailbox, str]]:
        rows = self.db.execute(select(t.mail_mailboxes)
                               .where(t.mail_mailboxes.c.active.is_(True))
                               .order_by(t.mail_mailboxes.c.id))
        return [(_mailbox(row), row.sealed_password) for row in rows]

    def all(self) -> list[Mailbox]:
        rows = self.db.execute(select(t.mail_mailboxes).order_by(t.mail_mailboxes.c.id))
        return [_mailbox(row) for row in rows]

    def record_poll(self, mailbox_id: int, uidvalidity: int | None, last_uid: int | None,
                    error: str | None, at: datetime) -> None:
        values: dict[str, Any] = {"last_polled_at": at, "last_error": error}
        if uidvalidity is not None and last_uid is not None:
            values.update(uidvalidity=uidvalidity, last_uid=last_uid)
        self.db.execute(update(t.mail_mailboxes).where(t.mail_mailboxes.c.id == mailbox_id)
                        .values(**values))
