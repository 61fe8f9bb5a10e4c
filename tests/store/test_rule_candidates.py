"""Time rules find their candidate tickets through an index, never a scan of every ticket."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hubdesk.store.rules import candidates_query

CUTOFF = datetime(2026, 3, 1, tzinfo=UTC)
AFTER = (datetime(2026, 1, 10, tzinfo=UTC), 5)

# A desk's worth of tickets over a few months, most of them solved or closed as on a real
# desk, so the planner chooses by real statistics rather than by its guesses for an empty
# table.
FILL = """
INSERT INTO customers (name, tier, notes, custom_fields, created_at, updated_at)
VALUES ('Plan', 'standard', '', '{}', now(), now());
INSERT INTO tickets (subject, status, priority, channel, tags, requester_id, custom_fields,
                     created_at, updated_at, status_changed_at)
SELECT 'plan ' || n,
       CASE WHEN mod(n, 100) < 3 THEN 'pending' WHEN mod(n, 100) < 8 THEN 'open'
            WHEN mod(n, 100) < 10 THEN 'new' WHEN mod(n, 100) < 40 THEN 'solved'
            ELSE 'closed' END,
       'normal', 'email', '[]', (SELECT max(id) FROM customers), '{}',
       timestamptz '2026-01-01' + n * interval '7 minutes',
       timestamptz '2026-01-01' + n * interval '11 minutes',
       timestamptz '2026-01-01' + n * interval '13 minutes'
FROM generate_series(1, 30000) AS n;
ANALYZE customers;
ANALYZE tickets;
"""


@pytest.mark.parametrize(("anchor", "index"), [("status_changed", "ix_tickets_status_changed"),
                                               ("updated", "ix_tickets_status_updated")])
def test_the_candidate_query_reads_the_status_and_instant_index(hub, engine, anchor, index):
    if engine.dialect.name != "postgresql":
        pytest.skip("the query plan checked is PostgreSQL's")
    query = candidates_query(1, "pending", anchor, CUTOFF, AFTER, 200)
    compiled = query.compile(dialect=engine.dialect)
    with engine.connect() as connection:
        # Filled, analysed and planned in one transaction that is rolled back: the other
        # tests on this database never see the rows or their statistics.
        for statement in filter(str.strip, FILL.split(";")):
            connection.exec_driver_sql(statement)
        plan = "\n".join(row[0] for row in connection.exec_driver_sql(
            f"EXPLAIN {compiled}", compiled.params))
        connection.rollback()
    assert index in plan, plan
    assert "Seq Scan on tickets" not in plan, plan
