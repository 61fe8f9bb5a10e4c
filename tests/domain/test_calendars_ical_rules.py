"""Events of an iCalendar file repeating daily, weekly or monthly: spelled out as RFC 5545 reads
their rules (checked against dateutil's implementation of it), or refused saying why."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import pytest
from dateutil import rrule as du
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.holidays import Closure, Holiday, parse_ical
from hubdesk.domain.recurrence import WEEKDAY_CODES, Rule

BERLIN = ZoneInfo("Europe/Berlin")
FREQUENCIES = {"DAILY": du.DAILY, "WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY}
WEEKDAYS = (du.MO, du.TU, du.WE, du.TH, du.FR, du.SA, du.SU)


def ics(*events):
    body = "".join(f"BEGIN:VEVENT\r\n{event.strip()}\r\nEND:VEVENT\r\n" for event in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Closures//EN\r\n{body}" \
           "END:VCALENDAR\r\n"


@st.composite
def rules(draw):
    """A rule's parts as calendar programs write them, and dateutil's arguments for it."""
    frequency = draw(st.sampled_from(sorted(FREQUENCIES)))
    parts, theirs = {"FREQ": frequency}, {}
    if draw(st.booleans()):
        interval = draw(st.integers(1, 5))
        parts["INTERVAL"], theirs["interval"] = str(interval), interval
    if draw(st.booleans()):
        start = draw(st.integers(0, 6))
        parts["WKST"], theirs["wkst"] = WEEKDAY_CODES[start], WEEKDAYS[start]
    if frequency == "WEEKLY" or draw(st.booleans()):
        days = draw(st.lists(st.integers(0, 6), min_size=1, max_size=3, unique=True))
        # All with their place in the month or none: dateutil reads MO,1TU as Mondays that
        # are first Tuesdays, where RFC 5545 (and this product) reads every Monday and the
        # first Tuesday.
        placed = frequency == "MONTHLY" and draw(st.booleans())
        places = [draw(st.sampled_from([1, 2, 3, 4, -1, -2])) if placed else None
                  for _ in days]
        parts["BYDAY"] = ",".join(f"{'' if n is None else n}{WEEKDAY_CODES[d]}"
                                  for d, n in zip(days, places, strict=True))
        theirs["byweekday"] = [WEEKDAYS[d] if n is None else WEEKDAYS[d](n)
                               for d, n in zip(days, places, strict=True)]
    if frequency != "WEEKLY" and draw(st.booleans()):
        month_days = draw(st.lists(st.integers(-31, 31).filter(bool), min_size=1, max_size=3,
                                   unique=True))
        parts["BYMONTHDAY"] = ",".join(map(str, month_days))
        theirs["bymonthday"] = month_days
    if draw(st.integers(0, 3)) == 0:
        months = draw(st.lists(st.integers(1, 12), min_size=1, max_size=4, unique=True))
        parts["BYMONTH"] = ",".join(map(str, months))
        theirs["bymonth"] = months
    if frequency == "MONTHLY" and "BYDAY" in parts and draw(st.booleans()):
        positions = draw(st.lists(st.sampled_from([1, 2, 3, -1, -2]), min_size=1, max_size=2,
                                  unique=True))
        parts["BYSETPOS"] = ",".join(map(str, positions))
        theirs["bysetpos"] = positions
    return parts, FREQUENCIES[frequency], theirs


@settings(max_examples=300, deadline=None)
@given(rules(), st.dates(date(2024, 1, 1), date(2030, 12, 31)), st.integers(1, 40))
def test_a_rule_names_the_days_dateutil_names(rule, seed, count):
    parts, frequency, theirs = rule
    ours = Rule.from_parts(parts)
    # The first day after the seed the rule names: RFC 5545 counts the event's own date
    # as the first occurrence whatever the rule says, dateutil only a date the rule names.
    following = list(islice(ours.dates(seed), 2))
    assume(len(following) == 2)
    first = following[1]
    spelled = list(islice(ours.dates(first), count))
    assume(len(spelled) == count)
    expected = du.rrule(frequency, dtstart=datetime.combine(first, time()), count=count,
                        **theirs)
    assert spelled == [moment.date() for moment in expected]


def test_a_weekly_closure_keeps_its_wall_clock_time_across_the_clock_change():
    text = ics("DTSTART;TZID=Europe/Berlin:20260320T150000\n"
               "DTEND;TZID=Europe/Berlin:20260320T170000\n"
               "RRULE:FREQ=WEEKLY;BYDAY=FR;UNTIL=20260410T130000Z\nSUMMARY:Training")
    holidays, closures = parse_ical(text, "Europe/Berlin")
    assert holidays == []
    assert [(c.start.astimezone(UTC).hour, c.end - c.start) for c in closures] == [
        (14, timedelta(hours=2)), (14, timedelta(hours=2)), (13, timedelta(hours=2)),
        (13, timedelta(hours=2))]
    assert closures[0] == Closure(datetime(2026, 3, 20, 15, tzinfo=BERLIN),
                                  datetime(2026, 3, 20, 17, tzinfo=BERLIN), "Training")
    assert [c.start.date() for c in closures] == [date(2026, 3, 20), date(2026, 3, 27),
                                                 date(2026, 4, 3), date(2026, 4, 10)]
    calendar = BusinessCalendar.from_dict({"timezone": "Europe/Berlin", "hours": {
        day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}})
    closed = calendar.with_holidays_from_ical(text)
    assert not closed.is_open(datetime(2026, 4, 3, 16, tzinfo=BERLIN))
    assert closed.is_open(datetime(2026, 4, 3, 14, tzinfo=BERLIN))
    assert closed.is_open(datetime(2026, 4, 17, 16, tzinfo=BERLIN))  # after UNTIL
    assert BusinessCalendar.from_dict(closed.to_dict()) == closed


def test_the_last_working_day_of_each_month_with_one_left_out():
    text = ics("DTSTART;VALUE=DATE:20260130\nSUMMARY:Stocktaking\n"
               "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=4\n"
               "EXDATE;VALUE=DATE:20260227")
    holidays, closures = parse_ical(text, "UTC")
    assert closures == []
    assert holidays == [Holiday(1, 30, 2026, "Stocktaking"), Holiday(3, 31, 2026, "Stocktaking"),
                        Holiday(4, 30, 2026, "Stocktaking")]


def test_a_two_day_event_every_other_week_closes_both_days_each_time():
    text = ics("DTSTART;VALUE=DATE:20261203\nDTEND;VALUE=DATE:20261205\n"
               "RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20261231")
    holidays, _ = parse_ical(text, "UTC")
    assert [(h.month, h.day) for h in holidays] == [(12, 3), (12, 4), (12, 17), (12, 18),
                                                     (12, 31), (1, 1)]


@pytest.mark.parametrize(("rule", "message"), [
    ("FREQ=WEEKLY", "weekly for ever"),
    ("FREQ=MONTHLY;BYDAY=-1FR", "monthly for ever"),
    ("FREQ=HOURLY;COUNT=5", "hourly are not understood"),
    ("COUNT=5", "without FREQ"),
    ("FREQ=WEEKLY;BYHOUR=9;COUNT=5", "BYHOUR in a rule is not understood"),
    ("FREQ=WEEKLY;BYDAY=1MO;COUNT=5", "monthly rules only"),
    ("FREQ=WEEKLY;BYSETPOS=1;BYDAY=MO;COUNT=5", "monthly rules only"),
    ("FREQ=WEEKLY;BYDAY=XX;COUNT=5", "MO to SU"),
    ("FREQ=WEEKLY;WKST=XX;COUNT=5", "MO to SU"),
    ("FREQ=DAILY;INTERVAL=0;COUNT=5", "INTERVAL is at least 1"),
    ("FREQ=MONTHLY;BYMONTHDAY=32;COUNT=5", "BYMONTHDAY is from -31 to 31"),
    ("FREQ=MONTHLY;BYDAY=6MO;COUNT=5", "from -5 to 5"),
    ("FREQ=DAILY;COUNT=0", "at least 1"),
    ("FREQ=DAILY;COUNT=5000", "more than 1000 occurrences"),
    ("FREQ=DAILY;UNTIL=20991231", "more than 1000 occurrences"),
    ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=3", "never come"),
    ("FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=20;COUNT=3", "never come"),
    ("FREQ=MONTHLY;INTERVAL=240;COUNT=10", "more than 100 years"),
    ("FREQ=DAILY;INTERVAL=" + "9" * 30 + ";COUNT=2", "more than 100 years"),
])
def test_rules_that_cannot_be_spelled_out_are_refused_naming_the_line(rule, message):
    with pytest.raises(ValidationFailed, match=message) as raised:
        parse_ical(ics(f"DTSTART;VALUE=DATE:20261201\nRRULE:{rule}"), "UTC")
    assert raised.value.fields == {"ics": "line 6"}


def test_a_rule_ending_on_its_own_start_is_the_event_alone_and_before_it_nothing():
    for rule in ("FREQ=DAILY;COUNT=1", "FREQ=WEEKLY;UNTIL=20261201"):
        holidays, _ = parse_ical(ics(f"DTSTART;VALUE=DATE:20261201\nRRULE:{rule}"), "UTC")
        assert holidays == [Holiday(12, 1, 2026)], rule
    # As a yearly rule ending before its start, and as dateutil reads it.
    for rule in ("FREQ=DAILY;UNTIL=20261130", "FREQ=YEARLY;UNTIL=20261130"):
        assert parse_ical(ics(f"DTSTART;VALUE=DATE:20261201\nRRULE:{rule}"), "UTC") == ([], [])


def test_weekdays_with_and_without_their_place_in_the_month_add_up():
    """Every Monday and the first Tuesday, as RFC 5545 reads BYDAY's list."""
    holidays, _ = parse_ical(ics("DTSTART;VALUE=DATE:20261225\n"
                                 "RRULE:FREQ=MONTHLY;BYDAY=MO,1TU;COUNT=4"), "UTC")
    assert holidays == [Holiday(12, 25, 2026), Holiday(12, 28, 2026), Holiday(1, 4, 2027),
                        Holiday(1, 5, 2027)]


def test_the_search_stops_at_the_last_date_there_is():
    holidays, _ = parse_ical(ics("DTSTART;VALUE=DATE:99991230\nRRULE:FREQ=DAILY;COUNT=2"),
                             "UTC")
    assert holidays == [Holiday(12, 30, 9999), Holiday(12, 31, 9999)]
    with pytest.raises(ValidationFailed, match="never come"):
        parse_ical(ics("DTSTART;VALUE=DATE:99991230\nRRULE:FREQ=WEEKLY;COUNT=2"), "UTC")


def test_the_rules_of_one_file_look_at_a_million_days_at_most_together():
    """Each leap day for eighty years is a search of some 29,000 days: fine once, refused
    (saying so) before a file of such events keeps the server busy."""
    leap_days = "DTSTART;VALUE=DATE:20240229\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;COUNT=20"
    holidays, _ = parse_ical(ics(leap_days), "UTC")
    assert holidays[-1] == Holiday(2, 29, 2104)  # 2100 has no 29 February
    with pytest.raises(ValidationFailed, match="more than 1000000 days") as raised:
        parse_ical(ics(*[leap_days] * 40), "UTC")
    assert raised.value.fields["ics"].startswith("line ")
