"""The mail set aside as machine-written is read through the index of mail that opened no
ticket: the quarantine page refreshes live, and through the status index alone each refresh
walked every message the desk had filed."""

from __future__ import annotations

import pytest

from tests.store.statements import sqlite_plan, statements_sent


def test_the_set_aside_list_reads_its_partial_index(hub, engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("the query plan checked is SQLite's")
    with statements_sent(engine, lambda statement: "FROM mail_inbound" in statement) as seen, \
            hub.uows(write=False) as uow:
        assert uow.mail.set_aside(50, None) == []
    (statement, parameters), = seen
    plan = sqlite_plan(engine, statement, parameters)
    assert any("ix_mail_inbound_unfiled" in step for step in plan), plan
