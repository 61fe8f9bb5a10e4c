"""Routing's waiting line read through its index, on both databases: each ticket keeps its
running answer clock's deadline as its clocks move, the line pages past tickets with and
without a deadline, and the store keeps to an agent's lines."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from hubdesk.domain.agents import Role
from hubdesk.domain.customers import Tier
from hubdesk.domain.tickets import Channel, Priority, Status
from hubdesk.services.directory import CustomerInput
from hubdesk.services.routing_records import ServedLines
from hubdesk.services.tickets import NewTicket, add_customer_message, add_message, open_ticket
from hubdesk.store import tables as t
from tests import factories
from tests.store.statements import statements_sent

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
TARGETS = {p: {"first_response": 60, "next_response": 30, "resolution": 960}
           for p in ("low", "normal", "high", "urgent")}


@pytest.fixture
def rep(hub):
    return factories.staff(hub, Role.COORDINATOR).agent


def _open(hub, rep, n, *, at=NOW, channel=Channel.API, language=None,
          priority=Priority.NORMAL):
    detail, _ = open_ticket(hub.uows, rep, NewTicket(
        subject=f"Question {n}", body="Where is my order?", channel=channel,
        requester_email=f"waiting{n}@example.com", priority=priority), now=at)
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
    admin = factories.staff(hub, Role.ADMIN).agent
    hub.app.sla.create_policy(admin, {"name": "Everyone", "targets": TARGETS})
    for n in range(3):
        _open(hub, rep, n, at=NOW + n * MINUTE)
    with statements_sent(engine, lambda sql: "FROM tickets LEFT OUTER JOIN ticket_routing"
                         in sql) as seen, hub.uows(write=False) as uow:
        uow.routing.waiting(25, skip_locked=True, vip_levels={"vip": 2})
    (statement, parameters), *_ = seen  # the deadlines first, then those with none
    assert "answer_due_at IS NOT NULL" in statement
    plan = _plan(engine, statement, parameters)
    assert any("ix_tickets_waiting " in line for line in plan), plan


def _plan(engine, statement, parameters):
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET enable_seqscan = off")  # a tiny table: the planner may still
        cursor.execute("SET enable_sort = off")  # prefer reading it whole
        cursor.execute("EXPLAIN " + statement, parameters)
        return [row[0] for row in cursor.fetchall()]
    finally:
        raw.rollback()
        raw.close()


# --- tickets without a deadline (a desk without an SLA policy) ------------------------------

VIP_LEVELS = {"standard": 0, "premium": 1, "vip": 2}


def _customer_tier(hub, ticket_id, tier):
    with hub.uows(write=False) as uow:
        requester = uow.tickets.get(ticket_id).requester_id
    admin = factories.staff(hub, Role.ADMIN).agent
    hub.app.directory.update_customer(admin, requester, CustomerInput(frozenset({"tier"}),
                                                                      tier=tier))


def _undated_desk(hub, rep):
    """Tickets of every priority and tier, opened in an order unlike the line's."""
    plan = [(Priority.NORMAL, Tier.STANDARD), (Priority.LOW, Tier.VIP),
            (Priority.NORMAL, Tier.VIP), (Priority.URGENT, Tier.STANDARD),
            (Priority.NORMAL, Tier.PREMIUM), (Priority.HIGH, Tier.STANDARD),
            (Priority.NORMAL, Tier.STANDARD), (Priority.URGENT, Tier.PREMIUM),
            (Priority.LOW, Tier.STANDARD), (Priority.NORMAL, Tier.VIP)]
    made = []
    for n, (priority, tier) in enumerate(plan):
        ticket_id = _open(hub, rep, 100 + n, at=NOW + n * MINUTE, priority=priority)
        if tier is not Tier.STANDARD:
            _customer_tier(hub, ticket_id, tier)
        made.append((ticket_id, priority, tier, NOW + n * MINUTE))
    rank = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
    ordered = sorted(made, key=lambda m: (rank[m[1].value], -VIP_LEVELS[m[2].value], m[3],
                                          m[0]))
    return [m[0] for m in ordered]


def _pages(hub, size, **options):
    found, after = [], None
    with hub.uows(write=False) as uow:
        while True:
            page = uow.routing.waiting(size, after=after, vip_levels=VIP_LEVELS, **options)
            found += [w.ticket_id for w in page]
            if len(page) < size:
                return found
            after = page[-1]


def test_tickets_without_a_deadline_wait_by_priority_vip_level_and_age_page_after_page(hub,
                                                                                      rep):
    expected = _undated_desk(hub, rep)
    assert _pages(hub, 50) == expected
    assert _pages(hub, 1) == expected
    assert _pages(hub, 3) == expected
    with hub.uows(write=False) as uow:  # without VIP levels, tiers weigh nothing
        plain = [w.ticket_id for w in uow.routing.waiting(50)]
    assert plain[:2] == [expected[1], expected[0]] and sorted(plain) == sorted(expected)


