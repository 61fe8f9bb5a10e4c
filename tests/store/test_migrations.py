"""The migrations and tables.py describe the same schema, on both databases."""

from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, inspect, select, text

from hubdesk.store import tables as t
from hubdesk.store.migrate import downgrade, upgrade
from hubdesk.store.schema_version import database_revision, head_revision
from hubdesk.store.tables import metadata


def test_migrations_match_the_tables(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    # the search index (FTS5 table / tsvector column) exists only in the migration, on purpose
    assert [d for d in differences if "search" not in str(d)] == []


def test_the_schema_is_at_head(engine):
    assert head_revision() is not None
    assert database_revision(engine) == head_revision()


def test_0018_gives_waiting_tickets_their_running_answer_clocks_deadline(unmigrated_engine):
    engine = unmigrated_engine
    at, due = datetime(2026, 3, 2, 10, tzinfo=UTC), datetime(2026, 3, 2, 11, tzinfo=UTC)
    upgrade(engine, "0017_notifications")
    with engine.begin() as db:
        customer = _customer(db, "standard", at)
        tickets = [_ticket(db, customer, at) for _ in range(3)]
        for ticket_id, target, status, clock_due in (
                (tickets[0], "first_response", "met", None),
                (tickets[0], "next_response", "running", due),
                (tickets[0], "resolution", "running", at),
                (tickets[1], "resolution", "running", due),
                (tickets[2], "first_response", "running", due),
                (tickets[2], "next_response", "running", at)):
            db.execute(insert(t.ticket_sla_clocks).values(
                ticket_id=ticket_id, target=target, status=status, cycle=1, goal_us=1,
                elapsed_us=0, started_at=at, due_at=clock_due, fired=[]))
    upgrade(engine, "0018_routing_waiting")
    with engine.connect() as db:
        found = dict(db.execute(select(t.tickets.c.id, t.tickets.c.answer_due_at)
                                .order_by(t.tickets.c.id)).all())
    # resolution is no answer clock; of two running answer clocks the earlier deadline
    assert found == {tickets[0]: due, tickets[1]: None, tickets[2]: at}


def _customer(db, tier, at):
    return db.execute(insert(t.customers).values(
        name="C", tier=tier, notes="", custom_fields={}, created_at=at,
        updated_at=at).returning(t.customers.c.id)).scalar_one()


def _ticket(db, customer, at):
    # written column by column: the tables of later revisions have more of them
    return db.execute(text(
        "INSERT INTO tickets (subject, status, priority, channel, tags, requester_id, "
        "custom_fields, created_at, updated_at) VALUES ('S', 'open', 'normal', 'api', '[]', "
        ":customer, '{}', :at, :at) RETURNING id"), {"customer": customer, "at": at}
    ).scalar_one()


def test_0022_keeps_each_requesters_tier_beside_their_tickets(unmigrated_engine):
    engine = unmigrated_engine
    at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    upgrade(engine, "0020_workforce_requests")
    with engine.begin() as db:
        tiers = {tier: _customer(db, tier, at) for tier in ("standard", "premium", "vip")}
        tickets = {tier: [_ticket(db, customer, at) for _ in range(2)]
                   for tier, customer in tiers.items()}
    upgrade(engine, "0022_routing_urgency")
    with engine.connect() as db:
        found = dict(db.execute(select(t.tickets.c.id, t.tickets.c.requester_tier)).all())
    assert found == {ticket_id: tier for tier, ids in tickets.items() for ticket_id in ids}


def test_0025_adds_each_agents_read_marks_and_takes_them_away_again(unmigrated_engine):
    engine = unmigrated_engine
    at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    upgrade(engine, "0024_mail_template_html")
    assert "ticket_reads" not in inspect(engine).get_table_names()
    with engine.begin() as db:
        ticket = _ticket(db, _customer(db, "standard", at), at)
    upgrade(engine, "0025_ticket_reads")
    with engine.begin() as db:
        agent = db.execute(insert(t.agents).values(
            email="a@hubdesk.test", name="A", role="admin", tier=1, active=True, languages=[],
            skills={}, created_at=at).returning(t.agents.c.id)).scalar_one()
        db.execute(insert(t.ticket_reads).values(agent_id=agent, ticket_id=ticket,
                                                 last_message_id=7, read_at=at))
    with engine.connect() as db:
        assert db.execute(select(t.ticket_reads)).all() == [(agent, ticket, 7, at)]
    downgrade(engine, "0024_mail_template_html")
    assert "ticket_reads" not in inspect(engine).get_table_names()


def test_0036_leaves_tokens_issued_before_it_full_and_unexpiring(unmigrated_engine):
    from hubdesk.domain.tokens import TokenScope
    from hubdesk.services.auth import hash_token
    from hubdesk.store.directory import SqlAgentRepository

    engine = unmigrated_engine
    at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    upgrade(engine, "0035_rule_usage")
    with engine.begin() as db:
        agent = db.execute(insert(t.agents).values(
            email="a@hubdesk.test", name="A", role="admin", tier=1, active=True, languages=[],
            skills={}, created_at=at).returning(t.agents.c.id)).scalar_one()
        db.execute(text("INSERT INTO api_tokens (agent_id, name, token_hash, created_at) "
                        "VALUES (:agent, 'ci', :hash, :at)"),
                   {"agent": agent, "hash": hash_token("hd_issued-before"), "at": at})
    upgrade(engine, "0036_token_scope_expiry")
    with engine.connect() as db:
        found = SqlAgentRepository(db).grant_for_token(hash_token("hd_issued-before"))
    assert found is not None
    grant, last_used_at = found
    assert (grant.agent.id, grant.scope, grant.expires_at, last_used_at) == (
        agent, TokenScope.FULL, None, None)
    downgrade(engine, "0035_rule_usage")
    assert "scope" not in {c["name"] for c in inspect(engine).get_columns("api_tokens")}
