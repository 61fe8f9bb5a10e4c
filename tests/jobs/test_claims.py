"""A periodic tick is claimed once in the database; housekeeping prunes what is no longer
needed. Real commits on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from hubdesk.jobs.housekeeping import prune_old_rows
from hubdesk.services.jobs import claim_tick, prune_history
from hubdesk.store.tables import outbox, periodic_runs

TICK = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)


def claims(hub) -> list[tuple[str, datetime, str]]:
    with hub.engine.connect() as connection:
        rows = connection.execute(select(periodic_runs.c.name, periodic_runs.c.tick_at,
                                         periodic_runs.c.worker)
                                  .order_by(periodic_runs.c.name, periodic_runs.c.tick_at))
        return [tuple(row) for row in rows]


def test_the_first_claim_of_a_tick_wins_and_later_ones_are_refused(hub):
    assert claim_tick(hub.uows, "sweep", TICK, "worker-a") is True
    assert claim_tick(hub.uows, "sweep", TICK, "worker-b") is False
    assert claim_tick(hub.uows, "sweep", TICK, "worker-a") is False
    assert claim_tick(hub.uows, "sweep", TICK + timedelta(minutes=1), "worker-b") is True
    assert claim_tick(hub.uows, "other", TICK, "worker-b") is True
    assert claims(hub) == [("other", TICK, "worker-b"), ("sweep", TICK, "worker-a"),
                           ("sweep", TICK + timedelta(minutes=1), "worker-b")]


def test_racing_claims_of_one_tick_leave_exactly_one_winner(hub):
    start = threading.Barrier(6)
    results: dict[str, bool] = {}

    def claim(worker: str) -> None:
        start.wait(timeout=10)
        results[worker] = claim_tick(hub.uows, "sweep", TICK, worker)

    threads = [threading.Thread(target=claim, args=(f"worker-{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    winners = [worker for worker, won in results.items() if won]
    assert len(results) == 6 and len(winners) == 1
    assert claims(hub) == [("sweep", TICK, winners[0])]


def _outbox_entry(hub, created_at: datetime, published_at: datetime | None) -> None:
    with hub.engine.begin() as connection:
        connection.execute(insert(outbox).values(topic="ticket.updated", payload={},
                                                 created_at=created_at,
                                                 published_at=published_at, attempts=0))


def _outbox_ages(hub) -> list[datetime | None]:
    with hub.engine.connect() as connection:
        return list(connection.scalars(select(outbox.c.published_at).order_by(outbox.c.id)))


def test_pruning_deletes_old_published_entries_and_claims_and_keeps_the_rest(hub):
    now = TICK
    old, recent = now - timedelta(days=15), now - timedelta(days=13)
    _outbox_entry(hub, old, old)                 # published long ago: pruned
    _outbox_entry(hub, recent, recent)           # published recently: kept
    _outbox_entry(hub, old, None)                # never published (failing): kept
    claim_tick(hub.uows, "sweep", old, "worker-a")
    claim_tick(hub.uows, "sweep", recent, "worker-a")

    pruned = prune_history(hub.uows, timedelta(days=14), now=now)

    assert (pruned.outbox_entries, pruned.tick_claims) == (1, 1)
    assert _outbox_ages(hub) == [recent, None]
    assert claims(hub) == [("sweep", recent, "worker-a")]


def test_the_housekeeping_job_prunes_by_the_configured_retention(hub):
    hub.settings = hub.settings.model_copy(update={"outbox_retention_days": 2})
    _outbox_entry(hub, TICK - timedelta(days=3), TICK - timedelta(days=3))
    _outbox_entry(hub, TICK - timedelta(days=1), TICK - timedelta(days=1))
    prune_old_rows(hub, TICK)
    assert _outbox_ages(hub) == [TICK - timedelta(days=1)]
