"""Business calendars: hand-picked cases across zones, changes of offset and year ends."""

import time  # CPU time of this thread: bounds that hold on a machine busy with other work
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from hubdesk.domain.calendars import BusinessCalendar, check_reachable
from hubdesk.domain.errors import ValidationFailed

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
OFFICE = [["08:00", "12:00"], ["13:00", "17:00"]]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def hours(day_hours, *, weekend=None):
    return {day: day_hours for day in WEEKDAYS} | {"sat": weekend or [], "sun": weekend or []}


def berlin_office(**extra):
    form = {"timezone": "Europe/Berlin", "hours": hours(OFFICE),
            "holidays": ["2026-12-24", {"date": "12-25", "yearly": True},
                         {"date": "01-01", "yearly": True}]}
    return BusinessCalendar.from_dict(form | extra)


def every_day(zone, intervals):
    return BusinessCalendar.from_dict({"timezone": zone, "hours": hours(intervals,
                                                                        weekend=intervals)})


def local(zone, *parts, fold=0):
    return datetime(*parts, tzinfo=zone, fold=fold)


def test_the_issue_form_builds_a_calendar_and_adds_within_one_day():
    cal = berlin_office()
    start = local(BERLIN, 2026, 3, 2, 9, 0)  # a Monday
    assert cal.add(start, timedelta(hours=4)) == local(BERLIN, 2026, 3, 2, 14, 0)
    assert cal.add(start, timedelta(hours=8)) == local(BERLIN, 2026, 3, 3, 9, 0)
    assert cal.elapsed(start, local(BERLIN, 2026, 3, 9, 9, 0)) == timedelta(hours=40)


def test_results_are_utc():
    result = berlin_office().add(local(BERLIN, 2026, 3, 2, 9), timedelta(hours=1))
    assert result.tzinfo is UTC and result == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_deadline_falls_exactly_at_closing_time():
    cal = berlin_office()
    assert cal.add(local(BERLIN, 2026, 3, 2, 9), timedelta(hours=3)) == local(
        BERLIN, 2026, 3, 2, 12)
    assert cal.add(local(BERLIN, 2026, 3, 2, 9), timedelta(hours=7)) == local(
        BERLIN, 2026, 3, 2, 17)


def test_zero_duration_is_the_start_when_open_else_the_next_opening():
    cal = berlin_office()
    opening = local(BERLIN, 2026, 3, 2, 8)
    inside = local(BERLIN, 2026, 3, 2, 11, 59, 59, 999_999)
    assert cal.add(opening, timedelta(0)) == opening
    assert cal.add(inside, timedelta(0)) == inside
    assert cal.add(local(BERLIN, 2026, 3, 2, 12), timedelta(0)) == local(BERLIN, 2026, 3, 2, 13)
    assert cal.add(local(BERLIN, 2026, 3, 6, 17), timedelta(0)) == local(BERLIN, 2026, 3, 9, 8)
    assert cal.is_open(opening) and cal.is_open(inside)
    assert not cal.is_open(local(BERLIN, 2026, 3, 2, 12))
    assert cal.next_opening(local(BERLIN, 2026, 3, 7, 10)) == local(BERLIN, 2026, 3, 9, 8)


def test_microseconds_count():
    cal = berlin_office()
    start = local(BERLIN, 2026, 3, 2, 11, 59, 59, 999_998)
    assert cal.add(start, timedelta(microseconds=3)) == local(BERLIN, 2026, 3, 2, 13, 0, 0, 1)
    assert cal.elapsed(start, local(BERLIN, 2026, 3, 2, 13, 0, 0, 1)) == timedelta(
        microseconds=3)


def test_berlin_spring_forward_shortens_an_interval_over_the_skipped_hour():
    cal = every_day("Europe/Berlin", [["01:00", "05:00"]])
    sunday = (2026, 3, 29)  # 02:00 → 03:00
    assert cal.elapsed(local(BERLIN, *sunday, 0), local(BERLIN, *sunday, 23)) == timedelta(hours=3)
    assert cal.add(local(BERLIN, *sunday, 1), timedelta(hours=2)) == local(BERLIN, *sunday, 4)
    assert not cal.is_open(datetime(2026, 3, 29, 3, 0, tzinfo=UTC))  # 05:00 summer time


def test_berlin_spring_forward_a_window_inside_the_gap_starts_when_clocks_jump():
    cal = every_day("Europe/Berlin", [["02:30", "03:15"]])
    sunday = (2026, 3, 29)
    assert cal.elapsed(local(BERLIN, *sunday, 0), local(BERLIN, *sunday, 23)) == timedelta(
        minutes=15)
    assert cal.next_opening(local(BERLIN, *sunday, 0)) == datetime(2026, 3, 29, 1, tzinfo=UTC)


