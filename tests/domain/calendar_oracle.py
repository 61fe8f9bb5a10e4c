"""A deliberately slow business-calendar oracle: ask every UTC minute whether the desk is open.

It knows nothing of the product's windows, years or offset tables. A calendar is described
here by its shifts (a weekday, a start and an end in minutes after that day's midnight; an end
past 1440 runs into the next day, as a night shift does), the dates it is closed, and timed
closures. A minute is open when the wall clock of the zone, read by ``zoneinfo`` at the
minute's start, shows a date that is not a holiday and a time inside a shift begun that day or
the day before, and no closure covers it. Every boundary then falls on a whole UTC minute (the
zones used have whole-minute offsets, closures are given in whole minutes), so the open/closed
answer is constant inside a minute and sub-minute instants are measured exactly by taking the
part of their minute that is inside the interval asked about.

``to_form`` writes the same calendar in the product's plain form: a night shift is said as two
intervals, its morning part on the next weekday.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTE = timedelta(minutes=1)
DAY_MINUTES = 24 * 60


class OracleGaveUp(AssertionError):
    """The oracle walked its whole budget of minutes without an answer."""


@dataclass(frozen=True)
class Shift:
    weekday: int  # 0 Monday
    start: int  # minutes after midnight
    end: int  # exclusive; up to 2 * 1440 for a shift into the next day


@dataclass
class OracleCalendar:
    timezone: str
    shifts: list[Shift] = field(default_factory=list)
    always_open: bool = False
    dates: set[date] = field(default_factory=set)  # closed local dates
    yearly: set[tuple[int, int]] = field(default_factory=set)  # (month, day)
    nth_weekdays: set[tuple[int, int, int]] = field(default_factory=set)  # (month, wd, nth)
    closures: list[tuple[datetime, datetime]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.zone = ZoneInfo(self.timezone)
        self._holiday_memo: dict[date, bool] = {}

    # --- the definition ---------------------------------------------------------------

    def is_holiday(self, day: date) -> bool:
        known = self._holiday_memo.get(day)
        if known is None:
            known = self._holiday_memo[day] = self._reads_as_holiday(day)
        return known

    def _reads_as_holiday(self, day: date) -> bool:
        if day in self.dates or (day.month, day.day) in self.yearly:
            return True
        same = [d for d in range(1, 32) if _is_date(day.year, day.month, d)
                and date(day.year, day.month, d).weekday() == day.weekday()]
        place = same.index(day.day)
        return any((day.month, day.weekday(), nth) in self.nth_weekdays
                   for nth in (place + 1, place - len(same)))

    def open_minute(self, minute: datetime) -> bool:
        """Whether the UTC minute starting at ``minute`` is business time."""
        for start, end in self.closures:
            if start <= minute < end:
                return False
        wall = minute.astimezone(self.zone)
        if self.is_holiday(wall.date()):
            return False
        if self.always_open:
            return True
        now = wall.hour * 60 + wall.minute
        weekday = wall.weekday()
        yesterday = (weekday - 1) % 7
        return any((s.weekday == weekday and s.start <= now < s.end)
                   or (s.weekday == yesterday and s.start <= now + DAY_MINUTES < s.end)
                   for s in self.shifts)

    # --- questions, answered by walking --------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        return self.open_minute(_floor(at))

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        total = timedelta(0)
        minute = _floor(start)
        while minute < end:
            if self.open_minute(minute):
                total += min(end, minute + MINUTE) - max(start, minute)
            minute += MINUTE
        return total

    def add(self, start: datetime, duration: timedelta, budget: int = 400_000) -> datetime:
        """The earliest instant by which ``duration`` of business time has passed; for a zero
        duration the first open instant at or after ``start``."""
        moment = start.astimezone(UTC)
        left = duration
        for _ in range(budget):
            minute = _floor(moment)
            following = minute + MINUTE
            if self.open_minute(minute):
                if left <= following - moment:
                    return moment + left
                left -= following - moment
            moment = following
        raise OracleGaveUp(f"no answer within {budget} minutes")

    def next_opening(self, at: datetime, budget: int = 400_000) -> datetime:
        return self.add(at, timedelta(0), budget)

    def closings(self, start: datetime, minutes: int) -> list[datetime]:
        """Instants within ``minutes`` after ``start`` at which an open minute is followed by a
        closed one: where a deadline can fall exactly at closing time."""
        found = []
        minute = _floor(start.astimezone(UTC))
        was_open = self.open_minute(minute)
        for _ in range(minutes):
            minute += MINUTE
            now_open = self.open_minute(minute)
            if was_open and not now_open:
                found.append(minute)
            was_open = now_open
        return found

    def whole_days_in_year(self, year: int) -> timedelta:
        """Business time in the local ``year`` of a calendar whose shifts are whole days: the
        real length of each open date that is no holiday (23 or 25 hours on a day the clocks
        change), from midnight to the next; counted by date, so a year takes no walk. Zones
        used with it change their clocks after midnight, so every midnight occurs."""
        assert all((s.start, s.end) == (0, DAY_MINUTES) for s in self.shifts)
        assert not self.always_open and not self.closures
        open_days = {s.weekday for s in self.shifts}
        total = timedelta(0)
        day = date(year, 1, 1)
        while day.year == year:
            following = day + timedelta(days=1)
            if day.weekday() in open_days and not self.is_holiday(day):
                total += _midnight(following, self.zone) - _midnight(day, self.zone)
            day = following
        return total

    # --- the product's plain form ----------------------------------------------------------

    def to_form(self) -> dict:
        form: dict = {"timezone": self.timezone}
        if self.always_open:
            form["always_open"] = True
        else:
            hours: dict[str, list[list[str]]] = {day: [] for day in DAYS}
            for s in self.shifts:
                hours[DAYS[s.weekday]].append([_clock(s.start), _clock(min(s.end, DAY_MINUTES))])
                if s.end > DAY_MINUTES:
                    hours[DAYS[(s.weekday + 1) % 7]].append(["00:00",
                                                             _clock(s.end - DAY_MINUTES)])
            form["hours"] = hours
        holidays: list = [d.isoformat() for d in sorted(self.dates)]
        holidays += [{"date": f"{m:02d}-{d:02d}", "yearly": True} for m, d in sorted(self.yearly)]
        holidays += [{"month": m, "weekday": DAYS[w], "nth": n}
                     for m, w, n in sorted(self.nth_weekdays)]
        holidays += [{"start": a.isoformat(), "end": b.isoformat()} for a, b in self.closures]
        form["holidays"] = holidays
        return form


def shifts_overlap(shifts: Iterable[Shift]) -> bool:
    """Whether any two shifts cover the same minute of the week (the product refuses that)."""
    covered: set[int] = set()
    for s in shifts:
        for m in range(s.start, s.end):
            slot = (s.weekday * DAY_MINUTES + m) % (7 * DAY_MINUTES)
            if slot in covered:
                return True
            covered.add(slot)
    return False


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def _floor(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return moment.replace(second=0, microsecond=0)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
