"""Business-time arithmetic against the minute-walking oracle (`calendar_oracle.py`).

Random calendars with split and night shifts, shifts ending at 24:00, single, multi-day, yearly
and nth-weekday holidays and timed closures, in zones with whole-hour, half-hour, 45-minute
and no daylight saving, changes at midnight and negative saving; starts near each zone's
offset changes, year ends and leap days, given in UTC, in the zone (either side of a fold)
or at a fixed offset, with seconds and microseconds.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hubdesk.domain.calendars import BusinessCalendar
from tests.domain.calendar_oracle import DAY_MINUTES, MINUTE, OracleCalendar, Shift, shifts_overlap

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata",
         "Pacific/Chatham", "Asia/Tokyo", "UTC", "America/Santiago", "America/Havana",
         "Europe/Dublin", "America/St_Johns", "Asia/Kathmandu", "Antarctica/Troll",
         "Africa/Casablanca", "Pacific/Apia", "Australia/Adelaide"]
ORACLE = settings(max_examples=30, deadline=None)
LONG = settings(max_examples=6, deadline=None)


@cache
def anchors(zone_name: str) -> tuple[datetime, ...]:
    """UTC instants just before each offset change of 2026 and 2027, local year ends and the
    leap days of 2028 and (not one) 2100."""
    zone = ZoneInfo(zone_name)
    found = []
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    offset = moment.astimezone(zone).utcoffset()
    while moment < datetime(2028, 1, 1, tzinfo=UTC):
        later = moment + timedelta(hours=1)
        if (changed := later.astimezone(zone).utcoffset()) != offset:
            found.append(moment)
            offset = changed
        moment = later
    for year, month, day in ((2027, 1, 1), (2028, 1, 1), (2028, 2, 29), (2100, 2, 28),
                             (2100, 3, 1)):
        found.append(datetime(year, month, day, tzinfo=zone).astimezone(UTC))
    return tuple(found)


@st.composite
def shifts(draw):
    """Up to seven shifts: on a quarter-hour or any minute, some ending at 24:00, some running
    past midnight; those overlapping one already kept are left out."""
    kept: list[Shift] = []
    for _ in range(draw(st.integers(0, 7))):
        weekday = draw(st.integers(0, 6))
        grid = draw(st.sampled_from([15, 15, 1, 60]))
        start = draw(st.integers(0, DAY_MINUTES // grid - 1)) * grid
        kind = draw(st.sampled_from(["day", "day", "to midnight", "overnight", "whole"]))
        if kind == "to midnight":
            end = DAY_MINUTES
        elif kind == "whole":
            start, end = 0, DAY_MINUTES
        elif kind == "overnight":
            start = max(start, 12 * 60)
            end = DAY_MINUTES + draw(st.integers(1, 12 * 60 // grid)) * grid
        else:
            end = min(DAY_MINUTES, start + draw(st.integers(1, 10 * 60 // grid)) * grid)
        shift = Shift(weekday, start, end)
        if not shifts_overlap([*kept, shift]):
            kept.append(shift)
    return kept


@st.composite
def oracle_calendars(draw, zone=None):
    zone = zone or draw(st.sampled_from(ZONES))
    near = draw(st.sampled_from(anchors(zone)))
    local_day = near.astimezone(ZoneInfo(zone)).date()
    always_open = draw(st.booleans().map(lambda b: b and draw(st.integers(0, 5)) == 0))
    cal = OracleCalendar(zone, [] if always_open else draw(shifts()), always_open)
    if not always_open and not cal.shifts:
        cal.shifts.append(Shift(2, 9 * 60, 17 * 60))
    for _ in range(draw(st.integers(0, 3))):  # one to four days running
        first = local_day + timedelta(days=draw(st.integers(-4, 6)))
        cal.dates.update(first + timedelta(days=k) for k in range(draw(st.integers(1, 4))))
    cal.yearly.update(draw(st.lists(st.sampled_from(
        [(1, 1), (12, 31), (2, 29), (3, 29), (10, 25), (local_day.month, local_day.day)]),
        max_size=2)))
    cal.nth_weekdays.update(draw(st.lists(st.tuples(
        st.just(local_day.month), st.integers(0, 6), st.sampled_from([1, 2, -1, 5, -5])),
        max_size=2)))
    for _ in range(draw(st.integers(0, 2))):
        begins = near + MINUTE * draw(st.integers(-3 * DAY_MINUTES, 5 * DAY_MINUTES))
        length = MINUTE * draw(st.integers(1, 3 * DAY_MINUTES))
        written = draw(st.sampled_from([UTC, ZoneInfo(zone)]))
        cal.closures.append((begins.astimezone(written), (begins + length).astimezone(written)))
    return cal, near


@st.composite
def instants(draw, near: datetime, zone: str):
    """An instant within days of ``near``, with or without seconds and microseconds, in one of
    the ways a caller may hand it over. (Instants after it are reckoned in UTC: adding to a
    zoned datetime moves its wall clock, and drops the fold of a repeated hour.)"""
    moment = near + MINUTE * draw(st.integers(-3 * DAY_MINUTES, 5 * DAY_MINUTES))
    moment += draw(st.sampled_from([timedelta(0), timedelta(0), timedelta(seconds=59),
                                    timedelta(microseconds=1)])
                   | st.integers(0, 60_000_000 - 1).map(lambda us: timedelta(microseconds=us)))
    how = draw(st.sampled_from(["utc", "zone", "fixed", "zone utc"]))
    if how == "utc":
        return moment
    if how == "fixed":
        return moment.astimezone(timezone(timedelta(hours=draw(st.integers(-12, 14)))))
    if how == "zone utc":
        return moment.astimezone(ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(zone))  # with fold=1 in the repeated hour's second pass


def product_of(cal: OracleCalendar) -> BusinessCalendar:
    return BusinessCalendar.from_dict(cal.to_form())


def walkable(cal: OracleCalendar, duration: timedelta) -> timedelta:
    """``duration``, cut to what the oracle walks in a few months: six weeks' opening hours."""
    weekly = 7 * DAY_MINUTES if cal.always_open else sum(s.end - s.start for s in cal.shifts)
    return min(duration, 6 * weekly * MINUTE)


