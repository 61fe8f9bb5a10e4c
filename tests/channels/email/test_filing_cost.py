"""What filing one received message asks of the database, on both databases: the filing
path is the desk's busiest, so a statement added to it shows here. A sender first seen with
this message has no earlier agent and excluded nobody, and a ticket just written has no
clocks yet: none of that is read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, text

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Role
from hubdesk.domain.mail import Outcome
from tests import factories
from tests.channels.email import corpus
from tests.routing_desk import agent, configure

# Statements filing a new sender's first message asks on each database (no BEGIN/COMMIT),
# on a desk routing to one agent under one SLA policy, its settings remembered from an
# earlier message: the message under its lock with the sender's rate and the settings'
# token, the customer looked up and created (one statement on PostgreSQL), routing (the
# roster with each agent's teams, the day's difficult contacts, the agent's load), the
# ticket, its routing state and decision, its SLA clocks, their history and the ticket's
# answer deadline, the message's state with its Message-ID (one statement on PostgreSQL).
FILING_STATEMENTS = {"postgresql": 12, "sqlite": 20}  # SQLite: no one-statement writes


@contextmanager
def statements_of(hub: Hub) -> Iterator[list[str]]:
    asked: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SET")):
            asked.append(" ".join(statement.split()))

    event.listen(hub.engine, "before_cursor_execute", record)
    try:
        yield asked
    finally:
        event.remove(hub.engine, "before_cursor_execute", record)


def _file(hub: Hub, n: int, sender: str) -> tuple[Outcome, list[str], list[str]]:
    raw = corpus.plain(sender=sender, message_id=f"<cost{n}@example.com>",
                       subject=f"Invoice question {n}")
    autocommit: list[bool] = []

    def note(conn, cursor, statement, *args) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            autocommit.append(bool(getattr(conn.connection.dbapi_connection, "autocommit",
                                           False)))

    event.listen(hub.engine, "before_cursor_execute", note)
    try:
        with statements_of(hub) as storing:
            received = hub.app.mail.receive(raw, source="smtp")
    finally:
        event.remove(hub.engine, "before_cursor_execute", note)
    # PostgreSQL runs the one INSERT as its own transaction: no BEGIN or COMMIT round trips.
    assert autocommit == [hub.engine.dialect.name == "postgresql"]
    assert received.raw_sha256 is not None
    with statements_of(hub) as filing:
        outcome = hub.app.mail.process_stored(received.inbound_id, received.raw_sha256)
    return outcome, storing, filing


def test_storing_and_filing_a_message_ask_only_what_they_need(mail_hub: Hub) -> None:
    configure(mail_hub)
    coordinator = factories.staff(mail_hub, Role.COORDINATOR).agent
    agent(mail_hub, coordinator, {"billing": 3})
    admin = factories.staff(mail_hub, Role.ADMIN).agent
    mail_hub.app.sla.create_policy(admin, {"name": "Everyone", "targets": {
        "normal": {"first_response": 60, "resolution": 480}}})

    # The desk's settings are read by the first change after they changed, and remembered:
    # a first message loads them, the message measured finds them.
    _, _, loading = _file(mail_hub, 0, "earlier@example.com")
    settings_reads = ("SELECT rules.", "SELECT routing_config.", "SELECT sla_policies.")
    assert [s for s in loading if s.startswith(settings_reads)]

    outcome, storing, filing = _file(mail_hub, 1, "first@example.com")
    assert outcome is Outcome.CREATED
    # Storing: one INSERT that skips a duplicate itself (no savepoint around it).
    assert len(storing) == 1 and storing[0].startswith("INSERT INTO mail_inbound")
    assert not [s for s in storing if "SAVEPOINT" in s.upper()]
    # Filing: the message is read once, under its lock, with the sender's recent count;
    # a new sender's earlier tickets, exclusions and a new ticket's clocks are not read.
    inbound_reads = [s for s in filing if "FROM mail_inbound" in s]
    assert len(inbound_reads) == 1 and inbound_reads[0].startswith("SELECT mail_inbound.id")
    assert "count(*)" in inbound_reads[0]
    if mail_hub.engine.dialect.name == "postgresql":
        assert inbound_reads[0].endswith("FOR UPDATE OF mail_inbound")
    assert not [s for s in filing if "customer_excluded_agents" in s]
    assert not [s for s in filing if s.startswith("SELECT tickets.assignee_id")]
    # A new ticket's clocks are started and written, never read back: the change keeps them
    # as it wrote them for its later events (the assignment routing made, and the status
    # change it records). The settings are not read again: their token, read beside the
    # message's row (not by a statement of its own), says that what the process remembers
    # is what is stored.
    assert [s for s in filing if s.startswith("INSERT INTO ticket_sla_clocks")]
    assert not [s for s in filing if s.startswith("SELECT ticket_sla_clocks")]
    assert not [s for s in filing if s.startswith(settings_reads)]
    assert "FROM settings_versions" in inbound_reads[0]
    assert not [s for s in filing if s.startswith("SELECT settings_versions")]
    assert not [s for s in filing if s.startswith("SELECT mail_message_ids")]
    first = len(filing)

    # The same sender again: now they have a past, and it is read.
    outcome, _, again = _file(mail_hub, 2, "first@example.com")
    assert outcome is Outcome.CREATED
    assert [s for s in again if "customer_excluded_agents" in s]
    assert [s for s in again if s.startswith("SELECT tickets.assignee_id")]
    # Its past, not creating the customer (on PostgreSQL looking up and creating are one
    # statement, which a known sender asks too).
    created = [x for x in filing if x.startswith("INSERT INTO customer")]
    assert len(again) == first + 2 - len(created)
    assert first == FILING_STATEMENTS[mail_hub.engine.dialect.name], "\n".join(filing)


def test_a_message_handed_over_with_a_wrong_name_for_its_bytes_is_still_filed_once(
        mail_hub: Hub) -> None:
    received = mail_hub.app.mail.receive(corpus.plain(message_id="<named@example.com>"),
                                         source="smtp")
    # No bytes under that name: the message is looked up and its own bytes filed.
    assert mail_hub.app.mail.process_stored(received.inbound_id, "0" * 64) is Outcome.CREATED
    # Not a name at all, handed over again: looked up, already filed, filed once.
    assert mail_hub.app.mail.process_stored(received.inbound_id, "../x") is Outcome.CREATED
    with mail_hub.uows(write=False) as uow:
        assert uow.mail.ticket_for_message_ids(("<named@example.com>",)) is not None
    with mail_hub.engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM tickets")).scalar_one() == 1
