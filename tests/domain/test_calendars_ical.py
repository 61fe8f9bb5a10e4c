"""Holidays imported from the text of iCalendar files."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.holidays import Closure, Holiday, parse_ical

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = [["08:00", "12:00"], ["13:00", "17:00"]]


def ics(*events):
    body = "".join(f"BEGIN:VEVENT\r\n{event.strip()}\r\nEND:VEVENT\r\n" for event in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Holidays//EN\r\n{body}" \
           "END:VCALENDAR\r\n"


def _utc_spans(closures):
    return [(c.start.astimezone(UTC), c.end.astimezone(UTC)) for c in closures]


def office():
    return BusinessCalendar.from_dict({"timezone": "Europe/Berlin", "hours": {
        day: OFFICE for day in ("mon", "tue", "wed", "thu", "fri")}})


def test_all_day_events_become_holidays_and_their_end_is_exclusive():
    text = ics("DTSTART;VALUE=DATE:20261224\nDTEND;VALUE=DATE:20261227\nSUMMARY:Christmas",
               "DTSTART;VALUE=DATE:20260501\nSUMMARY:Labour Day")
    holidays, closures = parse_ical(text, "Europe/Berlin")
    assert holidays == [Holiday(12, 24, 2026, "Christmas"), Holiday(12, 25, 2026, "Christmas"),
                        Holiday(12, 26, 2026, "Christmas"), Holiday(5, 1, 2026, "Labour Day")]
    assert closures == []


def test_yearly_rules_recur_for_ever_or_are_spelled_out_when_they_end():
    text = ics("DTSTART;VALUE=DATE:20200101\nRRULE:FREQ=YEARLY\nSUMMARY:New Year",
               "DTSTART:20240229\nDTEND:20240301\nRRULE:FREQ=YEARLY;COUNT=3",
               "DTSTART;VALUE=DATE:20251003\nRRULE:FREQ=YEARLY;INTERVAL=2;UNTIL=20300101")
    holidays, _ = parse_ical(text, "UTC")
    assert holidays == [Holiday(1, 1, None, "New Year"), Holiday(2, 29, 2024),
                        Holiday(10, 3, 2025), Holiday(10, 3, 2027), Holiday(10, 3, 2029)]


def test_timed_events_become_closures_in_their_own_zone_or_the_calendars():
    text = ics("DTSTART;TZID=America/New_York:20261224T120000\n"
               "DTEND;TZID=America/New_York:20261224T180000\nSUMMARY:Half day",
               "DTSTART:20261231T120000Z\nDURATION:PT4H",
               "DTSTART:20261230T130000\nDTEND:20261230T150000")
    _, closures = parse_ical(text, "Europe/Berlin")
    assert _utc_spans(closures) == [
        (datetime(2026, 12, 24, 17, tzinfo=UTC), datetime(2026, 12, 24, 23, tzinfo=UTC)),
        (datetime(2026, 12, 31, 12, tzinfo=UTC), datetime(2026, 12, 31, 16, tzinfo=UTC)),
        (datetime(2026, 12, 30, 12, tzinfo=UTC), datetime(2026, 12, 30, 14, tzinfo=UTC))]
    assert closures[0].name == "Half day"
    assert isinstance(closures[1], Closure)


def test_occurrences_listed_one_by_one_are_added_and_those_left_out_removed():
    """Holiday files give Easter's dates with RDATE (no rule computes it), and leave a year
    out of a rule with EXDATE: before, both were read past without a word."""
    text = ics("DTSTART;VALUE=DATE:20260405\nSUMMARY:Easter Sunday\n"
               "RDATE;VALUE=DATE:20270328,20280416\nRDATE;VALUE=DATE:20290401",
               "DTSTART;VALUE=DATE:20261224\nDTEND;VALUE=DATE:20261226\n"
               "RRULE:FREQ=YEARLY;COUNT=3\nEXDATE;VALUE=DATE:20271224\nSUMMARY:Christmas")
    holidays, _ = parse_ical(text, "UTC")
    assert [(h.year, h.month, h.day) for h in holidays if h.name == "Easter Sunday"] == [
        (2026, 4, 5), (2027, 3, 28), (2028, 4, 16), (2029, 4, 1)]
    assert [(h.year, h.month, h.day) for h in holidays if h.name == "Christmas"] == [
        (2026, 12, 24), (2026, 12, 25), (2028, 12, 24), (2028, 12, 25)]
    # A timed event: a listed occurrence lasts as long as the first, in its own zone.
    half_days = ics("DTSTART;TZID=Europe/Berlin:20261224T120000\n"
                    "DTEND;TZID=Europe/Berlin:20261224T170000\n"
                    "RDATE;TZID=Europe/Berlin:20261231T120000")
    _, closures = parse_ical(half_days, "UTC")
    assert _utc_spans(closures) == [
        (datetime(2026, 12, 24, 11, tzinfo=UTC), datetime(2026, 12, 24, 16, tzinfo=UTC)),
        (datetime(2026, 12, 31, 11, tzinfo=UTC), datetime(2026, 12, 31, 16, tzinfo=UTC))]


@pytest.mark.parametrize(("event", "message"), [
    ("DTSTART;VALUE=DATE:20260101\nRRULE:FREQ=YEARLY\nEXDATE;VALUE=DATE:20270101",
     "cannot leave out single years"),
    ("DTSTART;VALUE=DATE:20260101\nRDATE;VALUE=PERIOD:20270101T000000Z/PT1H",
     "periods are not understood"),
    ("DTSTART;VALUE=DATE:20260101\nRDATE:20270101T090000Z", "both be dates or both times"),
    ("DTSTART;VALUE=DATE:20260101\nRDATE;VALUE=DATE:20271301", "not a date"),
])
def test_occurrence_lists_that_cannot_be_kept_say_why(event, message):
    with pytest.raises(ValidationFailed, match=message) as raised:
        parse_ical(ics(event), "UTC")
    assert "ics" in raised.value.fields


def test_time_zones_as_outlook_and_older_calendar_programs_name_them():
    """Outlook writes Windows zone names; older Thunderbird and other programs put their own
    prefix before the IANA name. Before, either refused the whole file."""
    text = ics("DTSTART;TZID=W. Europe Standard Time:20261224T120000\n"
               "DTEND;TZID=W. Europe Standard Time:20261224T170000",
               'DTSTART;TZID="/mozilla.org/20070129_1/America/New_York":20261231T120000\n'
               "DURATION:PT5H")
    _, closures = parse_ical(text, "UTC")
    assert _utc_spans(closures) == [
        (datetime(2026, 12, 24, 11, tzinfo=UTC), datetime(2026, 12, 24, 16, tzinfo=UTC)),
        (datetime(2026, 12, 31, 17, tzinfo=UTC), datetime(2026, 12, 31, 22, tzinfo=UTC))]
    for unknown in ("Mars Standard Time", "../../etc/passwd", "/example.org/1/Mars/Olympus"):
        with pytest.raises(ValidationFailed, match="unknown zone"):
            parse_ical(ics(f"DTSTART;TZID={unknown}:20261224T120000\nDURATION:PT1H"), "UTC")


def test_folded_lines_escapes_alarms_and_cancelled_events():
    text = ics("DTSTART;VALUE=DATE:20261003\nSUMMARY:Day of German\r\n  Unity\\, national\n"
               "BEGIN:VALARM\nTRIGGER:-PT15M\nDTSTART:20990101T000000Z\nEND:VALARM",
               "DTSTART;VALUE=DATE:20261005\nSTATUS:CANCELLED")
    holidays, closures = parse_ical(text.replace("\n", "\r\n").replace("\r\r", "\r"), "UTC")
    assert holidays == [Holiday(10, 3, 2026, "Day of German Unity, national")]
    assert closures == []


def test_an_imported_file_closes_the_calendar():
    text = ics("DTSTART;VALUE=DATE:20261225\nRRULE:FREQ=YEARLY\nSUMMARY:Christmas",
               "DTSTART:20261224T120000\nDTEND:20261224T170000\nSUMMARY:Christmas Eve")
    cal = office().with_holidays_from_ical(text)
    start = datetime(2026, 12, 24, 8, tzinfo=BERLIN)
    assert cal.elapsed(start, datetime(2026, 12, 28, 8, tzinfo=BERLIN)) == timedelta(hours=4)
    assert not cal.is_open(datetime(2028, 12, 25, 9, tzinfo=BERLIN))  # a Monday, every year
    assert cal.is_open(datetime(2028, 12, 27, 9, tzinfo=BERLIN))
    assert BusinessCalendar.from_dict(cal.to_dict()) == cal
    assert {"date": "12-25", "yearly": True, "name": "Christmas"} in cal.to_dict()["holidays"]


@pytest.mark.parametrize(("text", "message"), [
    ("BEGIN:VEVENT\nDTSTART:20261224\nEND:VEVENT", "not an iCalendar file"),
    (ics("SUMMARY:No start"), "no DTSTART"),
    (ics("DTSTART;VALUE=DATE:20261332"), "not a date"),
    (ics("DTSTART:20261224T25"), "not a date-time"),
    (ics("DTSTART;TZID=Mars/Olympus:20261224T120000\nDURATION:PT1H"), "unknown zone"),
    (ics("DTSTART;VALUE=DATE:20261224\nDTEND;VALUE=DATE:20261223"), "ends before it starts"),
    (ics("DTSTART;VALUE=DATE:20261224\nRRULE:FREQ=WEEKLY"), "weekly for ever"),
    (ics("DTSTART;VALUE=DATE:20261224\nRRULE:FREQ=HOURLY;COUNT=3"), "hourly are not"),
    # Every fourth Thursday of the year, not of a month: no holiday anyone keeps.
    (ics("DTSTART;VALUE=DATE:20261126\nRRULE:FREQ=YEARLY;BYDAY=4TH"), "names the event's month"),
    (ics("DTSTART;VALUE=DATE:20261127\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"),
     "not the day its rule names"),
    (ics("DTSTART;VALUE=DATE:20261126\nDTEND;VALUE=DATE:20261128\n"
         "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"), "one-day, all-day event only"),
    (ics("DTSTART:20261126T090000Z\nDURATION:PT1H\n"
         "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH;COUNT=2"),
     "one-day, all-day event only"),
    (ics("DTSTART;VALUE=DATE:20261126\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=TH"),
     "names the event's month"),
    (ics("DTSTART;VALUE=DATE:20261126\nRRULE:FREQ=YEARLY;BYMONTH=11;BYSETPOS=4"),
     "names the event's month"),
    (ics("DTSTART:20261224T120000Z\nDURATION:PT1H\nRRULE:FREQ=YEARLY"), "repeating forever"),
    (ics("DTSTART;VALUE=DATE:20261224\nDTEND:20261224T120000Z"), "both be dates or both times"),
    (ics("no colon here"), "NAME:VALUE"),
])
def test_files_that_do_not_parse_say_why(text, message):
    with pytest.raises(ValidationFailed, match=message) as raised:
        parse_ical(text, "UTC")
    assert "ics" in raised.value.fields


def test_a_file_cut_off_inside_an_event_is_refused_not_read_short():
    with pytest.raises(ValidationFailed, match="ends inside an event") as raised:
        parse_ical("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261224\r\n", "UTC")
    assert "ics" in raised.value.fields


@pytest.mark.parametrize(("event", "message"), [
    # Sizes a file can ask for in a few bytes: refused at once, never spelled out.
    ("DTSTART;VALUE=DATE:20261225\nRRULE:FREQ=YEARLY;COUNT=1000000000", None),
    ("DTSTART;VALUE=DATE:00010101\nDTEND;VALUE=DATE:99991231", "make 3652058"),
    ("DTSTART;VALUE=DATE:20261225\nDURATION:P99999999999W", "after the year 9999"),
    ("DTSTART:20261225T100000Z\nDURATION:PT99999999999999H", "after the year 9999"),
    ("DTSTART;VALUE=DATE:99991231", "no following day"),
    ("DTSTART;VALUE=DATE:20261225\nRRULE:FREQ=YEARLY;COUNT=0", "at least 1"),
    ("DTSTART;VALUE=DATE:20261225\nRRULE:FREQ=YEARLY;COUNT=-5", "at least 1"),
    ("DTSTART;VALUE=DATE:20261225\nRRULE:FREQ=YEARLY;INTERVAL=" + "9" * 30 + ";COUNT=5",
     None),
])
def test_a_file_asking_for_endless_or_impossible_occurrences_is_answered_at_once(event,
                                                                                message):
    """Before, the first spelled out a billion years (it hung), the second took seconds and
    millions of holidays, and the durations and the interval overflowed (an error 500)."""
    if message is None:  # read, within what a calendar holds
        holidays, _ = parse_ical(ics(event), "UTC")
        assert 1 <= len(holidays) <= 1_000
        assert holidays[0] == Holiday(12, 25, 2026)
        return
    with pytest.raises(ValidationFailed, match=message) as raised:
        parse_ical(ics(event), "UTC")
    assert "ics" in raised.value.fields


def test_a_calendar_holds_at_most_a_thousand_holidays_and_closures_however_they_come():
    from hubdesk.domain.holidays import MAX_CLOSINGS

    first = datetime(2026, 1, 1)
    days = [(first + timedelta(days=n)).date().isoformat() for n in range(MAX_CLOSINGS)]
    form = {"timezone": "UTC", "always_open": True, "holidays": days}
    full = BusinessCalendar.from_dict(form)
    with pytest.raises(ValidationFailed, match="at most 1000") as raised:
        BusinessCalendar.from_dict({**form, "holidays": [*days, "2031-01-02"]})
    assert raised.value.fields == {"holidays": "too many"}
    with pytest.raises(ValidationFailed, match="the calendar's own with the file's") as raised:
        full.with_holidays_from_ical(ics("DTSTART;VALUE=DATE:20261225"))
    assert raised.value.fields == {"ics": "too many"}
    # A year-long event repeating for three years is 1095 days off: refused, named.
    with pytest.raises(ValidationFailed, match="make 1095"):
        parse_ical(ics("DTSTART;VALUE=DATE:20260101\nDTEND;VALUE=DATE:20270101\n"
                       "RRULE:FREQ=YEARLY;COUNT=3"), "UTC")


def test_a_yearly_rule_on_a_weekday_of_the_month_keeps_that_weekday_every_year():
    """Holiday files give Thanksgiving and bank holidays as BYDAY rules; before, any file
    holding one was refused whole."""
    text = ics("DTSTART;VALUE=DATE:20261126\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\n"
               "SUMMARY:Thanksgiving",
               "DTSTART;VALUE=DATE:20260525\nRRULE:FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO;COUNT=3\n"
               "SUMMARY:Spring bank holiday",
               "DTSTART;VALUE=DATE:20260907\nRRULE:FREQ=YEARLY;BYMONTH=9;BYDAY=+1MO;"
               "UNTIL=20280904\nSUMMARY:Labor Day",
               # As Outlook writes the third Monday of January.
               "DTSTART;VALUE=DATE:20260119\nRRULE:FREQ=YEARLY;BYDAY=MO;BYMONTH=1;BYSETPOS=3\n"
               "SUMMARY:Martin Luther King Jr. Day")
    holidays, _ = parse_ical(text, "America/New_York")
    assert holidays[0] == Holiday.nth_weekday(11, 3, 4, "Thanksgiving")
    assert [(h.year, h.month, h.day) for h in holidays[1:-1]] == [
        (2026, 5, 25), (2027, 5, 31), (2028, 5, 29), (2026, 9, 7), (2027, 9, 6), (2028, 9, 4)]
    assert holidays[-1] == Holiday.nth_weekday(1, 0, 3, "Martin Luther King Jr. Day")
    calendar = BusinessCalendar.from_dict({"timezone": "America/New_York", "hours": {
        day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}})
    calendar = calendar.with_holidays_from_ical(text)
    ny = ZoneInfo("America/New_York")
    for closed in ((2026, 11, 26), (2031, 11, 27), (2040, 11, 22), (2027, 5, 31)):
        assert not calendar.is_open(datetime(*closed, 12, tzinfo=ny)), closed
    for still_open in ((2026, 11, 19), (2031, 11, 20), (2029, 5, 28), (2028, 9, 5)):
        assert calendar.is_open(datetime(*still_open, 12, tzinfo=ny)), still_open
    # A Wednesday before Thanksgiving at noon, plus 8 business hours: Friday noon.
    assert calendar.add(datetime(2031, 11, 26, 12, tzinfo=ny), timedelta(hours=8)) == \
        datetime(2031, 11, 28, 12, tzinfo=ny).astimezone(UTC)
    assert BusinessCalendar.from_dict(calendar.to_dict()) == calendar
    assert {"month": 11, "weekday": "thu", "nth": 4, "yearly": True,
            "name": "Thanksgiving"} in calendar.to_dict()["holidays"]


def test_the_nth_weekday_of_a_month_agrees_with_counting_the_days():
    from calendar import monthrange

    from hubdesk.domain.recurrence import nth_weekday

    for year in (1900, 2000, 2026, 2027, 2028, 2100, 9999):
        for month in range(1, 13):
            days = [date(year, month, d) for d in range(1, monthrange(year, month)[1] + 1)]
            for weekday in range(7):
                same = [d for d in days if d.weekday() == weekday]
                for nth in (1, 2, 3, 4, 5):
                    expected = same[nth - 1] if nth <= len(same) else None
                    assert nth_weekday(year, month, weekday, nth) == expected
                    assert nth_weekday(year, month, weekday, -nth) == (
                        same[-nth] if nth <= len(same) else None)


@pytest.mark.parametrize("entry", [
    {"month": 13, "weekday": "thu", "nth": 4},
    {"month": 11, "weekday": "thursday", "nth": 4},
    {"month": 11, "weekday": "thu", "nth": 0},
    {"month": 11, "weekday": "thu", "nth": 6},
    {"month": 11, "weekday": "thu", "nth": True},
    {"month": "11", "weekday": "thu", "nth": 4},
    {"month": 11, "weekday": "thu", "nth": 4, "yearly": False},
    {"month": 11, "weekday": "thu", "nth": 4, "day": 26},
])
def test_a_weekday_holiday_in_a_form_is_checked_field_by_field(entry):
    with pytest.raises(ValidationFailed) as refused:
        BusinessCalendar.from_dict({"timezone": "UTC", "always_open": True,
                                    "holidays": [entry]})
    assert list(refused.value.fields) == ["holidays"]
    kept = BusinessCalendar.from_dict({"timezone": "UTC", "always_open": True, "holidays": [
        {"month": 11, "weekday": "thu", "nth": 4}, {"month": 5, "weekday": "mon", "nth": -1}]})
    assert not kept.is_open(datetime(2026, 5, 25, 12, tzinfo=UTC))
    assert kept.is_open(datetime(2026, 5, 18, 12, tzinfo=UTC))


def _with_zone(zone_block, *events, calendar_lines=""):
    text = ics(*events)
    return text.replace("PRODID:-//Example//Holidays//EN\r\n",
                        f"PRODID:-//Example//Holidays//EN\r\n{calendar_lines}"
                        f"{zone_block.strip()}\r\n".replace("\n", "\r\n").replace("\r\r", "\r"))


# As Outlook writes a zone its users named themselves, with the rules of Central Europe.
CUSTOM_CENTRAL_EUROPE = """
BEGIN:VTIMEZONE
TZID:Customized Time Zone
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
"""
# The older way of writing "the second Sunday of March": the first Sunday among its 8th to 14th.
OLD_STYLE_NEW_YORK = """
BEGIN:VTIMEZONE
TZID:(UTC-05:00) Eastern Time (US & Canada)
BEGIN:DAYLIGHT
DTSTART:20070311T020000
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=8,9,10,11,12,13,14;BYDAY=SU
END:DAYLIGHT
BEGIN:STANDARD
DTSTART:20071104T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE
"""
SOUTHERN_SYDNEY = """
BEGIN:VTIMEZONE
TZID:AUS Eastern (own)
BEGIN:STANDARD
DTSTART:20080406T030000
TZOFFSETFROM:+1100
TZOFFSETTO:+1000
RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:20081005T020000
TZOFFSETFROM:+1000
TZOFFSETTO:+1100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU
END:DAYLIGHT
END:VTIMEZONE
"""


@pytest.mark.parametrize(("block", "name", "real"), [
    (CUSTOM_CENTRAL_EUROPE, "Customized Time Zone", "Europe/Berlin"),
    (OLD_STYLE_NEW_YORK, "(UTC-05:00) Eastern Time (US & Canada)", "America/New_York"),
    (SOUTHERN_SYDNEY, "AUS Eastern (own)", "Australia/Sydney"),
])
def test_a_zone_the_file_defines_places_times_as_the_real_zone_would(block, name, real):
    """Outlook names zones as its users see them and describes each in the file; before,
    a timed event in such a zone refused the whole file. Each day of four years at noon,
    and an hour either side of each change, lands where the time-zone database puts it."""
    zone = ZoneInfo(real)
    moments = [datetime(2026, 1, 1, 12) + timedelta(days=n) for n in range(4 * 365)]
    for year in range(2026, 2030):
        changes = [datetime(year, month, day, hour) for month in range(1, 13)
                   for day in range(1, 29 if month == 2 else 31) for hour in (0, 12)
                   if (datetime(year, month, day, hour) + timedelta(hours=12)).replace(
                       tzinfo=zone).utcoffset()
                   != datetime(year, month, day, hour).replace(tzinfo=zone).utcoffset()]
        moments += [c + timedelta(hours=h) for c in changes for h in range(-1, 13)]
    events = [f"UID:{n}\nDTSTART;TZID=\"{name}\":{m:%Y%m%dT%H%M%S}\nDURATION:PT1H"
              for n, m in enumerate(moments)]
    mismatched = []
    for first in range(0, len(events), 900):
        chunk = events[first:first + 900]
        _, closures = parse_ical(_with_zone(block, *chunk), "UTC")
        for closure, moment in zip(closures, moments[first:first + 900], strict=True):
            expected = moment.replace(tzinfo=zone)
            # A wall time the change skips or repeats may be read either way.
            ambiguous = expected.replace(fold=1).utcoffset() != expected.utcoffset() or \
                expected.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment
            if not ambiguous and closure.start.astimezone(UTC) != expected.astimezone(UTC):
                mismatched.append(moment)
    assert mismatched == []


def test_a_zone_without_daylight_saving_and_one_the_database_knows():
    india = """
