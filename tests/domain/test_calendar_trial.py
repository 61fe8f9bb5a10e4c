"""Trying a calendar: when a target falls due and how much business time lies between two
moments, a moment without an offset read on the calendar's own clock, across a change of the
clock, and moments or targets the calendar cannot count refused naming the field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hubdesk.domain.calendar_trial import deadline, elapsed
from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.errors import ValidationFailed

WEEKDAYS_9_TO_17 = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
BERLIN = BusinessCalendar.from_dict({"timezone": "Europe/Berlin", "hours": WEEKDAYS_9_TO_17,
                                     "holidays": ["2026-12-25"]})


def test_a_target_started_late_on_friday_falls_due_on_monday():
    found = deadline(BERLIN, datetime(2026, 12, 4, 16, 30), timedelta(hours=4))
    assert found.timezone == "Europe/Berlin"
    assert found.start == datetime(2026, 12, 4, 16, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert found.counting_from == datetime(2026, 12, 4, 15, 30, tzinfo=UTC)
    # half an hour on Friday, three and a half from Monday's 09:00 (08:00 UTC)
    assert found.due_at == datetime(2026, 12, 7, 11, 30, tzinfo=UTC)


def test_a_target_started_while_closed_counts_from_the_next_opening():
    christmas_eve_evening = datetime(2026, 12, 24, 18, 0, tzinfo=UTC)
    found = deadline(BERLIN, christmas_eve_evening, timedelta(minutes=30))
    assert found.counting_from == datetime(2026, 12, 28, 8, 0, tzinfo=UTC)  # Friday a holiday
    assert found.due_at == datetime(2026, 12, 28, 8, 30, tzinfo=UTC)


def test_the_business_time_between_two_moments_skips_nights_weekends_and_holidays():
    found = elapsed(BERLIN, datetime(2026, 12, 24, 16, 30),
                    datetime(2026, 12, 28, 10, 0, tzinfo=UTC))
    assert found.business == timedelta(minutes=150)
    assert (found.open_at_start, found.open_at_end) == (True, True)
    closed = elapsed(BERLIN, datetime(2026, 12, 26, 12, 0), datetime(2026, 12, 27, 12, 0))
    assert closed.business == timedelta(0) and not closed.open_at_start
    with pytest.raises(ValidationFailed) as refused:
        elapsed(BERLIN, datetime(2026, 12, 28, 12, 0), datetime(2026, 12, 24, 12, 0))
    assert refused.value.fields == {"end": "reversed"}


def test_local_moments_across_a_change_of_the_clock():
    round_the_clock = BusinessCalendar.from_dict({"timezone": "Europe/Berlin",
                                                  "always_open": True})
    # 02:30 on 29 March 2026 is skipped: read with the winter offset, as the wall still shows
    skipped = deadline(round_the_clock, datetime(2026, 3, 29, 2, 30), timedelta(minutes=60))
    assert skipped.counting_from == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert skipped.due_at == datetime(2026, 3, 29, 2, 30, tzinfo=UTC)
    # 02:30 on 25 October 2026 is shown twice: the first, still on summer time
    twice = deadline(round_the_clock, datetime(2026, 10, 25, 2, 30), timedelta(minutes=60))
    assert twice.counting_from == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    night = elapsed(round_the_clock, datetime(2026, 10, 25, 0, 0),
                    datetime(2026, 10, 25, 4, 0))
    assert night.business == timedelta(hours=5)  # the hour shown twice is counted twice


@pytest.mark.parametrize(("start", "target", "field"), [
    (datetime(1, 1, 1, 0, 0), timedelta(hours=1), "start"),
    (datetime(9999, 12, 31, 23, 0, tzinfo=UTC), timedelta(hours=1), "start"),
    (datetime(2026, 12, 4, 9, 0), timedelta(0), "target"),
    (datetime(2026, 12, 4, 9, 0), timedelta(minutes=-5), "target"),
    (datetime(2026, 12, 4, 9, 0), timedelta(days=367), "target"),
])
def test_moments_and_targets_the_calendar_cannot_count_are_refused(start, target, field):
    with pytest.raises(ValidationFailed) as refused:
        deadline(BERLIN, start, target)
    assert field in refused.value.fields
