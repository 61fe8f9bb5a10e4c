"""Holidays and closures read from an iCalendar file, against the minute-walking oracle.

Random all-day events (one day or several, DTEND or DURATION, some repeating yearly) and timed
events (in UTC, in a named zone, or floating: read in the calendar's own zone) are written as a
file and also handed to the oracle as the dates and spans they close; a calendar that imported
the file must then answer as the oracle does.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.calendar_oracle import DAY_MINUTES, MINUTE
from tests.domain.test_calendars_oracle import instants, oracle_calendars, product_of, walkable

ICAL = settings(max_examples=40, deadline=None)
OTHER_ZONES = ["America/New_York", "Asia/Kolkata", "Pacific/Chatham", "Australia/Lord_Howe"]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


@st.composite
def events(draw, cal, near):
    """Event lines for the file; the oracle calendar is given what they close."""
    zone = ZoneInfo(cal.timezone)
    local_day = near.astimezone(zone).date()
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        first = local_day + timedelta(days=draw(st.integers(-3, 5)))
        days = draw(st.integers(1, 4))
        end = (f"DTEND;VALUE=DATE:{(first + timedelta(days=days)).strftime('%Y%m%d')}"
               if draw(st.booleans()) else f"DURATION:P{days}D")
        lines += ["BEGIN:VEVENT", f"DTSTART;VALUE=DATE:{first.strftime('%Y%m%d')}", end]
        if days == 1 and draw(st.booleans()):
            lines.append("RRULE:FREQ=YEARLY")
            cal.yearly.add((first.month, first.day))
        else:
            cal.dates.update(first + timedelta(days=k) for k in range(days))
        lines.append("END:VEVENT")
    for _ in range(draw(st.integers(0, 3))):
        begins = near + MINUTE * draw(st.integers(-2 * DAY_MINUTES, 4 * DAY_MINUTES))
        length = MINUTE * draw(st.integers(1, 2 * DAY_MINUTES))
        how = draw(st.sampled_from(["utc", "floating", "named"]))
        if how == "utc":
            start_line = f"DTSTART:{_stamp(begins)}Z"
            end_line = f"DTEND:{_stamp(begins + length)}Z"
        else:
            named = ZoneInfo(draw(st.sampled_from(OTHER_ZONES))) if how == "named" else zone
            # a wall time that exists, read back as written
            wall = begins.astimezone(named)
            begins = wall.replace(tzinfo=named, fold=0).astimezone(UTC)
            param = f";TZID={named.key}" if how == "named" else ""
            start_line = f"DTSTART{param}:{_stamp(wall)}"
            end_line = f"DURATION:PT{length // MINUTE}M"
        lines += ["BEGIN:VEVENT", start_line, end_line, "END:VEVENT"]
        cal.closures.append((begins, begins + length))
    return lines


@ICAL
@given(st.data())
def test_a_calendar_with_an_imported_file_answers_as_the_oracle_does(data):
    cal, near = data.draw(oracle_calendars())
    cal.dates, cal.yearly, cal.nth_weekdays, cal.closures = set(), set(), set(), []
    product = product_of(cal)
    lines = data.draw(events(cal, near))
    text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR", ""])
    imported = product.with_holidays_from_ical(text)
    start = data.draw(instants(near, cal.timezone))
    end = start.astimezone(UTC) + MINUTE * data.draw(st.integers(0, 5 * DAY_MINUTES))
    assert imported.elapsed(start, end) == cal.elapsed(start, end)
    assert imported.is_open(end) == cal.is_open(end)
    duration = walkable(cal, MINUTE * data.draw(st.integers(0, DAY_MINUTES)))
    assert imported.add(start, duration) == cal.add(start, duration)


def test_the_files_days_are_the_oracles_days():
    """An all-day event's DTEND is the first day it no longer covers."""
    from tests.domain.calendar_oracle import OracleCalendar, Shift

    cal = OracleCalendar("Europe/Berlin", [Shift(d, 0, DAY_MINUTES) for d in range(7)])
    text = "\r\n".join(["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261224",
                        "DTEND;VALUE=DATE:20261227", "END:VEVENT", "END:VCALENDAR"])
    imported = product_of(cal).with_holidays_from_ical(text)
    cal.dates = {date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26)}
    start = datetime(2026, 12, 23, tzinfo=UTC)
    assert imported.elapsed(start, start + timedelta(days=6)) == cal.elapsed(
        start, start + timedelta(days=6)) == timedelta(days=3)
