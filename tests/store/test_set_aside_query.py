"""The mail set aside as machine-written is read through the index of mail that opened no
ticket: the quarantine page refreshes live, and through the status index alone each refresh
walked every message the desk had filed."""

from __future__ import annotations

import pytest
from sqlalchemy import event


def test_the_set_aside_list_reads_its_partial_index(hub, engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("the query plan checked is SQLite's")
    seen = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "FROM mail_inbound" in statement:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with hub.uows(write=False) as uow:
            assert uow.mail.set_aside(50, None) == []
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    (statement, parameters), = seen
    with engine.connect() as db:
        plan = [row[-1] for row in db.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters).all()]
    assert any("ix_mail_inbound_unfiled" in step for step in plan), plan