def test_berlin_fall_back_lengthens_an_interval_over_the_repeated_hour():
    cal = every_day("Europe/Berlin", [["01:00", "05:00"]])
    sunday = (2026, 10, 25)  # 03:00 → 02:00
    assert cal.elapsed(local(BERLIN, *sunday, 0), local(BERLIN, *sunday, 23)) == timedelta(hours=5)
    assert cal.add(local(BERLIN, *sunday, 1), timedelta(hours=4)) == local(BERLIN, *sunday, 4)


def test_berlin_fall_back_a_window_inside_the_repeated_hour_is_open_twice():
    cal = every_day("Europe/Berlin", [["02:15", "02:45"]])
    first = local(BERLIN, 2026, 10, 25, 2, 15)
    assert cal.elapsed(first, local(BERLIN, 2026, 10, 25, 23)) == timedelta(hours=1)
    assert not cal.is_open(local(BERLIN, 2026, 10, 25, 2, 50))
    assert cal.is_open(local(BERLIN, 2026, 10, 25, 2, 20, fold=1))
    # 02:30 the second time round; aware comparisons treat repeated wall times as unequal
    second = local(BERLIN, 2026, 10, 25, 2, 30, fold=1).astimezone(UTC)
    assert cal.add(first, timedelta(minutes=45)) == second == datetime(2026, 10, 25, 1, 30,
                                                                        tzinfo=UTC)


def test_a_24_7_calendar_counts_real_time_across_changes():
    cal = BusinessCalendar.from_dict({"timezone": "UTC", "always_open": True})
    start = local(BERLIN, 2026, 3, 28, 12)
    assert cal.add(start, timedelta(hours=24)) == local(BERLIN, 2026, 3, 29, 13)
    assert cal.elapsed(start, local(BERLIN, 2026, 3, 29, 12)) == timedelta(hours=23)
    assert cal.is_open(start) and cal.next_opening(start) == start


def test_a_24_7_calendar_in_berlin_keeps_its_holidays():
    cal = BusinessCalendar.from_dict({"timezone": "Europe/Berlin", "always_open": True,
                                      "holidays": ["2026-03-29"]})
    assert cal.elapsed(local(BERLIN, 2026, 3, 28), local(BERLIN, 2026, 3, 31)) == timedelta(
        hours=48)
    assert cal.add(local(BERLIN, 2026, 3, 28, 23), timedelta(hours=2)) == local(
        BERLIN, 2026, 3, 30, 1)


def test_new_york_friday_afternoon_reaches_into_monday_across_the_spring_change():
    cal = BusinessCalendar.from_dict({"timezone": "America/New_York",
                                      "hours": hours([["09:00", "17:00"]])})
    friday = local(NEW_YORK, 2026, 3, 6, 16)  # clocks change on Sunday 8 March
    deadline = cal.add(friday, timedelta(hours=2))
    assert deadline == local(NEW_YORK, 2026, 3, 9, 10) == datetime(2026, 3, 9, 14, tzinfo=UTC)
    assert cal.elapsed(friday, deadline) == timedelta(hours=2)


def test_sydney_southern_summer_time_and_the_year_end():
    cal = BusinessCalendar.from_dict({
        "timezone": "Australia/Sydney", "hours": hours([["09:00", "17:00"]]),
        "holidays": [{"date": "12-25", "yearly": True}, {"date": "12-26", "yearly": True},
                     {"date": "01-01", "yearly": True}]})
    # 2026-12-31 is a Thursday, in summer time; 1 January is a holiday, then the weekend
    deadline = cal.add(local(SYDNEY, 2026, 12, 31, 16), timedelta(hours=2))
    assert deadline == local(SYDNEY, 2027, 1, 4, 10) == datetime(2027, 1, 3, 23, tzinfo=UTC)
    nonstop = every_day("Australia/Sydney", [["00:00", "24:00"]])
    assert nonstop.elapsed(local(SYDNEY, 2026, 4, 5), local(SYDNEY, 2026, 4, 6)) == timedelta(
        hours=25)
    assert nonstop.elapsed(local(SYDNEY, 2026, 10, 4), local(SYDNEY, 2026, 10, 5)) == timedelta(
        hours=23)


def test_year_end_and_yearly_holidays_in_berlin():
    cal = berlin_office()
    assert cal.add(local(BERLIN, 2026, 12, 23, 16), timedelta(hours=2)) == local(
        BERLIN, 2026, 12, 28, 9)
    assert cal.add(local(BERLIN, 2026, 12, 31, 16), timedelta(hours=2)) == local(
        BERLIN, 2027, 1, 4, 9)
    assert cal.elapsed(local(BERLIN, 2026, 12, 31, 16), local(BERLIN, 2027, 1, 4, 9)) == (
        timedelta(hours=2))


