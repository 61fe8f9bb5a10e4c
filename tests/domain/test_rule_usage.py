"""Counting rule firings per hour from relayed events, and the windows the page shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hubdesk.domain.rules.usage import HourTally, tally_firings, window_starts

T0 = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)


def _fired(rule_id, at, kind="rule_fired"):
    return {"kind": kind, "data": {"rule_id": rule_id, "rule": "R"}, "at": at.isoformat()}


def test_firings_are_counted_per_rule_and_hour_with_the_latest_instant():
    payloads = [_fired(1, T0), _fired(1, T0 + timedelta(minutes=40)),
                _fired(1, T0 + timedelta(minutes=50)), _fired(2, T0),
                _fired(1, T0 + timedelta(minutes=10))]
    hour = T0.replace(minute=0)
    assert tally_firings(payloads) == {
        (1, hour): HourTally(3, T0 + timedelta(minutes=40)),
        (1, hour + timedelta(hours=1)): HourTally(1, T0 + timedelta(minutes=50)),
        (2, hour): HourTally(1, T0)}


def test_an_instant_written_with_an_offset_is_counted_in_its_utc_hour():
    local = datetime(2026, 3, 2, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    assert list(tally_firings([_fired(7, local)])) == [(7, datetime(2026, 3, 2, 8, tzinfo=UTC))]


def test_other_events_and_unreadable_firings_are_left_out():
    payloads = [_fired(1, T0, kind="updated"), {"kind": "rule_fired", "data": None},
                {"kind": "rule_fired", "data": {"rule_id": "1"}, "at": T0.isoformat()},
                {"kind": "rule_fired", "data": {"rule_id": True}, "at": T0.isoformat()},
                {"kind": "rule_fired", "data": {"rule_id": 1}, "at": "yesterday"},
                {"kind": "rule_fired", "data": {"rule_id": 1}, "at": "2026-03-02T09:00:00"},
                {"kind": "rule_fired", "data": {"rule_id": 1}}]
    assert tally_firings(payloads) == {}


def test_each_window_ends_with_the_current_hour():
    starts = window_starts(T0)
    assert starts == {"last_24_hours": datetime(2026, 3, 1, 10, tzinfo=UTC),
                      "last_7_days": datetime(2026, 2, 23, 10, tzinfo=UTC),
                      "last_30_days": datetime(2026, 1, 31, 10, tzinfo=UTC)}
