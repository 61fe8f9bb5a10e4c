"""Years a calendar counts through rather than plans window by window: what they hold is
worked out once per kind of year (its length, the weekday it starts on), so a calendar that
never opens is refused at once, and every year still holds what its own days add up to."""

from __future__ import annotations

import time  # CPU time of this thread: bounds that hold on a machine busy with other work
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubdesk.domain.calendars import BeyondCalendar, BusinessCalendar
from tests.domain.calendar_oracle import DAY_MINUTES, OracleCalendar, Shift

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def test_a_calendar_whose_weekday_holidays_cover_every_date_is_refused_at_once():
    """Every weekday of every month, in each of its places (840 holidays), and 160 yearly
    closures: the calendar never opens. Each holiday was asked for its date in each of the
    560 years counted before the refusal, and the zone read twice a week in each: seconds."""
    holidays = [{"month": month, "weekday": day, "nth": nth} for month in range(1, 13)
                for day in WEEKDAYS for nth in (1, 2, 3, 4, 5, -1, -2, -3, -4, -5)]
    closures = [{"start": f"{2026 + i}-03-02T10:00:00+01:00",
                 "end": f"{2026 + i}-03-02T11:00:00+01:00"} for i in range(160)]
    form = {"timezone": "Europe/Berlin",
            "hours": {day: [["09:00", "17:00"]] for day in WEEKDAYS[:5]},
            "holidays": holidays + closures}
    start = datetime(2026, 12, 7, 10, tzinfo=UTC)
    for ask in (lambda cal: cal.add(start, timedelta(hours=1)),
                lambda cal: cal.add(start, timedelta(0)),
                lambda cal: cal.next_opening(start)):
        calendar = BusinessCalendar.from_dict(form)
        began = time.thread_time()
        with pytest.raises(BeyondCalendar, match="never opens") as raised:
            ask(calendar)
        assert raised.value.fields == {"hours": "never open"}
        assert time.thread_time() - began < 0.6


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham",
         "Asia/Kathmandu", "America/Sao_Paulo"]


@settings(max_examples=25, deadline=None)
@given(zone=st.sampled_from(ZONES), open_days=st.sets(st.integers(0, 6), min_size=1),
       nth=st.sets(st.tuples(st.integers(1, 12), st.integers(0, 6),
                             st.sampled_from([1, 2, 3, 4, 5, -1, -2, -5])), max_size=12),
       yearly=st.sets(st.sampled_from([(2, 29), (3, 29), (3, 31), (10, 25), (12, 31),
                                       (1, 1)]), max_size=3),
       dated=st.sets(st.integers(0, 6 * 366), max_size=20),
       year=st.sampled_from([2027, 2096, 2099, 2101, 2396, 2497, 5123]))
def test_years_counted_through_hold_what_their_days_add_up_to(zone, open_days, nth, yearly,
                                                              dated, year):
    """Six local years, the first two planned and four counted, against the oracle's sum of
    the real length of each open date: dated holidays alone or on a yearly or weekday
    holiday's date, on days the clocks change, in years of every length and first weekday
    (2096 to 2101 cross the common year 2100)."""
    first = date(year, 1, 1)
    days = {first + timedelta(days=n) for n in dated}
    days |= {date(year + 3, month, day) for month, day in yearly if (month, day) != (2, 29)}
    cal = OracleCalendar(zone, [Shift(d, 0, DAY_MINUTES) for d in open_days],
                         dates=days, yearly=set(yearly), nth_weekdays=set(nth))
    calendar = BusinessCalendar.from_dict(cal.to_form())
    local = ZoneInfo(zone)
    used = calendar.elapsed(datetime(year, 1, 1, tzinfo=local),
                            datetime(year + 6, 1, 1, tzinfo=local))
    assert used == sum((cal.whole_days_in_year(each) for each in range(year, year + 6)),
                       timedelta(0))
