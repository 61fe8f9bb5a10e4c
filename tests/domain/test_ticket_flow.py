"""The ticket flow report's arithmetic: local days, the backlog rewound from now, solves,
merges and reopenings told apart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hubdesk.domain.ticket_flow import (
    SLOT_SECONDS,
    Arrivals,
    Backlog,
    Merges,
    Moves,
    Part,
    Solver,
    Solves,
    flow_report,
    slot_day,
    stage_of,
    window_days,
)

NEW_YORK = ZoneInfo("America/New_York")
KATHMANDU = ZoneInfo("Asia/Kathmandu")  # UTC+5:45
W, A = Part.WINDOW, Part.AFTER


def _slot(at: datetime) -> int:
    return int(at.timestamp()) // SLOT_SECONDS


def test_days_follow_the_desks_clock_through_a_change_of_time():
    since = datetime(2026, 3, 7, tzinfo=NEW_YORK)
    until = datetime(2026, 3, 10, tzinfo=NEW_YORK)  # the 8th is 23 hours long
    assert window_days(since, until, NEW_YORK) == [date(2026, 3, 7), date(2026, 3, 8),
                                                   date(2026, 3, 9)]
    assert window_days(until, since, NEW_YORK) == []
    assert window_days(since, since + timedelta(microseconds=1), NEW_YORK) == [date(2026, 3, 7)]


def test_a_slot_belongs_to_the_local_day_it_starts_in_whatever_the_offset():
    midnight = datetime(2026, 5, 2, tzinfo=KATHMANDU)  # 18:15 UTC on the 1st
    assert slot_day(_slot(midnight), KATHMANDU) == date(2026, 5, 2)
    assert slot_day(_slot(midnight) - 1, KATHMANDU) == date(2026, 5, 1)
    assert slot_day(_slot(midnight), UTC) == date(2026, 5, 1)


def test_statuses_fall_into_stages_and_anything_else_into_none():
    assert [stage_of(s) for s in ("new", "open", "pending", "on_hold", "solved", "closed")] \
        == ["with_desk", "with_desk", "waiting", "waiting", "done", "done"]
    assert stage_of("archived") is None and stage_of(None) is None


def test_the_backlog_is_rewound_from_now_and_carried_forward_day_by_day():
    day1 = datetime(2026, 6, 1, 9, tzinfo=UTC)
    day2 = day1 + timedelta(days=1)
    later = day2 + timedelta(days=3)
    arrivals = [Arrivals(W, _slot(day1), "email", 3), Arrivals(W, _slot(day2), "chat", 1),
                Arrivals(A, _slot(later), "email", 2)]
    moves = [
        Moves(W, _slot(day1), "new", "solved", 2),
        Moves(W, _slot(day1), "open", "pending", 1),
        Moves(W, _slot(day2), "solved", "open", 1),
        Moves(W, _slot(day2), "solved", "closed", 1),  # left already
        Moves(W, _slot(day2), "pending", "solved", 1),
        Moves(A, _slot(later), "open", "solved", 1),
        Moves(W, _slot(day2), "new", "archived", 5),  # no such status: ignored
    ]
    solves = [Solves("agent", 7, 2), Solves("customer", 4, 1)]  # the window's exits, by actor
    report = flow_report(datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 3, tzinfo=UTC),
                         UTC, Backlog(with_desk=6, waiting=0), arrivals, moves, [], solves)
    # undone: 2 arrivals and a solve after the window, 4 arrivals and the moves inside it
    assert report.backlog_at_start == Backlog(with_desk=6 - 2 + 1 - 4 + 2 + 1 - 1 + 5,
                                              waiting=0 - 1 + 1)
    start = report.backlog_at_start
    assert [d.backlog for d in report.days] == [
        Backlog(start.with_desk + 3 - 2 - 1, start.waiting + 1),
        Backlog(start.with_desk + 3 - 2 - 1 + 1 + 1 - 5, start.waiting + 1 - 1)]
    assert report.backlog_at_end == Backlog(6 - 2 + 1, 0)  # the backlog now, less "after"
    assert [(d.received, d.solved, d.reopened) for d in report.days] == [(3, 2, 0), (1, 1, 1)]
    assert report.solved_by == {Solver("agent", 7): 2, Solver("customer"): 1}
    assert report.received_by_channel == {"email": 3, "chat": 1}
    assert report.reopened_share == round(1 / 3, 4)


def test_a_merge_is_set_apart_from_the_solves_of_whoever_merged():
    at = datetime(2026, 6, 1, 9, tzinfo=UTC)
    moves = [Moves(W, _slot(at), "new", "solved", 2),
             Moves(W, _slot(at), "solved", "closed", 2)]
    merges = [Merges(W, _slot(at), "agent", 3, 1), Merges(A, _slot(at), "agent", 3, 1)]
    report = flow_report(at - timedelta(hours=9), at + timedelta(hours=1), UTC, Backlog(),
                         [Arrivals(W, _slot(at), "email", 2)], moves, merges,
                         [Solves("agent", 3, 2)])
    assert (report.solved, report.merged) == (1, 1)
    assert report.solved_by == {Solver("agent", 3): 1}
    only_merges = flow_report(at - timedelta(hours=9), at + timedelta(hours=1), UTC,
                              Backlog(), [Arrivals(W, _slot(at), "email", 1)], moves[:1],
                              [Merges(W, _slot(at), "agent", 3, 2)], [Solves("agent", 3, 2)])
    assert only_merges.solved_by == {}  # an agent who only merged solved nothing


def test_reopenings_per_solve_can_pass_one_and_are_none_without_solves():
    at = datetime(2026, 6, 1, 9, tzinfo=UTC)
    reopened = [Moves(W, _slot(at), "solved", "open", 3),
                Moves(W, _slot(at), "open", "solved", 2)]
    report = flow_report(at - timedelta(hours=1), at + timedelta(hours=1), UTC, Backlog(1, 0),
                         [], reopened, [])
    assert report.reopened_share == 1.5
    quiet = flow_report(at - timedelta(hours=1), at + timedelta(hours=1), UTC, Backlog(1, 0),
                        [], [], [])
    assert quiet.reopened_share is None and quiet.backlog_at_end == Backlog(1, 0)
