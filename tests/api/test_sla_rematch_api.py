"""A manager who changed a policy over many open tickets watches the background re-matching
finish through the API; those who do not manage SLAs are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hubdesk.domain.agents import Role
from hubdesk.services import sla_rematch
from hubdesk.services.sla_rematch import rematch_pending
from hubdesk.services.tickets import NewTicket, open_ticket
from tests import factories

MONDAY_9 = datetime(2026, 6, 1, 9, tzinfo=UTC)
HOUR = timedelta(hours=1)
STANDARD = {"name": "Standard", "position": 10,
            "targets": {"normal": {"first_response": 60, "resolution": 480}}}
FAST = {"name": "Fast", "position": 0, "conditions": {"priority": ["normal"]},
        "targets": {"normal": {"first_response": 30, "resolution": 120}}}


def test_a_manager_watches_a_background_run_finish(hub, client, monkeypatch):
    monkeypatch.setattr(sla_rematch, "SYNC_LIMIT", 2)
    admin = factories.staff(hub, Role.ADMIN).agent
    hub.app.sla.create_policy(admin, STANDARD, now=MONDAY_9)
    for n in range(5):
        open_ticket(hub.uows, admin, NewTicket(subject=f"Parcel {n}", body="Where is it?",
                                               requester_email=f"c{n}@example.com"),
                    now=MONDAY_9)
    hub.app.sla.save_policy(admin, None, FAST, now=MONDAY_9 + HOUR)
    manager = factories.staff(hub, Role.MANAGER)

    def runs():
        answer = client.get("/api/v1/sla/rematch-runs", headers=manager.headers)
        assert answer.status_code == 200
        return [(r["total"], r["done"], r["finished_at"]) for r in answer.json()]

    assert runs() == [(5, 0, None)]
    rematch_pending(hub.uows, MONDAY_9 + 2 * HOUR, batch=2, max_batches=1)
    assert runs() == [(5, 2, None)]
    rematch_pending(hub.uows, MONDAY_9 + 2 * HOUR, batch=2)
    assert runs() == []
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    refused = client.get("/api/v1/sla/rematch-runs", headers=rep.headers)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
