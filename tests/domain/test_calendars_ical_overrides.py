"""iCalendar events that move or cancel one occurrence of a repeating event (RECURRENCE-ID),
and timed events that take no time, against the minute-walking oracle.

RFC 5545: an event carrying a RECURRENCE-ID and the UID of a repeating event replaces the
occurrence it names; cancelled, it leaves that occurrence out. The oracle is handed only the
dates and spans that remain closed, so it knows nothing of how the file said them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.holidays import parse_ical
from tests.domain.calendar_oracle import DAY_MINUTES, MINUTE, OracleCalendar, Shift
from tests.domain.test_calendars_oracle import product_of

OVERRIDES = settings(max_examples=15, deadline=None)
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]
ROUND_THE_CLOCK = [Shift(d, 0, DAY_MINUTES) for d in range(7)]


def _file(*events: list[str]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0"]
    for event in events:
        lines += ["BEGIN:VEVENT", *event, "END:VEVENT"]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


def _day(day: date) -> str:
    return day.strftime("%Y%m%d")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


@OVERRIDES
@given(st.data())
def test_moved_and_cancelled_holidays_of_a_yearly_rule_close_as_the_oracle_says(data):
    zone = data.draw(st.sampled_from(ZONES))
    first = date(2026, 12, data.draw(st.integers(1, 28)))
    years = data.draw(st.integers(1, 3))
    cal = OracleCalendar(zone, list(ROUND_THE_CLOCK))
    events = [["UID:feast", f"DTSTART;VALUE=DATE:{_day(first)}",
               f"RRULE:FREQ=YEARLY;COUNT={years}"]]
    for n in range(years):
        occurrence = first.replace(year=first.year + n)
        fate = data.draw(st.sampled_from(["kept", "moved", "cancelled"]))
        if fate == "kept":
            cal.dates.add(occurrence)
            continue
        moved_to = occurrence + timedelta(days=data.draw(st.integers(-2, 2)))
        event = ["UID:feast", f"RECURRENCE-ID;VALUE=DATE:{_day(occurrence)}",
                 f"DTSTART;VALUE=DATE:{_day(moved_to)}"]
        if fate == "cancelled":
            event.append("STATUS:CANCELLED")
        else:
            cal.dates.add(moved_to)
        events.append(event)
    imported = product_of(cal).with_holidays_from_ical(_file(*data.draw(st.permutations(
        events))))
    for n in range(years):  # each occurrence's days, and those it may move to
        low = datetime(first.year + n, 12, first.day, tzinfo=ZoneInfo(zone)) - timedelta(days=3)
        high = low + timedelta(days=7)
        assert imported.elapsed(low, high) == cal.elapsed(low, high)


@OVERRIDES
@given(st.data())
def test_a_moved_or_cancelled_weekly_closure_closes_as_the_oracle_says(data):
    zone = data.draw(st.sampled_from(ZONES))
    other = ZoneInfo(data.draw(st.sampled_from(ZONES)))
    cal = OracleCalendar(zone, list(ROUND_THE_CLOCK))
    wall = datetime(2026, 10, 20, data.draw(st.integers(0, 20)), 15 * data.draw(
        st.integers(0, 3)), tzinfo=ZoneInfo(zone))  # weeks across the autumn clock change
    length = MINUTE * data.draw(st.integers(1, 3 * 60))
    weeks = data.draw(st.integers(1, 3))
    events = [["UID:standup", f"DTSTART;TZID={zone}:{_stamp(wall)}",
               f"DURATION:PT{length // MINUTE}M", f"RRULE:FREQ=WEEKLY;COUNT={weeks}"]]
    for n in range(weeks):
        begins = (wall + timedelta(weeks=n)).astimezone(UTC)  # same wall time each week
        fate = data.draw(st.sampled_from(["kept", "moved", "cancelled"]))
        if fate == "kept":
            cal.closures.append((begins, begins + length))
            continue
        # The occurrence is named in UTC or in another zone: the same instant either way.
        named = f"RECURRENCE-ID:{_stamp(begins)}Z" if data.draw(st.booleans()) else \
            f"RECURRENCE-ID;TZID={other.key}:{_stamp(begins.astimezone(other))}"
        moved = begins + MINUTE * data.draw(st.integers(-DAY_MINUTES, DAY_MINUTES))
        event = ["UID:standup", named, f"DTSTART:{_stamp(moved)}Z",
                 f"DURATION:PT{length // MINUTE}M"]
        if fate == "cancelled":
            event.append("STATUS:CANCELLED")
        else:
            cal.closures.append((moved, moved + length))
        events.append(event)
    imported = product_of(cal).with_holidays_from_ical(_file(*events))
    low = wall.astimezone(UTC) - timedelta(days=1)
    high = low + timedelta(weeks=weeks - 1, days=3)
    assert imported.elapsed(low, high) == cal.elapsed(low, high)


def test_an_occurrence_another_uid_names_is_left_alone():
    """Only the repeating event with the same UID gives up the occurrence."""
    holidays, _ = parse_ical(_file(
        ["UID:a", "DTSTART;VALUE=DATE:20261225", "RRULE:FREQ=YEARLY;COUNT=2"],
        ["UID:b", "RECURRENCE-ID;VALUE=DATE:20271225", "DTSTART;VALUE=DATE:20271226"]), "UTC")
    assert {(h.year, h.month, h.day) for h in holidays} == {
        (2026, 12, 25), (2027, 12, 25), (2027, 12, 26)}


@pytest.mark.parametrize(("event", "words"), [
    (["UID:a", "RECURRENCE-ID;VALUE=DATE:20271225", "DTSTART;VALUE=DATE:20271226"],
     "line 10: an event repeating for ever cannot have single years moved or cancelled"),
    (["UID:a", "RECURRENCE-ID;RANGE=THISANDFUTURE;VALUE=DATE:20271225",
      "DTSTART;VALUE=DATE:20271226"], "line 10: a change to an occurrence and all after it"),
    (["UID:a", "RECURRENCE-ID:20271225T000000Z", "DTSTART;VALUE=DATE:20271226"],
     "line 10: RECURRENCE-ID and DTSTART must both be dates or both times"),
])
def test_an_occurrence_change_the_calendar_cannot_keep_is_refused_by_line(event, words):
    text = _file(["UID:a", "DTSTART;VALUE=DATE:20261225", "RRULE:FREQ=YEARLY"], event)
    if "FOR EVER" not in words.upper():
        text = text.replace("FREQ=YEARLY", "FREQ=YEARLY;COUNT=3")
    with pytest.raises(ValidationFailed, match=words):
        parse_ical(text, "UTC")


def test_a_timed_event_that_takes_no_time_closes_nothing_and_the_rest_still_counts():
    """RFC 5545: a timed event without DTEND or DURATION ends as it starts (a reminder)."""
    cal = OracleCalendar("Europe/Berlin", list(ROUND_THE_CLOCK), dates={date(2026, 12, 24)})
    text = _file(["DTSTART;TZID=Europe/Berlin:20261223T120000"],
                 ["DTSTART:20261223T150000Z", "DTEND:20261223T150000Z"],
                 ["DTSTART;VALUE=DATE:20261224"])
    imported = product_of(cal).with_holidays_from_ical(text)
    low = datetime(2026, 12, 22, tzinfo=UTC)
    assert imported.elapsed(low, low + timedelta(days=4)) == cal.elapsed(
        low, low + timedelta(days=4)) == timedelta(days=3)


def test_an_all_day_event_ending_on_its_first_day_closes_that_day_as_calendars_show_it():
    """Public-holiday files often end an all-day event on its own date, against RFC 5545;
    calendar programs show each as the day it names, and so does the desk."""
    cal = OracleCalendar("Europe/Berlin", list(ROUND_THE_CLOCK),
                         dates={date(2026, 12, 24), date(2026, 12, 26)})
    text = _file(["DTSTART;VALUE=DATE:20261224", "DTEND;VALUE=DATE:20261224"],
                 ["DTSTART;VALUE=DATE:20261226", "DTEND;VALUE=DATE:20261227"])
    imported = product_of(cal).with_holidays_from_ical(text)
    low = datetime(2026, 12, 22, tzinfo=UTC)
    assert imported.elapsed(low, low + timedelta(days=6)) == cal.elapsed(
        low, low + timedelta(days=6))
    with pytest.raises(ValidationFailed, match="line 4: the event ends before it starts"):
        parse_ical(_file(["DTSTART;VALUE=DATE:20261224", "DTEND;VALUE=DATE:20261223"]), "UTC")
