"""Polling real IMAP mailboxes (dovecot on 127.0.0.1): concurrent mailboxes, flags and moves
only after filing, UIDVALIDITY/UID remembered, outages survived, one bad mailbox alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, update

from hubdesk.bench.imap_server import Dovecot, available
from hubdesk.bootstrap import Hub
from hubdesk.channels.email.imap import poll_all
from hubdesk.domain.mail import Mailbox
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.store import tables as t
from tests.channels.email import corpus

USERS = {"ann": "secret-ann", "bob": "secret-bob"}


@pytest.fixture(scope="module")
def imap_server() -> Iterator[Dovecot]:
    why = available()
    if why:
        pytest.skip(why)
    server = Dovecot(USERS)
    server.start()
    yield server
    server.remove()


@pytest.fixture
def server(imap_server: Dovecot) -> Dovecot:
    """The module's server with both users' mailboxes emptied."""
    for user, password in USERS.items():
        client = imap_server.client(user, password)
        for folder in ("INBOX", "Filed"):
            status, count = client.select(folder)
            if status == "OK" and count[0] not in (b"0", None):
                client.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
                client.expunge()
        client.logout()
    return imap_server


def _add(hub: Hub, server: Dovecot, user: str, *, password: str | None = None,
         move_to: str | None = None, port: int | None = None) -> Mailbox:
    return hub.app.mail.add_mailbox(LOCAL_OPERATOR, Mailbox(
        id=None, name=f"{user}-box", host="127.0.0.1", port=port or server.port, tls=False,
        username=user, move_to=move_to), password or USERS[user])


def _tickets(hub: Hub) -> int:
    with hub.engine.connect() as db:
        return int(db.execute(select(func.count()).select_from(t.tickets)).scalar_one())


def _unseen(server: Dovecot, user: str, folder: str = "INBOX") -> int:
    client = server.client(user, USERS[user])
    client.select(folder)
    found = client.uid("SEARCH", "UNSEEN")[1][0].split()
    client.logout()
    return len(found)


def _max_uid(server: Dovecot, user: str) -> int:
    client = server.client(user, USERS[user])
    client.select("INBOX")
    uids = [int(n) for n in client.uid("SEARCH", "ALL")[1][0].split()]
    client.logout()
    return max(uids)


def test_mailboxes_are_polled_together_and_flagged_only_after_filing(
        mail_hub: Hub, server: Dovecot) -> None:
    server.deliver("ann", USERS["ann"], *[corpus.plain(
        sender=f"a{n}@example.com", message_id=f"<ia{n}@example.com>") for n in range(3)])
    server.deliver("bob", USERS["bob"], *[corpus.plain(
        sender=f"b{n}@example.com", message_id=f"<ib{n}@example.com>") for n in range(2)])
    _add(mail_hub, server, "ann")
    _add(mail_hub, server, "bob")
    polls = {p.mailbox: p for p in poll_all(mail_hub.app, max_bytes=10_000_000)}
    assert polls["ann-box"].outcomes == {"created": 3} and polls["bob-box"].fetched == 2
    assert _tickets(mail_hub) == 5
    assert _unseen(server, "ann") == 0 and _unseen(server, "bob") == 0
    stored = {m.name: m for m in mail_hub.app.mail.mailboxes(LOCAL_OPERATOR)}
    assert stored["ann-box"].last_uid == _max_uid(server, "ann")
    assert stored["ann-box"].uidvalidity
    # Nothing new: nothing fetched.
    assert all(p.fetched == 0 for p in poll_all(mail_hub.app, max_bytes=10_000_000))
    server.deliver("ann", USERS["ann"], corpus.plain(
        sender="a0@example.com", subject="Re: Printer on fire", message_id="<ia9@example.com>",
        In_Reply_To="<ia0@example.com>"))
    [ann, _] = poll_all(mail_hub.app, max_bytes=10_000_000)
    assert ann.outcomes == {"threaded": 1} and _tickets(mail_hub) == 5


def test_filed_messages_can_be_moved_to_another_folder(mail_hub: Hub, server: Dovecot) -> None:
    client = server.client("ann", USERS["ann"])
    client.create("Filed")
    client.logout()
    server.deliver("ann", USERS["ann"], corpus.plain(), corpus.html_only())
    _add(mail_hub, server, "ann", move_to="Filed")
    [poll] = poll_all(mail_hub.app, max_bytes=10_000_000)
    assert poll.outcomes == {"created": 2}
    inbox = server.client("ann", USERS["ann"])
    inbox.select("INBOX")
    assert inbox.uid("SEARCH", "ALL")[1][0] == b""
    inbox.select("Filed")
    assert len(inbox.uid("SEARCH", "ALL")[1][0].split()) == 2
    inbox.logout()


def test_a_failing_mailbox_never_holds_up_the_others_and_recovers(
        mail_hub: Hub, server: Dovecot) -> None:
    server.deliver("bob", USERS["bob"], corpus.plain(sender="bob@example.com"))
    _add(mail_hub, server, "ann", password="wrong")
    _add(mail_hub, server, "bob")
    polls = {p.mailbox: p for p in poll_all(mail_hub.app, max_bytes=10_000_000)}
    assert "AUTHENTICATIONFAILED" in (polls["ann-box"].error or "")
    assert polls["bob-box"].outcomes == {"created": 1}
    stored = {m.name: m for m in mail_hub.app.mail.mailboxes(LOCAL_OPERATOR)}
    assert stored["ann-box"].last_error and stored["bob-box"].last_error is None


def test_a_server_outage_is_survived_and_nothing_is_lost(mail_hub: Hub,
                                                         server: Dovecot) -> None:
    _add(mail_hub, server, "ann")
    server.deliver("ann", USERS["ann"], corpus.plain())
    server.stop()
    try:
        [down] = poll_all(mail_hub.app, max_bytes=10_000_000)
        assert down.error is not None and down.error.startswith("cannot connect")
    finally:
        server.start()
    [up] = poll_all(mail_hub.app, max_bytes=10_000_000)
    assert up.error is None and up.outcomes == {"created": 1}


def test_a_changed_uidvalidity_reads_again_without_duplicating(mail_hub: Hub,
                                                               server: Dovecot) -> None:
    server.deliver("ann", USERS["ann"], corpus.plain(), corpus.html_only())
    _add(mail_hub, server, "ann")
    poll_all(mail_hub.app, max_bytes=10_000_000)
    with mail_hub.engine.begin() as db:
        db.execute(update(t.mail_mailboxes).values(uidvalidity=1))
    [again] = poll_all(mail_hub.app, max_bytes=10_000_000)
    assert again.outcomes == {"duplicate": 2} and _tickets(mail_hub) == 2


def test_an_oversized_message_is_left_and_the_rest_filed(mail_hub: Hub,
                                                         server: Dovecot) -> None:
    server.deliver("ann", USERS["ann"], corpus.plain(body="x" * 50_000),
                   corpus.plain(sender="small@example.com", message_id="<small@example.com>"))
    _add(mail_hub, server, "ann")
    [poll] = poll_all(mail_hub.app, max_bytes=20_000)
    assert poll.skipped_oversized == 1 and poll.outcomes == {"created": 1}
    assert _unseen(server, "ann") == 1  # the large one is left for a person to see
    [stored] = mail_hub.app.mail.mailboxes(LOCAL_OPERATOR)
    assert "larger than 20000 bytes left unread" in (stored.last_error or "")


def _read_in_a_mail_client(server: Dovecot, user: str, count: int) -> None:
    """Flags the folder's first ``count`` messages seen, as a person reading them would."""
    client = server.client(user, USERS[user])
    client.select("INBOX")
    uids = client.uid("SEARCH", "ALL")[1][0].split()[:count]
    client.uid("STORE", b",".join(uids).decode(), "+FLAGS.SILENT", r"(\Seen)")
    client.logout()


