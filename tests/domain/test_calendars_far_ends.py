"""The far ends of the years calendars work in: a 24/7 calendar refuses a deadline past the
last of them in words as any other does (never an overflow), a year thousands of years ahead
holds the business time its days add up to, and counting through those years is quick."""

from __future__ import annotations

import time  # CPU time of this thread: bounds that hold on a machine busy with other work
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubdesk.domain.calendars import LAST_YEAR, BeyondCalendar, BusinessCalendar
from hubdesk.domain.errors import ValidationFailed
from tests.domain.calendar_oracle import DAY_MINUTES, OracleCalendar, Shift

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


WHOLE_DAY_ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
                   "Pacific/Chatham", "Asia/Tokyo"]


@settings(max_examples=15, deadline=None)
@given(zone=st.sampled_from(WHOLE_DAY_ZONES), open_days=st.sets(st.integers(0, 6), min_size=1),
       nth=st.sets(st.tuples(st.integers(1, 12), st.integers(0, 6),
                             st.sampled_from([1, 2, 3, 4, 5, -1, -2, -5])), max_size=12),
       yearly=st.sets(st.sampled_from([(2, 29), (3, 29), (10, 25), (12, 31), (1, 1)]),
                      max_size=2),
       year=st.sampled_from([2027, 2100, 2101, 2500, 2501, 2901, 5123, 9000, LAST_YEAR - 1]),
       far_closure=st.booleans())
def test_a_year_far_ahead_holds_the_business_time_its_days_add_up_to(zone, open_days, nth,
                                                                     yearly, year, far_closure):
    """Whole local years, near and thousands of years ahead, against the oracle's sum of the
    real length of each open date: days the clocks change on, leap days, and holidays on the
    nth or last weekday of a month counted once each. A closure in a later year (of which the
    years asked about know nothing) keeps the years before it from being counted as repeats
    of earlier ones, but not their clock changes."""
    cal = OracleCalendar(zone, [Shift(d, 0, DAY_MINUTES) for d in open_days],
                         yearly=set(yearly), nth_weekdays=set(nth))
    form = cal.to_form()
    if far_closure:
        form["holidays"].append({"start": "9997-06-01T00:00:00+00:00",
                                 "end": "9997-06-01T00:01:00+00:00"})
    calendar = BusinessCalendar.from_dict(form)
    begins = datetime(year, 1, 1, tzinfo=ZoneInfo(zone))
    ends = datetime(year + 1, 1, 1, tzinfo=ZoneInfo(zone))
    assert calendar.elapsed(begins, ends) == cal.whole_days_in_year(year)


def test_hundreds_of_weekday_holidays_over_thousands_of_years_answer_at_once():
    """Each date was checked against every rule of its month, and every year was counted
    again: three thousand years of them took a minute, holding a request all that time."""
    days = ("mon", "tue", "thu", "fri", "sat", "sun")
    calendar = BusinessCalendar.from_dict({
        "timezone": "UTC", "hours": {day: [["09:00", "17:00"]] for day in (*days, "wed")},
        "holidays": [{"month": month, "weekday": day, "nth": nth}
                     for month in range(1, 13) for day in days for nth in range(1, 6)]})
    began = time.thread_time()
    used = calendar.elapsed(datetime(2026, 12, 7, tzinfo=UTC), datetime(5026, 12, 7, tzinfo=UTC))
    assert time.thread_time() - began < 20
    # only Wednesdays are open: 8 hours each, and 3000 years hold 156,543 Wednesdays
    wednesdays = sum(1 for day in range(date(2026, 12, 7).toordinal(),
                                        date(5026, 12, 7).toordinal())
                     if date.fromordinal(day).weekday() == 2)
    assert used == timedelta(hours=8) * wednesdays


def test_a_calendar_open_a_minute_a_week_refuses_a_year_long_wait_at_once():
    """A closure in a far year keeps every year before it from being a repeat of an earlier
    one; the zone's clock changes still repeat, and were worked out again for each of
    thousands of years while a policy waited to be saved."""
    calendar = BusinessCalendar.from_dict({
        "timezone": "America/New_York", "hours": {"wed": [["10:00", "10:01"]]},
        "holidays": [{"start": "9990-06-01T00:00:00+00:00", "end": "9990-06-01T01:00:00+00:00"}]})
    began = time.thread_time()
    with pytest.raises(BeyondCalendar, match=f"after the year {LAST_YEAR}"):
        calendar.add(datetime(2026, 12, 7, tzinfo=UTC), timedelta(days=366))
    assert time.thread_time() - began < 2.5
    # 1,000 business minutes: a thousand Wednesdays at 10:00 New York time, later
    due = calendar.add(datetime(2026, 12, 7, tzinfo=UTC), timedelta(minutes=1000))
    wednesday = date(2026, 12, 9) + timedelta(weeks=999)
    assert due == datetime(wednesday.year, wednesday.month, wednesday.day, 10, 1,
                           tzinfo=ZoneInfo("America/New_York"))


NEW_YORK = ZoneInfo("America/New_York")
A_MINUTE_ON_WEDNESDAYS = {"timezone": "America/New_York", "hours": {"wed": [["10:00", "10:01"]]}}


def test_a_thousand_closures_over_thousands_of_years_refuse_a_year_long_wait_at_once():
    """Each closure was asked about every year, and every one of them about each day the
    clocks change: a policy on such a calendar waited seconds to be saved."""
    calendar = BusinessCalendar.from_dict(A_MINUTE_ON_WEDNESDAYS | {"holidays": [
        {"start": f"{2030 + 7 * i}-06-01T00:00:00+00:00",
         "end": f"{2030 + 7 * i}-06-01T01:00:00+00:00"} for i in range(1000)]})
    began = time.thread_time()
    with pytest.raises(BeyondCalendar, match=f"after the year {LAST_YEAR}"):
        calendar.add(datetime(2026, 12, 7, tzinfo=UTC), timedelta(days=366))
    assert time.thread_time() - began < 2.5


def test_overlapping_closures_close_each_open_minute_they_cover():
    """A long closure over the first four Wednesdays, and short ones over whole or half open
    minutes of later Wednesdays (three inside the long one, which alone closes the first half
    of the fourth): only every tenth Wednesday keeps its minute, and every third the first
    half of it."""
    def ten(k: int) -> datetime:
        day = date(2026, 12, 9) + timedelta(weeks=k)
        return datetime(day.year, day.month, day.day, 10, tzinfo=NEW_YORK).astimezone(UTC)

    closures = [(ten(0) - timedelta(hours=1), ten(3) + timedelta(hours=1))]
    closures += [(ten(k) + timedelta(seconds=30 if k % 3 == 0 else 0),
                  ten(k) + timedelta(minutes=5)) for k in range(1, 1100) if k % 10]
    calendar = BusinessCalendar.from_dict(A_MINUTE_ON_WEDNESDAYS | {"holidays": [
        {"start": a.isoformat(), "end": b.isoformat()} for a, b in closures]})

    def open_seconds(k: int) -> int:  # from the first second of the minute
        return 0 if k <= 3 else 60 if k % 10 == 0 else 30 if k % 3 == 0 else 0

    start = datetime(2026, 12, 7, tzinfo=UTC)
    assert calendar.elapsed(start, ten(1100)) == timedelta(
        seconds=sum(open_seconds(k) for k in range(1100)))
    wanted, used, k = 20 * 60, 0, 0
    while used + open_seconds(k) < wanted:
        used += open_seconds(k)
        k += 1
    assert calendar.add(start, timedelta(seconds=wanted)) == ten(k) + timedelta(
        seconds=wanted - used)