def test_holidays_on_closed_days_change_nothing():
    plain = berlin_office(holidays=[])
    saturday = berlin_office(holidays=["2026-03-07", {"date": "03-08", "yearly": True}])
    start, end = local(BERLIN, 2026, 3, 2), local(BERLIN, 2026, 3, 16)
    assert saturday.elapsed(start, end) == plain.elapsed(start, end) == timedelta(hours=80)
    assert saturday.add(start, timedelta(hours=60)) == plain.add(start, timedelta(hours=60))


def test_a_yearly_leap_day_holiday_closes_only_leap_years():
    cal = berlin_office(holidays=[{"date": "02-29", "yearly": True}])
    assert not cal.is_open(local(BERLIN, 2028, 2, 29, 9))  # a Tuesday
    assert cal.add(local(BERLIN, 2028, 2, 28, 16), timedelta(hours=2)) == local(
        BERLIN, 2028, 3, 1, 9)
    assert cal.add(local(BERLIN, 2027, 2, 26, 16), timedelta(hours=2)) == local(
        BERLIN, 2027, 3, 1, 9)


def test_a_timed_closure_closes_part_of_a_day():
    cal = berlin_office(holidays=[{"start": "2026-03-03T12:00:00+01:00",
                                   "end": "2026-03-04T10:00:00+01:00", "name": "Move"}])
    assert cal.elapsed(local(BERLIN, 2026, 3, 3), local(BERLIN, 2026, 3, 5)) == timedelta(
        hours=4 + 6)
    assert cal.add(local(BERLIN, 2026, 3, 3, 11), timedelta(hours=2)) == local(
        BERLIN, 2026, 3, 4, 11)


def test_a_closure_of_years_is_counted_through_year_by_year():
    """A closure may span years (an office shut for a decade) or, by mistake, millennia: the
    deadlines it delays fall after it, and a calendar closed for good refuses every target
    (each year it covers was once counted date by date: the desk waited for hours)."""
    decade = berlin_office(holidays=[{"start": "2026-12-10T00:00:00+01:00",
                                      "end": "2036-12-10T00:00:00+01:00"}])
    assert decade.add(local(BERLIN, 2026, 12, 9, 16), timedelta(hours=2)) == local(
        BERLIN, 2036, 12, 10, 9)  # the hour left on 9 December 2026, then the next
    assert decade.elapsed(local(BERLIN, 2026, 12, 1), local(BERLIN, 2036, 12, 11)) == \
        timedelta(hours=7 * 8 + 8)  # 1-9 December 2026 (seven weekdays) and 10 December 2036
    for zone in ("UTC", "Pacific/Kiritimati", "Etc/GMT+12"):
        closed = BusinessCalendar.from_dict({
            "timezone": zone, "hours": hours(OFFICE),
            "holidays": [{"start": "2026-01-01T00:00:00Z", "end": "9999-12-30T00:00:00Z"}]})
        with pytest.raises(ValidationFailed, match="after the year 9997"):
            check_reachable(closed, datetime(2026, 12, 7, tzinfo=UTC), timedelta(hours=1),
                            "first_response", "the first response target")


def test_long_durations_skip_years_quickly_and_stay_consistent():
    cal = berlin_office()
    start = local(BERLIN, 2026, 3, 2, 9, 30)
    began = time.thread_time()
    far = cal.add(start, timedelta(hours=40 * 52 * 30))  # about thirty years of office hours
    assert time.thread_time() - began < 2.0
    assert datetime(2054, 1, 1, tzinfo=UTC) < far < datetime(2058, 1, 1, tzinfo=UTC)
    assert cal.elapsed(start, far) == timedelta(hours=40 * 52 * 30)
    halfway = cal.add(start, timedelta(hours=40 * 52 * 15))
    assert cal.add(halfway, timedelta(hours=40 * 52 * 15)) == far


def test_a_calendar_without_hours_refuses_deadlines_instead_of_looping():
    cal = BusinessCalendar.from_dict({"timezone": "UTC", "hours": {}})
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(ValidationFailed, match="no opening hours") as raised:
        cal.add(start, timedelta(hours=1))
    assert raised.value.fields == {"hours": "empty"}
    with pytest.raises(ValidationFailed, match="no opening hours"):
        cal.next_opening(start)
    assert cal.elapsed(start, start + timedelta(days=30)) == timedelta(0)
    assert not cal.is_open(start)