def test_the_first_poll_files_only_the_unread_mail_and_leaves_the_read_where_it_is(
        mail_hub: Hub, server: Dovecot) -> None:
    """A team connects the inbox it has worked from in a mail client: what it read and
    answered there is left alone. Before, every message in the folder opened a ticket and
    was acknowledged, however old."""
    server.deliver("ann", USERS["ann"], *[corpus.plain(
        sender=f"old{n}@example.com", message_id=f"<old{n}@example.com>") for n in range(3)],
        corpus.plain(sender="new@example.com", message_id="<new@example.com>"))
    _read_in_a_mail_client(server, "ann", 3)
    _add(mail_hub, server, "ann")
    [first] = poll_all(mail_hub.app, max_bytes=10_000_000)
    assert first.outcomes == {"created": 1} and first.left_read == 3
    assert _tickets(mail_hub) == 1 and _unseen(server, "ann") == 0
    [stored] = mail_hub.app.mail.mailboxes(LOCAL_OPERATOR)
    assert stored.last_uid == _max_uid(server, "ann")
    assert "3 message(s) already read when the mailbox was connected" in (stored.last_error
                                                                         or "")
    # From then on, whatever arrives is filed, though someone read it in their client first.
    server.deliver("ann", USERS["ann"], corpus.plain(
        sender="later@example.com", message_id="<later@example.com>"))
    _read_in_a_mail_client(server, "ann", 5)
    [later] = poll_all(mail_hub.app, max_bytes=10_000_000)
    assert later.outcomes == {"created": 1} and later.left_read == 0
    assert _tickets(mail_hub) == 2
    [stored] = mail_hub.app.mail.mailboxes(LOCAL_OPERATOR)
    assert stored.last_error is None
