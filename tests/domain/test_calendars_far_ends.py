"""The years calendars work in hold for a 24/7 calendar as for any other: a deadline past the
last of them is refused in words (or, for a clock, no deadline), never an overflow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.calendars import LAST_YEAR, BeyondCalendar, BusinessCalendar
from hubdesk.domain.errors import ValidationFailed

ALL_WEEK = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat",
                                                   "sun")}


FORMS = pytest.mark.parametrize("form", [
    {"timezone": "Europe/Berlin", "always_open": True},
    {"timezone": "Europe/Berlin", "hours": ALL_WEEK},
], ids=["always_open", "hours round the clock"])


@FORMS
def test_a_deadline_after_the_last_year_is_refused_the_same_way_by_both_spellings(form):
    calendar = BusinessCalendar.from_dict(form)
    start = datetime(LAST_YEAR, 12, 30, tzinfo=UTC)
    with pytest.raises(BeyondCalendar, match=f"after the year {LAST_YEAR}"):
        calendar.add(start, timedelta(days=3))
    assert calendar.reach(start, timedelta(days=3)) is None


@FORMS
def test_a_start_at_the_end_of_the_datetime_range_is_refused_in_words(form):
    with pytest.raises(ValidationFailed, match=f"{LAST_YEAR}"):
        BusinessCalendar.from_dict(form).add(datetime(9999, 12, 31, tzinfo=UTC),
                                             timedelta(days=3))


def test_a_24_7_deadline_inside_the_last_year_is_still_given():
    calendar = BusinessCalendar.from_dict({"timezone": "UTC", "always_open": True})
    start = datetime(LAST_YEAR, 12, 30, tzinfo=UTC)
    assert calendar.add(start, timedelta(hours=47)) == start + timedelta(hours=47)