@ORACLE
@given(st.data())
def test_is_open_and_next_opening_agree_with_the_oracle(data):
    cal, near = data.draw(oracle_calendars())
    at = data.draw(instants(near, cal.timezone))
    product = product_of(cal)
    assert product.is_open(at) == cal.is_open(at)
    assert product.next_opening(at) == cal.next_opening(at)


@ORACLE
@given(st.data())
def test_elapsed_agrees_with_the_oracle(data):
    cal, near = data.draw(oracle_calendars())
    start = data.draw(instants(near, cal.timezone))
    end = start.astimezone(UTC) + data.draw(st.integers(0, 6 * DAY_MINUTES * 60_000_000).map(
        lambda us: timedelta(microseconds=us)))
    assert product_of(cal).elapsed(start, end) == cal.elapsed(start, end)


@ORACLE
@given(st.data())
def test_add_agrees_with_the_oracle(data):
    cal, near = data.draw(oracle_calendars())
    start = data.draw(instants(near, cal.timezone))
    duration = data.draw(st.sampled_from([timedelta(0), MINUTE, timedelta(microseconds=1)])
                         | st.integers(0, 3 * DAY_MINUTES).map(lambda m: m * MINUTE)
                         | st.integers(0, 10**11).map(lambda us: timedelta(microseconds=us)))
    duration = walkable(cal, duration)
    expected = cal.add(start, duration)
    product = product_of(cal)
    assert product.add(start, duration) == expected
    assert product.elapsed(start, expected) == duration


