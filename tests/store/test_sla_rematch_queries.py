"""The re-match's narrowing query on SQLite reads the clocks once per batch, not once per
ticket: a per-ticket subquery let SQLite walk every clock of a policy for each ticket, some
seconds a batch on a large desk, all the while holding the one write lock."""

from __future__ import annotations

import pytest

from hubdesk.domain.sla.ticket_rules import RematchScope
from tests.store.statements import sqlite_plan, statements_sent


@pytest.mark.parametrize("conditions", [[{}], [{"priority": frozenset({"urgent"})}], []],
                         ids=["every-ticket", "a-condition", "clocks-only"])
def test_the_candidates_are_narrowed_without_a_subquery_per_ticket(hub, engine, conditions):
    if engine.dialect.name != "sqlite":
        pytest.skip("the query plan checked is SQLite's")
    scope = RematchScope(policy_ids=frozenset({1, 2}), conditions=tuple(conditions),
                         customer_id=None)
    with statements_sent(engine, lambda sql: sql.lstrip().startswith("SELECT tickets.id")) \
            as seen, hub.uows(write=False) as uow:
        assert uow.sla.rematch_candidates(scope, 0, 500) == []
    (statement, parameters), = seen
    plan = sqlite_plan(engine, statement, parameters)
    assert not any("CORRELATED" in step for step in plan), plan
    assert any("ix_ticket_sla_clocks_policy" in step for step in plan), plan
