"""The joined table of years in use (the fast path) answers exactly as a fresh calendar does.

A calendar answers its first question the general way and joins the years around it into one
table; later questions inside those years are answered from the table. Each example asks a
warmed calendar and a fresh one the same question, with starts around offset changes, year
ends and a leap day, and checks the warmed one against the minute-stepping reference too.
"""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from hubdesk.domain.calendars import BusinessCalendar
from tests.domain.test_calendars_properties import MINUTE, Reference, calendars, starts

JOINED = settings(max_examples=60, deadline=None)


def _warmed(calendar: BusinessCalendar, near: datetime) -> BusinessCalendar:
    warmed = BusinessCalendar.from_dict(calendar.to_dict())
    warmed.add(near, MINUTE)  # the general path, which joins this year and the next
    return warmed


@JOINED
@given(calendars(), starts, st.integers(1, 10**12))
def test_a_warmed_calendar_adds_and_measures_like_a_fresh_one(calendar, start, microseconds):
    warmed = _warmed(calendar, start - timedelta(days=3))
    duration = timedelta(microseconds=microseconds)
    fresh = BusinessCalendar.from_dict(calendar.to_dict())
    assert warmed.add(start, duration) == fresh.add(start, duration)
    end = start + duration
    assert warmed.elapsed(start, end) == BusinessCalendar.from_dict(
        calendar.to_dict()).elapsed(start, end)


@settings(max_examples=30, deadline=None)
@given(calendars(), starts, st.integers(1, 3 * 60))
def test_a_warmed_calendar_agrees_with_the_reference(calendar, start, minutes):
    warmed = _warmed(calendar, start)
    assert warmed.add(start, minutes * MINUTE) == Reference(calendar).add(start, minutes)


def test_the_year_end_inside_the_joined_years():
    cal = BusinessCalendar.from_dict({
        "timezone": "Pacific/Auckland", "hours": {day: [["09:00", "17:00"]] for day in (
            "mon", "tue", "wed", "thu", "fri")},
        "holidays": [{"date": "12-25", "yearly": True}, {"date": "01-01", "yearly": True}]})
    start = datetime(2026, 12, 30, 20, tzinfo=UTC)  # Thursday 31 December, 09:00 in Auckland
    cal.add(start - timedelta(days=10), MINUTE)
    # 31 Dec 09:00-17:00 (8 h), 1 Jan a holiday, Saturday and Sunday closed, Monday 4 Jan.
    assert cal.add(start, timedelta(hours=9)) == datetime(2027, 1, 3, 21, tzinfo=UTC)
    assert cal.elapsed(start, datetime(2027, 1, 3, 21, tzinfo=UTC)) == timedelta(hours=9)
