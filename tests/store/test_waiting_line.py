"""Routing's waiting line read through its index, on both databases: each ticket keeps its
running answer clock's deadline as its clocks move, the line pages past tickets with and
without a deadline, and the store keeps to an agent's lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from hubdesk.domain.agents import Role
from hubdesk.domain.tickets import Channel, Status
from hubdesk.services.routing_records import ServedLines
from hubdesk.services.tickets import NewTicket, add_customer_message, add_message, open_ticket
from hubdesk.store import tables as t
from tests import factories

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
TARGETS = {p: {"first_response": 60, "next_response": 30, "resolution": 960}
           for p in ("low", "normal", "high", "urgent")}


@pytest.fixture
def rep(hub):
    return factories.staff(hub, Role.COORDINATOR).agent


def _open(hub, rep, n, *, at=NOW, channel=Channel.API, language=None):
    detail, _ = open_ticket(hub.uows, rep, NewTicket(
        subject=f"Question {n}", body="Where is my order?", channel=channel,
        requester_email=f"waiting{n}@example.com"), now=at)
    if language is not None:
        with hub.engine.begin() as db:
            db.execute(t.tickets.update().where(t.tickets.c.id == detail.ticket.id)
                       .values(language=language))
    return detail.ticket.id


def _answer_due(hub, ticket_id):
    with hub.engine.connect() as db:
        return db.execute(select(t.tickets.c.answer_due_at)
                          .where(t.tickets.c.id == ticket_id)).scalar_one()


def _line(hub, **options):
    with hub.uows(write=False) as uow:
        return [w.ticket_id for w in uow.routing.waiting(50, **options)]


def test_a_ticket_keeps_its_running_answer_clocks_deadline_as_the_clocks_move(hub, rep):
    admin = factories.staff(hub, Role.ADMIN).agent
    hub.app.sla.create_policy(admin, {"name": "Everyone", "targets": TARGETS})
    ticket_id = _open(hub, rep, 1)
    assert _answer_due(hub, ticket_id) == NOW + 60 * MINUTE  # first response

    add_message(hub.uows, rep, ticket_id, "We are on it.", now=NOW + 5 * MINUTE)
    assert _answer_due(hub, ticket_id) is None  # answered: nothing runs until the customer

    add_customer_message(hub.uows, ticket_id, "Any news?", now=NOW + 20 * MINUTE)
    assert _answer_due(hub, ticket_id) == NOW + 50 * MINUTE  # next response

    hub.app.tickets.change_status(rep, ticket_id, Status.SOLVED, now=NOW + 25 * MINUTE)
    assert _answer_due(hub, ticket_id) is None


def test_the_line_pages_through_deadlines_then_tickets_without_one(hub, rep):
    admin = factories.staff(hub, Role.ADMIN).agent
    undated = [_open(hub, rep, n, at=NOW + n * MINUTE) for n in (1, 2)]
    hub.app.sla.create_policy(admin, {"name": "Everyone", "targets": TARGETS})
    dated = [_open(hub, rep, n, at=NOW + n * MINUTE) for n in (3, 4)]
    assert _line(hub) == dated + undated  # no deadline: after every deadline, oldest first

    with hub.uows(write=False) as uow:
        pages, after = [], None
        while True:
            page = uow.routing.waiting(1, after=after)
            if not page:
                break
            pages.append(page[0].ticket_id)
            after = page[0]
    assert pages == dated + undated


def test_the_store_keeps_to_the_lines_an_agent_serves(hub, rep):
    team = factories.team(hub)
    english = _open(hub, rep, 1, language="en")
    german = _open(hub, rep, 2, language="de")
    unknown = _open(hub, rep, 3, language="und")
    by_mail = _open(hub, rep, 4, channel=Channel.EMAIL, language="en")
    teamed = _open(hub, rep, 5, language="en")
    with hub.engine.begin() as db:
        db.execute(t.tickets.update().where(t.tickets.c.id == teamed).values(team_id=team.id))

    speaks_english = ServedLines(channels=("api",), team_ids=(), languages=("en",))
    assert _line(hub, lines=speaks_english) == [english, unknown]
    in_the_team = ServedLines(channels=("api", "email"), team_ids=(team.id,),
                              languages=("en",))
    assert _line(hub, lines=in_the_team) == [english, unknown, by_mail, teamed]
    any_language = ServedLines(channels=("api",), team_ids=(), languages=None)
    assert _line(hub, lines=any_language) == [english, german, unknown]


def test_the_first_page_is_read_in_order_from_the_index(hub, rep, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the query plan checked is PostgreSQL's")
    for n in range(3):
        _open(hub, rep, n, at=NOW + n * MINUTE)
    seen = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "FROM tickets JOIN customers" in statement:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with hub.uows(write=False) as uow:
            uow.routing.waiting(25, skip_locked=True, vip_levels={"vip": 2})
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    [(statement, parameters)] = seen
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET enable_seqscan = off")  # a tiny table: the planner may still
        cursor.execute("SET enable_sort = off")  # prefer reading it whole
        cursor.execute("EXPLAIN " + statement, parameters)
        plan = [row[0] for row in cursor.fetchall()]
    finally:
        raw.rollback()
        raw.close()
    assert any("ix_tickets_waiting" in line for line in plan), plan