def test_naive_and_backwards_inputs_are_refused_clearly():
    cal = berlin_office()
    with pytest.raises(ValidationFailed, match="naive datetime") as raised:
        cal.add(datetime(2026, 3, 2, 9), timedelta(hours=1))
    assert raised.value.fields == {"start": "naive"}
    with pytest.raises(ValidationFailed, match="naive"):
        cal.elapsed(local(BERLIN, 2026, 3, 2), datetime(2026, 3, 3))
    with pytest.raises(ValidationFailed, match="end comes before the start"):
        cal.elapsed(local(BERLIN, 2026, 3, 3), local(BERLIN, 2026, 3, 2))
    with pytest.raises(ValidationFailed, match="negative"):
        cal.add(local(BERLIN, 2026, 3, 3), timedelta(seconds=-1))


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"timezone": "Europe/Atlantis"}, "timezone", "unknown time zone"),
    ({"timezone": "../etc"}, "timezone", "unknown time zone"),
    ({"colour": "red"}, "colour", "unknown calendar field"),
    ({"hours": {"monday": []}}, "hours.monday", "not a weekday"),
    ({"hours": {"mon": [["12:00", "08:00"]]}}, "hours.mon", "end after it starts"),
    # Night shifts are said as two intervals; the answer shows them.
    ({"hours": {"sun": [["22:00", "06:00"]]}}, "hours.sun",
     r'sun \["22:00", "24:00"\] and mon \["00:00", "06:00"\]'),
    ({"hours": {"fri": [["18:00", "00:00"]]}}, "hours.fri", r'fri \["18:00", "24:00"\]$'),
    ({"hours": {"mon": [["08:00", "12:00"], ["11:00", "13:00"]]}}, "hours.mon", "overlap"),
    ({"hours": {"mon": [["08:00", "25:00"]]}}, "hours.mon", "not a time of day"),
    ({"hours": {"mon": [["24:00", "24:00"]]}}, "hours.mon", "not a time of day"),
    ({"hours": {"mon": [["8", "12"]]}}, "hours.mon", "not a time of day"),
    ({"hours": {"mon": ["08:00"]}}, "hours.mon", "pair"),
    ({"holidays": ["2026-02-30"]}, "holidays", "not a date"),
    ({"holidays": [{"date": "02-30", "yearly": True}]}, "holidays", "not a date"),
    ({"holidays": [{"date": "2026-12-25", "yearly": True}]}, "holidays", "MM-DD"),
    ({"holidays": [{"date": "2026-12-25", "when": "x"}]}, "holidays", "unknown field"),
    ({"holidays": [{"start": "2026-12-24T12:00", "end": "2026-12-24T18:00+01:00"}]},
     "holidays", "offset"),
    ({"holidays": [{"start": "2026-12-24T18:00+01:00", "end": "2026-12-24T12:00+01:00"}]},
     "holidays", "end after it starts"),
    ({"always_open": True}, "always_open", "not both"),
])
def test_malformed_forms_name_the_field(change, field, message):
    form = {"timezone": "Europe/Berlin", "hours": hours(OFFICE)} | change
    with pytest.raises(ValidationFailed, match=message) as raised:
        BusinessCalendar.from_dict(form)
    assert field in raised.value.fields


def test_missing_timezone_and_hours_are_named():
    with pytest.raises(ValidationFailed) as raised:
        BusinessCalendar.from_dict({"hours": {}})
    assert raised.value.fields == {"timezone": "required"}
    with pytest.raises(ValidationFailed) as raised:
        BusinessCalendar.from_dict({"timezone": "UTC"})
    assert raised.value.fields == {"hours": "required"}


def test_the_plain_form_round_trips():
    form = {"timezone": "Europe/Berlin",
            "hours": {"mon": [["08:00", "12:00"], ["13:00", "24:00"]], "tue": [], "wed": [],
                      "thu": [["00:00", "24:00"]], "fri": [], "sat": [], "sun": []},
            "holidays": ["2026-12-24", {"date": "12-25", "yearly": True, "name": "Christmas"},
                         {"date": "2026-05-01", "name": "Labour Day"},
                         {"start": "2026-12-31T12:00:00+01:00",
                          "end": "2026-12-31T18:00:00+01:00", "name": "Half day"}]}
    cal = BusinessCalendar.from_dict(form)
    assert cal.to_dict() == form
    assert BusinessCalendar.from_dict(cal.to_dict()) == cal
    nonstop = {"timezone": "UTC", "always_open": True, "holidays": []}
    assert BusinessCalendar.from_dict(nonstop).to_dict() == nonstop


