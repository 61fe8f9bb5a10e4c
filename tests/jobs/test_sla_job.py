"""The SLA sweep is declared as a periodic job and does its work through the application."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from hubdesk.domain.agents import Role
from hubdesk.jobs import build_jobs, sla
from hubdesk.services.tickets import NewTicket, open_ticket
from hubdesk.store import tables as t
from tests import factories


def test_the_sweep_runs_every_minute_and_fires_what_is_due(hub):
    assert "sla-sweep" in build_jobs(hub).names
    admin = factories.staff(hub, Role.ADMIN).agent
    hub.app.sla.create_policy(admin, {"name": "All", "targets": {
        "normal": {"first_response": 1}}, "ladder": [
            {"at_percent": 100, "actions": ["notify_coordinators"]}]})
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    open_ticket(hub.uows, admin, NewTicket(subject="Late", body="Hello?",
                                           requester_email="c@example.com"), now=long_ago)
    sla.sweep_clocks(hub, datetime.now(UTC))
    with hub.engine.connect() as db:
        assert db.execute(select(func.count()).select_from(t.sla_step_firings)).scalar() == 1
