"""Open tickets are matched again when the policies change (created, edited, moved in the
order, deactivated, deleted) or a calendar is replaced, on both databases: the tickets a
policy now takes or gives up go on under the policy that governs them, keeping the time
used, with the change in their clocks' history; solved tickets are left alone. Too many
tickets for one transaction are walked by the background job, from the change's instant,
resumably, and by two workers at once without doing anything twice."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from hubdesk.domain.agents import Role
from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.sla import NamedCalendar
from hubdesk.domain.tickets import Priority, Status
from hubdesk.services import sla_rematch
from hubdesk.services.sla_rematch import rematch_pending
from hubdesk.services.tickets import NewTicket, change_status, open_ticket
from hubdesk.store import tables as t
from tests import factories

MONDAY_9 = datetime(2026, 6, 1, 9, tzinfo=UTC)
HOUR = timedelta(hours=1)
OFFICE = {"timezone": "UTC", "hours": {day: [["09:00", "17:00"]]
                                       for day in ("mon", "tue", "wed", "thu", "fri")}}
STANDARD = {"name": "Standard", "position": 10,
            "targets": {"normal": {"first_response": 60, "resolution": 480}}}
FAST = {"name": "Fast", "position": 0, "conditions": {"priority": ["normal", "high"]},
        "targets": {"normal": {"first_response": 30, "resolution": 120},
                    "high": {"first_response": 30, "resolution": 240}}}


@pytest.fixture
def desk(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    standard = hub.app.sla.create_policy(admin, STANDARD, now=MONDAY_9)
    return {"admin": admin, "standard": standard,
            "rep": factories.staff(hub, Role.COORDINATOR).agent}


def _open(hub, desk, n=0, at=MONDAY_9, priority=None):
    detail, _ = open_ticket(hub.uows, desk["rep"], NewTicket(
        subject=f"Parcel {n}", body="Where is it?", requester_email=f"c{n}@example.com",
        priority=priority), now=at)
    return detail.ticket.id


def _clocks(hub, desk, ticket_id, at=MONDAY_9 + 3 * HOUR):
    views, history = hub.app.sla.ticket_clocks(desk["admin"], ticket_id, now=at)
    return {v.target: v for v in views}, history


def _history_rows(hub):
    with hub.engine.connect() as db:
        return db.execute(select(func.count()).select_from(t.ticket_sla_clock_history)
                          ).scalar_one()


def test_a_new_policy_takes_the_open_tickets_it_now_matches_first(hub, desk):
    governed = _open(hub, desk, 1)
    uncovered = _open(hub, desk, 2, priority=Priority.HIGH)  # Standard sets nothing for high
    solved = _open(hub, desk, 3)
    change_status(hub.uows, desk["rep"], solved, Status.SOLVED, now=MONDAY_9 + HOUR / 2)
    solved_before = _clocks(hub, desk, solved)
    assert _clocks(hub, desk, uncovered)[0] == {}

    saved = hub.app.sla.save_policy(desk["admin"], None, FAST, now=MONDAY_9 + HOUR)
    assert (saved.rematch.tickets, saved.rematch.changed, saved.rematch.queued) == (2, 2, 0)
    assert saved.rematch.describe().startswith("2 open tickets were matched again")

    clocks, history = _clocks(hub, desk, governed, MONDAY_9 + HOUR)
    assert {c.policy_id for c in clocks.values()} == {saved.policy.id}
    # 1 h used under Standard is kept: 1 h of Fast's 2 h is left
    assert clocks["resolution"].due_at == MONDAY_9 + 2 * HOUR
    assert clocks["first_response"].business_seconds_left == -1800
    recomputed = [h for h in history if h.kind == "recomputed" and h.target == "resolution"]
    assert [(h.at, h.data["policy_id"], h.data["goal_seconds"]) for h in recomputed] == [
        (MONDAY_9 + HOUR, [desk["standard"].id, saved.policy.id], [8 * 3600, 2 * 3600])]

    clocks, history = _clocks(hub, desk, uncovered)
    assert {target: c.due_at for target, c in clocks.items()} == {
        "first_response": MONDAY_9 + 1.5 * HOUR, "resolution": MONDAY_9 + 5 * HOUR}
    assert [h.kind for h in history] == ["started", "started"]
    assert _clocks(hub, desk, solved) == solved_before


def _reads_while(hub, change) -> int:
    reads: list[str] = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)

    event.listen(hub.engine, "before_cursor_execute", record)
    try:
        change()
    finally:
        event.remove(hub.engine, "before_cursor_execute", record)
    return len(reads)


def test_matching_again_reads_the_same_for_two_tickets_or_ten(hub, desk):
    """Re-matching runs inside the change's transaction, so its reads are per batch, not per
    ticket; only the clocks it changes are written one ticket at a time."""
    def save_fast_over(count: int, first: int) -> int:
        for n in range(first, first + count):
            _open(hub, desk, n)
        policy = dict(FAST, name=f"Fast {first}")
        return _reads_while(hub, lambda: hub.app.sla.save_policy(
            desk["admin"], None, policy, now=MONDAY_9 + HOUR))

    few = save_fast_over(2, 100)
    many = save_fast_over(10, 200)
    assert many == few


def test_editing_moving_deactivating_and_deleting_a_policy_moves_its_tickets(hub, desk):
    admin, standard = desk["admin"], desk["standard"]
    ticket_id = _open(hub, desk)
    vip_only = {**FAST, "conditions": {"customer_tier": ["vip"]}}
    fast = hub.app.sla.save_policy(admin, None, vip_only, now=MONDAY_9).policy

    def governing(at):
        clocks, _ = _clocks(hub, desk, ticket_id, at)
        return {c.policy_id for c in clocks.values() if c.status != "stopped"}

    assert governing(MONDAY_9) == {standard.id}
    # its conditions now take the ticket from Standard
    edited = hub.app.sla.save_policy(admin, fast.id, FAST, now=MONDAY_9 + HOUR / 4)
    assert edited.rematch.tickets == 1 and governing(MONDAY_9 + HOUR / 4) == {fast.id}
    # moved after Standard in the order: the ticket goes back
    moved = hub.app.sla.save_policy(admin, fast.id, {**FAST, "position": 20},
                                    now=MONDAY_9 + HOUR / 2)
    assert moved.rematch.tickets == 1 and governing(MONDAY_9 + HOUR / 2) == {standard.id}
    hub.app.sla.save_policy(admin, fast.id, FAST, now=MONDAY_9 + HOUR * 3 / 4)
    assert governing(MONDAY_9 + HOUR * 3 / 4) == {fast.id}
    # deactivated: Standard governs again
    hub.app.sla.save_policy(admin, fast.id, {**FAST, "active": False}, now=MONDAY_9 + HOUR)
    assert governing(MONDAY_9 + HOUR) == {standard.id}
    # Standard deleted: no policy covers the ticket, its clocks stop
    gone = hub.app.sla.delete_policy(admin, standard.id, now=MONDAY_9 + 2 * HOUR)
    assert gone.tickets == 1
    clocks, history = _clocks(hub, desk, ticket_id, MONDAY_9 + 2 * HOUR)
    assert {c.status for c in clocks.values()} == {"stopped"}
    resolution = [(h.kind, h.at) for h in history if h.target == "resolution"]
    assert resolution == [
        ("started", MONDAY_9), ("recomputed", MONDAY_9 + HOUR / 4),
        ("recomputed", MONDAY_9 + HOUR / 2), ("recomputed", MONDAY_9 + HOUR * 3 / 4),
        ("recomputed", MONDAY_9 + HOUR), ("stopped", MONDAY_9 + 2 * HOUR)]
    # all the while the ticket used the same business time: 2 h of Standard's 8 h
    assert clocks["resolution"].goal_seconds == 8 * 3600


def test_many_tickets_are_matched_again_in_batches_from_the_change_s_instant(
        hub, desk, monkeypatch):
    monkeypatch.setattr(sla_rematch, "SYNC_LIMIT", 2)
    tickets = [_open(hub, desk, n) for n in range(5)]
    solved = _open(hub, desk, 9)
    change_status(hub.uows, desk["rep"], solved, Status.SOLVED, now=MONDAY_9 + HOUR / 2)
    saved = hub.app.sla.save_policy(desk["admin"], None, FAST, now=MONDAY_9 + HOUR)
    assert (saved.rematch.tickets, saved.rematch.queued) == (0, 5)
    assert saved.rematch.describe().endswith("being matched again to their SLA policy in "
                                             "the background.")
    # nothing moved yet: the change is recorded, the clocks wait for the job
    assert {c.policy_id for c in _clocks(hub, desk, tickets[0])[0].values()} == {
        desk["standard"].id}

    # the job runs later, a batch of two tickets per transaction, and stops after one
    later = MONDAY_9 + 1.5 * HOUR
    first = rematch_pending(hub.uows, later, batch=2, max_batches=1)
    assert (first.tickets, first.runs_finished) == (2, 0)
    [run] = sla_rematch.pending_runs(hub.uows)
    assert (run.after_ticket_id, run.done, run.total) == (tickets[1], 2, 5)
    rest = rematch_pending(hub.uows, later, batch=2)
    assert (rest.tickets, rest.changed, rest.runs_finished) == (3, 3, 1)
    assert sla_rematch.pending_runs(hub.uows) == []
    for ticket_id in tickets:
        clocks, history = _clocks(hub, desk, ticket_id)
        assert {c.policy_id for c in clocks.values()} == {saved.policy.id}
        # from the change's instant, not the job's: 1 h used of 2 h
        assert clocks["resolution"].due_at == MONDAY_9 + 2 * HOUR
        assert [h.at for h in history if h.kind == "recomputed"] == [MONDAY_9 + HOUR] * 2
    assert {c.status for c in _clocks(hub, desk, solved)[0].values()} == {"met", "stopped"}

    rows = _history_rows(hub)
    assert rematch_pending(hub.uows, later).batches == 0  # nothing left, nothing redone
    assert _history_rows(hub) == rows


def test_a_calendar_replaced_in_the_background_counts_the_time_before_on_the_old_one(
        hub, desk, monkeypatch):
    monkeypatch.setattr(sla_rematch, "SYNC_LIMIT", 1)
    admin = desk["admin"]
    office = hub.app.sla.create_calendar(admin, NamedCalendar(
        None, "Office", BusinessCalendar.from_dict(OFFICE)))
    hub.app.sla.update_policy(admin, desk["standard"].id,
                              {**STANDARD, "calendar_id": office.id}, now=MONDAY_9)
    opened = MONDAY_9 + 7 * HOUR  # 16:00, an hour before closing
    tickets = [_open(hub, desk, n, at=opened) for n in range(2)]
    changed_at = MONDAY_9 + 8.5 * HOUR  # 17:30: 1 business hour used
    saved = hub.app.sla.replace_calendar(admin, office.id, NamedCalendar(
        None, "Office", BusinessCalendar.from_dict({"timezone": "UTC", "always_open": True})),
        now=changed_at)
    assert saved.rematch.queued == 2
    rematch_pending(hub.uows, MONDAY_9 + 9.5 * HOUR)
    for ticket_id in tickets:
        clocks, _ = _clocks(hub, desk, ticket_id, MONDAY_9 + 10 * HOUR)
        # 7 h left from 17:30 around the clock: not 7.5 h used on the new calendar, nor
        # the job's hour counted on the old one
        assert clocks["resolution"].due_at == changed_at + 7 * HOUR


def test_two_workers_walk_one_run_together_and_match_each_ticket_once(hub, desk,
                                                                       monkeypatch):
    if hub.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: concurrent workers need PostgreSQL")
    monkeypatch.setattr(sla_rematch, "SYNC_LIMIT", 1)
    tickets = [_open(hub, desk, n) for n in range(12)]
    hub.app.sla.save_policy(desk["admin"], None, FAST, now=MONDAY_9 + HOUR)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def work() -> None:
        try:
            barrier.wait()
            results.append(rematch_pending(hub.uows, MONDAY_9 + 2 * HOUR, batch=2))
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert sum(r.tickets for r in results) == 12
    assert sum(r.runs_finished for r in results) == 1
    with hub.engine.connect() as db:
        recomputed = db.execute(select(func.count()).select_from(
            t.ticket_sla_clock_history).where(
            t.ticket_sla_clock_history.c.kind == "recomputed")).scalar_one()
    assert recomputed == 2 * len(tickets)  # first response and resolution, once each