def test_dated_tickets_come_first_and_the_page_fills_from_those_without_a_deadline(hub, rep):
    undated = _undated_desk(hub, rep)
    admin = factories.staff(hub, Role.ADMIN).agent
    hub.app.sla.create_policy(admin, {"name": "Everyone", "targets": TARGETS})
    dated = [_open(hub, rep, n, at=NOW + n * MINUTE) for n in (1, 2, 3)]
    for size in (1, 2, 4, 50):
        assert _pages(hub, size) == dated + undated


def test_a_customers_new_tier_moves_their_waiting_tickets_in_the_line(hub, rep):
    first = _open(hub, rep, 1, at=NOW)
    second = _open(hub, rep, 2, at=NOW + MINUTE)
    assert _pages(hub, 10) == [first, second]
    _customer_tier(hub, second, Tier.VIP)
    assert _pages(hub, 10) == [second, first]
    assert _pages(hub, 1) == [second, first]
    _customer_tier(hub, second, Tier.STANDARD)
    assert _pages(hub, 10) == [first, second]


def test_the_line_without_deadlines_keeps_to_an_agents_lines(hub, rep):
    english = _open(hub, rep, 1, language="en", priority=Priority.LOW)
    _open(hub, rep, 2, language="de", priority=Priority.URGENT)
    by_mail = _open(hub, rep, 3, channel=Channel.EMAIL, language="en",
                    priority=Priority.HIGH)
    lines = ServedLines(channels=("api", "email"), team_ids=(), languages=("en",))
    assert _pages(hub, 1, lines=lines) == [by_mail, english]


def test_a_page_without_deadlines_is_read_from_its_index(hub, rep, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the query plan checked is PostgreSQL's")
    _undated_desk(hub, rep)
    with statements_sent(engine, lambda sql: "UNION ALL" in sql) as seen, \
            hub.uows(write=False) as uow:
        uow.routing.waiting(25, skip_locked=True, vip_levels=VIP_LEVELS)
    [(statement, parameters)] = seen
    plan = _plan(engine, statement, parameters)
    runs = [line for line in plan if "ix_tickets_waiting_undated" in line]
    assert len(runs) == 12, plan  # one range per priority and tier
    assert not any("Seq Scan on tickets" in line for line in plan), plan


def test_tickets_another_transaction_holds_are_skipped_and_the_page_still_fills(hub, rep,
                                                                                engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    expected = _undated_desk(hub, rep)
    with engine.connect() as other:
        other.execute(select(t.tickets.c.id).where(t.tickets.c.id.in_(expected[1:3]))
                      .with_for_update())
        with hub.uows() as uow:
            page = uow.routing.waiting(4, skip_locked=True, vip_levels=VIP_LEVELS)
        other.rollback()
    assert [w.ticket_id for w in page] == [expected[0], *expected[3:6]]


def test_a_ticket_opened_for_a_vip_keeps_the_tier_from_the_start(hub, rep):
    first = _open(hub, rep, 1, at=NOW)
    _customer_tier(hub, first, Tier.VIP)
    again = _open(hub, rep, 1, at=NOW + MINUTE)  # the same customer writes again
    other = _open(hub, rep, 2, at=NOW + 2 * MINUTE)
    with hub.engine.connect() as db:
        tiers = dict(db.execute(select(t.tickets.c.id, t.tickets.c.requester_tier)).all())
    assert tiers == {first: "vip", again: "vip", other: "standard"}


def test_the_store_keeps_to_the_categories_and_tiers_within_an_agents_reach(hub, rep):
    made = {}
    for n, category in enumerate(("billing", "refund", None, "delivery")):
        made[category] = _open(hub, rep, n, at=NOW + n * MINUTE)
        with hub.engine.begin() as db:
            db.execute(t.tickets.update().where(t.tickets.c.id == made[category])
                       .values(category=category))
    escalated = _open(hub, rep, 9, at=NOW + 9 * MINUTE)
    with hub.engine.begin() as db:
        db.execute(t.tickets.update().where(t.tickets.c.id == escalated)
                   .values(category="billing"))
        db.execute(t.ticket_tiers.insert().values(
            ticket_id=escalated, tier=3, reason="specialist", escalated_by_id=rep.id,
            escalated_at=NOW))
    every = ServedLines(channels=("api",), team_ids=(), languages=None)
    assert _line(hub, lines=every) == [*made.values(), escalated]
    skipping = replace(every, skip_categories=("refund",), max_tier=2)
    assert _line(hub, lines=skipping) == [made["billing"], made[None], made["delivery"]]
    only = replace(every, only_categories=("billing", "delivery"))
    assert _line(hub, lines=only) == [made["billing"], made["delivery"], escalated]