BEGIN:VTIMEZONE
TZID:India Standard (own)
BEGIN:STANDARD
DTSTART:16010101T000000
TZOFFSETFROM:+0530
TZOFFSETTO:+0530
END:STANDARD
END:VTIMEZONE
"""
    _, closures = parse_ical(_with_zone(
        india, "DTSTART;TZID=India Standard (own):20261224T120000\nDURATION:PT1H"), "UTC")
    assert _utc_spans(closures) == [(datetime(2026, 12, 24, 6, 30, tzinfo=UTC),
                                     datetime(2026, 12, 24, 7, 30, tzinfo=UTC))]
    # An IANA name is read from the time-zone database, whatever the file says of it.
    wrong_berlin = CUSTOM_CENTRAL_EUROPE.replace("Customized Time Zone", "Europe/Berlin") \
        .replace("+0100", "+0900").replace("+0200", "+1000")
    _, closures = parse_ical(_with_zone(
        wrong_berlin, "DTSTART;TZID=Europe/Berlin:20261224T120000\nDURATION:PT1H"), "UTC")
    assert _utc_spans(closures)[0][0] == datetime(2026, 12, 24, 11, tzinfo=UTC)


@pytest.mark.parametrize(("broken", "message"), [
    ("TZOFFSETTO:+0100", "TZOFFSETTO:one hour"),
    ("RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10", "RRULE:FREQ=MONTHLY;BYDAY=-1SU"),
    ("DTSTART:16010101T030000", "DTSTART:16011301T030000"),
])
def test_a_zone_the_file_defines_wrongly_is_refused_in_words(broken, message):
    block = CUSTOM_CENTRAL_EUROPE.replace(broken, message, 1)
    with pytest.raises(ValidationFailed, match="Customized Time Zone"):
        parse_ical(_with_zone(block, "DTSTART;TZID=Customized Time Zone:20261224T120000\n"
                                     "DURATION:PT1H"), "UTC")


def test_floating_times_are_read_in_the_files_own_zone_when_it_names_one():
    """Google and Apple name the calendar's zone in X-WR-TIMEZONE; one no database knows is
    passed over for the desk calendar's own."""
    event = "DTSTART:20261224T120000\nDURATION:PT1H"
    _, closures = parse_ical(_with_zone("", event,
                                        calendar_lines="X-WR-TIMEZONE:America/New_York\r\n"),
                             "Europe/Berlin")
    assert _utc_spans(closures)[0][0] == datetime(2026, 12, 24, 17, tzinfo=UTC)
    _, closures = parse_ical(_with_zone("", event, calendar_lines="X-WR-TIMEZONE:Nowhere\r\n"),
                             "Europe/Berlin")
    assert _utc_spans(closures)[0][0] == datetime(2026, 12, 24, 11, tzinfo=UTC)


def test_a_zone_defined_past_what_any_real_one_needs_is_refused():
    part = ("BEGIN:STANDARD\nDTSTART:16010101T030000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0100\n"
            "END:STANDARD\n")
    many_parts = f"BEGIN:VTIMEZONE\nTZID:Many\n{part * 101}END:VTIMEZONE"
    listed = ",".join(f"{year}0101T000000" for year in range(1000, 2002))
    with_dates = part.replace("END:", "RDATE:" + listed + "\nEND:")
    many_dates = f"BEGIN:VTIMEZONE\nTZID:Many\n{with_dates}END:VTIMEZONE"
    for block, message in ((many_parts, "more than 100"), (many_dates, "more than 1000")):
        with pytest.raises(ValidationFailed, match=message):
            parse_ical(_with_zone(block, "DTSTART;TZID=Many:20261224T120000\nDURATION:PT1H"),
                       "UTC")
