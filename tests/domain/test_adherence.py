"""Adherence arithmetic: overlaps, breaks, shifts over midnight, no presence at all, and
presence changing exactly at a shift's edge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.adherence import (
    Adherence,
    PresenceSpan,
    agent_adherence,
    expected_presence,
    out_of_adherence,
    overlap,
)
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.schedules import PlannedShift, check_no_overlap, swapped


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


DAY = (at(30, 0), at(30, 0) + timedelta(days=1))
LATE = at(30, 23, 59)
NINE_TO_FIVE = PlannedShift(1, 7, at(30, 9), at(30, 17), at(30, 12), at(30, 13))


def test_overlap_of_half_open_spans():
    assert overlap((at(30, 9), at(30, 10)), (at(30, 9, 30), at(30, 11))) == timedelta(minutes=30)
    assert overlap((at(30, 9), at(30, 10)), (at(30, 10), at(30, 11))) == timedelta(0)
    assert overlap((at(30, 9), at(30, 10)), (at(30, 12), at(30, 13))) == timedelta(0)


def test_online_all_shift_but_through_the_break():
    presence = [PresenceSpan("online", at(30, 9), None)]
    result = agent_adherence([NINE_TO_FIVE], presence, DAY, LATE)
    # Scheduled 8 h = 480 min; online during the lunch break is 60 min out of adherence,
    # and online after 17:00 is extra time, not counted against the schedule.
    assert result.scheduled_minutes == 480
    assert result.adherent_minutes == 420
    assert result.fraction == pytest.approx(420 / 480)
    assert result.online_outside_shifts == pytest.approx((LATE - at(30, 17)).seconds / 60)


def test_a_perfect_day_with_the_break_taken():
    presence = [PresenceSpan("online", at(30, 9), at(30, 12)),
                PresenceSpan("on_break", at(30, 12), at(30, 13)),
                PresenceSpan("online", at(30, 13), at(30, 17)),
                PresenceSpan("offline", at(30, 17), None)]
    result = agent_adherence([NINE_TO_FIVE], presence, DAY, LATE)
    assert (result.scheduled_minutes, result.adherent_minutes) == (480, 480)
    assert result.fraction == 1.0
    assert result.online_outside_shifts == 0


def test_no_presence_rows_means_offline_and_adherent_only_during_the_break():
    result = agent_adherence([NINE_TO_FIVE], [], DAY, LATE)
    assert result == Adherence(480, 60, 0)


def test_presence_changing_exactly_at_the_shift_boundaries():
    presence = [PresenceSpan("offline", at(30, 0), at(30, 9)),
                PresenceSpan("online", at(30, 9), at(30, 17)),
                PresenceSpan("offline", at(30, 17), None)]
    shift = PlannedShift(1, 7, at(30, 9), at(30, 17))
    result = agent_adherence([shift], presence, DAY, LATE)
    assert (result.scheduled_minutes, result.adherent_minutes) == (480, 480)
    assert result.online_outside_shifts == 0


def test_a_shift_over_midnight_counts_the_part_inside_the_day():
    night = PlannedShift(1, 7, at(30, 22), at(30, 22) + timedelta(hours=8))
    presence = [PresenceSpan("online", at(30, 22), None)]
    today = agent_adherence([night], presence, DAY, at(30, 22) + timedelta(hours=10))
    assert (today.scheduled_minutes, today.adherent_minutes) == (120, 120)
    tomorrow = (DAY[1], DAY[1] + timedelta(days=1))
    next_day = agent_adherence([night], presence, tomorrow, DAY[1] + timedelta(hours=10))
    assert (next_day.scheduled_minutes, next_day.adherent_minutes) == (360, 360)


def test_only_the_past_is_judged():
    presence = [PresenceSpan("online", at(30, 9), None)]
    result = agent_adherence([NINE_TO_FIVE], presence, DAY, at(30, 10, 30))
    assert (result.scheduled_minutes, result.adherent_minutes) == (90, 90)
    before = agent_adherence([NINE_TO_FIVE], presence, DAY, at(30, 8))
    assert before.fraction is None


def test_expected_presence_and_who_is_out_of_adherence():
    assert expected_presence([NINE_TO_FIVE], at(30, 8, 59)) == "off"
    assert expected_presence([NINE_TO_FIVE], at(30, 9)) == "working"
    assert expected_presence([NINE_TO_FIVE], at(30, 12, 30)) == "on_break"
    assert expected_presence([NINE_TO_FIVE], at(30, 17)) == "off"
    assert out_of_adherence("working", "away")
    assert out_of_adherence("on_break", "online")
    assert not out_of_adherence("on_break", "on_break")
    assert not out_of_adherence("off", "online")


def test_bad_shifts_are_refused_with_the_field_named():
    with pytest.raises(ValidationFailed) as error:
        PlannedShift(None, 1, at(30, 17), at(30, 9))
    assert error.value.fields == {"ends_at": "reversed"}
    with pytest.raises(ValidationFailed) as error:
        PlannedShift(None, 1, at(30, 9), at(30, 17), at(30, 18), at(30, 19))
    assert "break_starts_at" in error.value.fields
    with pytest.raises(ValidationFailed):
        PlannedShift(None, 1, datetime(2026, 11, 30, 9), at(30, 17))


def test_overlapping_shifts_and_swaps():
    early = PlannedShift(1, 7, at(30, 7), at(30, 15))
    late = PlannedShift(2, 8, at(30, 13), at(30, 21))
    other_day = PlannedShift(3, 7, at(29, 13), at(29, 21))
    result = swapped([early, late, other_day], 1, 2)
    assert [(s.id, s.agent_id) for s in result] == [(1, 8), (2, 7), (3, 7)]
    with pytest.raises(ValidationFailed, match="two shifts at once"):
        check_no_overlap([early, PlannedShift(4, 7, at(30, 14), at(30, 18))])
    with pytest.raises(ValidationFailed, match="same agent"):
        swapped([early, other_day], 1, 3)