@ORACLE
@given(st.data())
def test_a_target_that_runs_out_at_closing_time_is_due_at_the_closing(data):
    """An SLA user reads "due at 17:00" when the last business minute ends at 17:00: the
    deadline is the closing instant, not the next opening."""
    cal, near = data.draw(oracle_calendars())
    assume(not cal.always_open)
    start = data.draw(instants(near, cal.timezone))
    closings = [c for c in cal.closings(start, 3 * DAY_MINUTES) if c > start]
    assume(closings)
    closing = data.draw(st.sampled_from(closings))
    duration = cal.elapsed(start, closing)
    assume(duration > timedelta(0))
    assert cal.add(start, duration) == closing
    assert product_of(cal).add(start, duration) == closing


@LONG
@given(st.data())
def test_targets_of_weeks_agree_with_the_oracle(data):
    cal, near = data.draw(oracle_calendars())
    start = data.draw(instants(near, cal.timezone))
    end = start.astimezone(UTC) + timedelta(days=data.draw(st.integers(7, 6 * 7)))
    duration = cal.elapsed(start, end) + timedelta(
        microseconds=data.draw(st.integers(0, 60_000_000)))
    expected = cal.add(start, duration)
    product = product_of(cal)
    assert product.add(start, duration) == expected
    assert product.elapsed(start, expected) == duration
    # the same calendar, asked again, answers from its joined years
    assert product.add(start, duration) == expected
    assert product.elapsed(start, end) == cal.elapsed(start, end)


@LONG
@given(st.data())
def test_an_always_open_calendar_counts_real_time_less_its_holidays(data):
    zone = data.draw(st.sampled_from(ZONES))
    cal, near = data.draw(oracle_calendars(zone))
    cal.always_open, cal.shifts = True, []
    start = data.draw(instants(near, zone))
    end = start.astimezone(UTC) + timedelta(minutes=data.draw(st.integers(0, 4 * DAY_MINUTES)))
    product = product_of(cal)
    assert product.elapsed(start, end) == cal.elapsed(start, end)
    assert product.add(start, end - start) == cal.add(start, end - start)


def test_the_oracle_reads_a_plain_office_week_as_expected():
    """The oracle itself, on a case worked by hand: a Berlin office hour by hour."""
    cal = OracleCalendar("Europe/Berlin", [Shift(d, 9 * 60, 17 * 60) for d in range(5)],
                         dates={date(2026, 3, 31)})
    friday = datetime(2026, 3, 27, 16, tzinfo=ZoneInfo("Europe/Berlin"))
    # Friday one hour, Monday eight, Tuesday a holiday, Wednesday eight (summer time).
    assert cal.add(friday, timedelta(hours=17)) == datetime(2026, 4, 1, 15, tzinfo=UTC)
    assert cal.elapsed(friday, datetime(2026, 4, 1, 15, tzinfo=UTC)) == timedelta(hours=17)
    assert cal.add(friday, timedelta(hours=9)) == datetime(2026, 3, 30, 15, tzinfo=UTC)


def test_an_offset_that_changes_and_changes_back_within_a_week_is_seen():
    """Freetown kept a summer offset from 1 to 5 September 1939 only; an office there opened
    by that offset those four days (20 minutes earlier in UTC)."""
    cal = OracleCalendar("Africa/Freetown", [Shift(d, 9 * 60, 17 * 60) for d in range(7)])
    product = product_of(cal)
    start = datetime(1939, 8, 30, tzinfo=UTC)
    end = start + timedelta(days=9)
    assert product.elapsed(start, end) == cal.elapsed(start, end)
    for hours in range(0, 9 * 24, 7):
        moment = start + timedelta(hours=hours, minutes=hours % 60)
        assert product.is_open(moment) == cal.is_open(moment), moment
        assert product.add(start, timedelta(minutes=37 * hours)) == cal.add(
            start, timedelta(minutes=37 * hours))