def test_intervals_given_out_of_order_are_sorted():
    cal = BusinessCalendar.from_dict({"timezone": "UTC", "hours": {
        "mon": [["13:00", "17:00"], ["08:00", "12:00"]]}})
    assert cal.to_dict()["hours"]["mon"] == [["08:00", "12:00"], ["13:00", "17:00"]]


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Australia/Lord_Howe", "America/New_York",
                                  "Pacific/Apia"])
def test_years_skipped_by_arithmetic_agree_with_years_walked_window_by_window(zone):
    form = {"timezone": zone, "hours": hours([["00:30", "02:30"], ["09:00", "17:00"]],
                                             weekend=[["02:00", "03:00"]]),
            "holidays": ["2011-12-29", {"date": "12-25", "yearly": True},
                         {"date": "02-29", "yearly": True},
                         {"start": "2012-03-01T10:00:00+00:00",
                          "end": "2012-03-04T10:00:00+00:00"}]}
    tz = ZoneInfo(zone)
    for year in (2011, 2012):
        before, after = local(tz, year - 1, 12, 31, 12), local(tz, year + 1, 1, 1, 12)
        skipped = BusinessCalendar.from_dict(form).elapsed(before, after)
        walked = BusinessCalendar.from_dict(form)
        days = [local(tz, year, 1, 1) + timedelta(days=n) for n in range(367)]
        stops = [before, *(d for d in days if d.year == year), local(tz, year + 1, 1, 1), after]
        assert skipped == sum((walked.elapsed(a, b) for a, b in pairwise(stops)),
                              timedelta(0))


def test_a_skipped_local_day_has_no_business_time():
    apia = ZoneInfo("Pacific/Apia")  # 30 December 2011 never happened there
    cal = every_day("Pacific/Apia", [["00:00", "24:00"]])
    assert cal.elapsed(local(apia, 2011, 12, 29), local(apia, 2011, 12, 31)) == timedelta(hours=24)
    assert cal.add(local(apia, 2011, 12, 29, 23), timedelta(hours=2)) == local(
        apia, 2011, 12, 31, 1)


def test_a_wait_is_refused_when_it_would_end_after_the_years_calendars_work_in():
    from hubdesk.domain.calendars import check_reachable

    minute_a_week = BusinessCalendar.from_dict({"timezone": "UTC",
                                                "hours": {"mon": [["09:00", "09:01"]]}})
    start = datetime(2026, 12, 1, 10, tzinfo=UTC)
    # A thousand minutes: a thousand Mondays, some twenty years on.
    check_reachable(minute_a_week, start, timedelta(minutes=1000), "targets", "the target")
    with pytest.raises(ValidationFailed) as refused:
        check_reachable(minute_a_week, start, timedelta(days=366), "targets",
                        "the policy's longest target")
    assert refused.value.fields == {"targets": "unreachable on its calendar"}
    assert str(refused.value).startswith("the policy's longest target (527040 business "
                                         "minutes) would end after the year 9997")
    # The same year is a little over four years of an office's weeks.
    check_reachable(berlin_office(), start, timedelta(days=366), "targets", "the target")


def test_a_calendar_whose_every_day_is_a_holiday_says_at_once_that_it_never_opens():
    """Hours, but every date of the year a holiday: no deadline is ever reached, and the
    calendar says so without first counting through every year up to 9997."""
    every_date = [{"date": f"{day:%m-%d}", "yearly": True}
                  for day in (datetime(2000, 1, 1) + timedelta(days=n) for n in range(366))]
    form = {"timezone": "Europe/Berlin", "hours": hours(OFFICE), "holidays": every_date}
    start = datetime(2026, 12, 7, 10, tzinfo=UTC)
    for ask in (lambda cal: cal.add(start, timedelta(hours=1)),
                lambda cal: cal.add(start, timedelta(0)),
                lambda cal: cal.next_opening(start)):
        began = time.thread_time()
        with pytest.raises(ValidationFailed, match="never opens") as raised:
            ask(BusinessCalendar.from_dict(form))
        assert raised.value.fields == {"hours": "never open"}
        assert time.thread_time() - began < 2.0
    # Closed for centuries by a closure, it still opens when the closure ends.
    closed = BusinessCalendar.from_dict(form | {"holidays": [
        {"start": "2026-12-10T00:00:00+01:00", "end": "2700-01-04T09:00:00+01:00"}]})
    assert closed.add(datetime(2026, 12, 10, tzinfo=UTC), timedelta(hours=7)) == local(
        BERLIN, 2700, 1, 4, 17)  # a Thursday: 09:00 to 12:00 and 13:00 to 17:00
