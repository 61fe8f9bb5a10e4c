"""IMAP mailboxes: configured by administrators (password sealed), and the bookkeeping of
each poll. The polling itself is the channel's (`channels/email/imap.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.mail import Mailbox
from hubdesk.domain.permissions import check_admin
from hubdesk.services.ports import DuplicateKey, Sealer, UnitOfWorkFactory


@dataclass(frozen=True)
class PollTarget:
    """A mailbox with its password unsealed, for one poll."""

    mailbox: Mailbox
    password: str


def add_mailbox(uows: UnitOfWorkFactory, sealer: Sealer, actor: Agent, mailbox: Mailbox,
                password: str) -> Mailbox:
    check_admin(actor, "configuring mailboxes")
    if not mailbox.name.strip() or not mailbox.host.strip() or not mailbox.username:
        raise ValidationFailed("a mailbox needs a name, a host and a user name",
                               {"mailbox": "incomplete"})
    try:
        with uows() as uow:
            uow.mailboxes.add(mailbox, sealer.seal(password))
            uow.commit()
    except DuplicateKey:
        raise ValidationFailed(f"a mailbox named {mailbox.name!r} exists already",
                               {"name": "taken"}) from None
    return mailbox


def mailboxes(uows: UnitOfWorkFactory, actor: Agent) -> list[Mailbox]:
    check_admin(actor, "reading mailbox settings")
    with uows(write=False) as uow:
        return uow.mailboxes.all()


def poll_targets(uows: UnitOfWorkFactory, sealer: Sealer) -> list[PollTarget]:
    """Active mailboxes, passwords unsealed (for the poller only; never shown)."""
    with uows(write=False) as uow:
        found = uow.mailboxes.active()
    return [PollTarget(mailbox, sealer.unseal(sealed)) for mailbox, sealed in found]


def record_poll(uows: UnitOfWorkFactory, mailbox_id: int, *, uidvalidity: int | None,
                last_uid: int | None, error: str | None, now: datetime | None = None) -> None:
    with uows() as uow:
        uow.mailboxes.record_poll(mailbox_id, uidvalidity, last_uid,
                                  error[:1000] if error else None, now or utcnow())
        uow.commit()
