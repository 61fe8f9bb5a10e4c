"""Business-time arithmetic against a minute-by-minute reference, on random calendars.

The reference asks the wall clock of every minute whether the desk is open, so it is slow but
obviously right; inputs are whole minutes (every zone used changes on whole minutes) so it is
exact. Starts cluster around offset changes, year ends and a leap day.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from hubdesk.domain.calendars import WEEKDAYS, BusinessCalendar

MINUTE = timedelta(minutes=1)
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe",
         "Asia/Kolkata", "UTC"]
# Around Berlin's and Sydney's changes, New York's, a year end and a leap day.
ANCHORS = [datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 10, 24, tzinfo=UTC),
           datetime(2026, 4, 3, tzinfo=UTC), datetime(2026, 3, 7, tzinfo=UTC),
           datetime(2026, 12, 29, tzinfo=UTC), datetime(2028, 2, 27, tzinfo=UTC)]
PROPERTY = settings(max_examples=25, deadline=None)
REFERENCE = settings(max_examples=40, deadline=None)


@st.composite
def day_hours(draw):
    """Zero to three ordered, non-overlapping intervals on a quarter-hour grid."""
    cuts = sorted(draw(st.sets(st.integers(0, 96), max_size=6)))
    if len(cuts) % 2:
        cuts = cuts[:-1]
    return [[_clock(cuts[i] * 15), _clock(cuts[i + 1] * 15)] for i in range(0, len(cuts), 2)]


def _is_date(year, month, day):
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _clock(minutes):
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def calendars(draw):
    zone = draw(st.sampled_from(ZONES))
    hours = {day: draw(day_hours()) for day in WEEKDAYS}
    if not any(hours.values()):
        hours["wed"] = [["09:00", "17:00"]]
    holidays = [d.isoformat() for d in draw(st.lists(
        st.dates(date(2026, 3, 1), date(2026, 4, 20)), max_size=4))]
    yearly = draw(st.lists(st.sampled_from(["12-31", "01-01", "02-29", "03-29", "10-25"]),
                           max_size=2, unique=True))
    # Weekdays of a month that fall on the anchors' clock changes and year end.
    by_weekday = draw(st.lists(st.sampled_from([
        {"month": 3, "weekday": "sun", "nth": -1}, {"month": 4, "weekday": "sun", "nth": 1},
        {"month": 10, "weekday": "sat", "nth": 4}, {"month": 3, "weekday": "sat", "nth": 1},
        {"month": 12, "weekday": "wed", "nth": -1}, {"month": 2, "weekday": "mon", "nth": 5},
        {"month": 3, "weekday": "mon", "nth": -5}]), max_size=2, unique_by=str))
    form = {"timezone": zone, "hours": hours,
            "holidays": holidays + [{"date": d, "yearly": True} for d in yearly] + by_weekday}
    return BusinessCalendar.from_dict(form)


starts = st.builds(lambda anchor, minutes: anchor + minutes * MINUTE,
                   st.sampled_from(ANCHORS), st.integers(0, 5 * 24 * 60))


class Reference:
    """Minute stepping over the plain form: open iff the local wall clock says so."""

    def __init__(self, calendar):
        form = calendar.to_dict()
        self.zone = ZoneInfo(form["timezone"])
        self.hours = {day: [(_minutes(a), _minutes(b)) for a, b in form["hours"][day]]
                      for day in WEEKDAYS}
        self.dates = {h for h in form["holidays"] if isinstance(h, str)}
        self.yearly = {h["date"] for h in form["holidays"] if isinstance(h, dict) and "date" in h}
        self.by_weekday = {(h["month"], WEEKDAYS.index(h["weekday"]), h["nth"])
                           for h in form["holidays"] if isinstance(h, dict) and "weekday" in h}

    def _by_weekday(self, day):
        """Whether ``day`` is the nth of its weekday in its month, counting the days."""
        same = [d for d in range(1, 32) if _is_date(day.year, day.month, d)
                and date(day.year, day.month, d).weekday() == day.weekday()]
        place = same.index(day.day)
        return any((day.month, day.weekday(), nth) in self.by_weekday
                   for nth in (place + 1, place - len(same)))

    def open_at(self, moment):
        wall = moment.astimezone(self.zone)
        if wall.date().isoformat() in self.dates or wall.strftime("%m-%d") in self.yearly \
                or self._by_weekday(wall.date()):
            return False
        now = wall.hour * 60 + wall.minute
        return any(a <= now < b for a, b in self.hours[WEEKDAYS[wall.weekday()]])

    def elapsed(self, start, end):
        return MINUTE * sum(self.open_at(start + i * MINUTE)
                            for i in range((end - start) // MINUTE))

    def add(self, start, minutes, limit=60 * 24 * 400):
        moment = start
        for _ in range(limit):
            if self.open_at(moment):
                if minutes == 0:
                    return moment
                minutes -= 1
                if minutes == 0:
                    return moment + MINUTE
            moment += MINUTE
        raise AssertionError("the reference gave up")


def _minutes(clock):
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


@REFERENCE
@given(calendars(), starts, st.integers(0, 3 * 60))
def test_add_agrees_with_the_reference(calendar, start, minutes):
    expected = Reference(calendar).add(start, minutes)
    assert calendar.add(start, minutes * MINUTE) == expected


@REFERENCE
@given(calendars(), starts, st.integers(0, 4 * 24 * 60))
def test_elapsed_and_is_open_agree_with_the_reference(calendar, start, minutes):
    reference = Reference(calendar)
    end = start + minutes * MINUTE
    assert calendar.elapsed(start, end) == reference.elapsed(start, end)
    assert calendar.is_open(end) == reference.open_at(end)


@PROPERTY
@given(calendars(), starts, st.integers(0, 10**12))
def test_elapsed_undoes_add(calendar, start, microseconds):
    duration = timedelta(microseconds=microseconds)
    assert calendar.elapsed(start, calendar.add(start, duration)) == duration


@PROPERTY
@given(calendars(), starts, st.integers(0, 10**12))
def test_add_of_elapsed_is_the_earliest_instant_with_that_much_business_time(
        calendar, start, microseconds):
    end = start + timedelta(microseconds=microseconds)
    passed = calendar.elapsed(start, end)
    if not passed:  # a zero duration means the next opening, which may come after the end
        assert calendar.add(start, passed) == calendar.next_opening(start)
        return
    earliest = calendar.add(start, passed)
    assert earliest <= end and calendar.elapsed(start, earliest) == passed
    if calendar.is_open(end - timedelta(microseconds=1)):
        assert earliest == end  # business time was still running up to the end


@PROPERTY
@given(calendars(), starts, st.lists(st.integers(0, 10**12), min_size=2, max_size=2))
def test_elapsed_is_additive(calendar, start, steps):
    middle = start + timedelta(microseconds=steps[0])
    end = middle + timedelta(microseconds=steps[1])
    assert calendar.elapsed(start, end) == (calendar.elapsed(start, middle)
                                            + calendar.elapsed(middle, end))


@PROPERTY
@given(calendars(), starts, st.integers(1, 10**11), st.integers(1, 10**11))
def test_adding_in_two_steps_equals_adding_once(calendar, start, first, second):
    one, two = timedelta(microseconds=first), timedelta(microseconds=second)
    assert calendar.add(calendar.add(start, one), two) == calendar.add(start, one + two)


@PROPERTY
@given(calendars(), starts, st.integers(0, 10**11), st.integers(0, 10**11),
       st.integers(0, 10**11))
def test_add_is_monotonic_in_start_and_duration(calendar, start, later, shorter, longer):
    shorter, longer = sorted((shorter, longer))
    small, large = timedelta(microseconds=shorter), timedelta(microseconds=longer)
    assert calendar.add(start, small) <= calendar.add(start, large)
    assert calendar.add(start, small) <= calendar.add(start + timedelta(microseconds=later),
                                                      small)
