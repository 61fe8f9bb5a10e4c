"""The dates an iCalendar rule repeating daily, weekly or monthly puts an event on.

Holiday files repeat yearly, and `domain/holidays.py` reads those rules itself (for ever, if
they never end). Closures tend to come back weekly or monthly instead: the training afternoon
every other Friday, the last working day of each month. `Rule` spells such a rule out as
RFC 5545 (section 3.3.10) defines it, for the parts calendar programs write for it:
``INTERVAL``, ``WKST``, ``BYDAY`` (``MO``, or ``-1FR`` for the last Friday of a month),
``BYMONTHDAY``, ``BYMONTH`` and ``BYSETPOS``. ``COUNT`` and ``UNTIL`` are the caller's, who
knows the event's time of day. Rules asking for anything else (hours, week numbers, days of
the year) are refused by name rather than guessed at.

A rule may name days that never come (the 30th of February, a Monday that every step of its
interval misses): the search stops a hundred years after the event's start, and the rules of
one file look at a million days at most together (`SearchBudget`), so no file can keep it
running for long.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY")
SEARCH_YEARS = 100
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_KNOWN_PARTS = frozenset({"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYDAY", "BYMONTHDAY",
                          "BYMONTH", "BYSETPOS"})


class RuleNotUnderstood(ValueError):
    """The rule asks for something this module does not spell out; the message says what."""


class SearchBudget:
    """How many days the rules of one file may look at together."""

    def __init__(self, days: int = 1_000_000) -> None:
        self.days = days
        self.left = days

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise RuleNotUnderstood(f"the file's rules look at more than {self.days} days "
                                    "to find their occurrences")


@dataclass(frozen=True)
class Rule:
    frequency: str
    interval: int = 1
    week_start: int = 0
    # (weekday 0 Monday to 6 Sunday, its place in the month or None for every such day)
    weekdays: tuple[tuple[int, int | None], ...] = ()
    month_days: tuple[int, ...] = ()
    months: frozenset[int] = frozenset()
    set_positions: tuple[int, ...] = ()

    @classmethod
    def from_parts(cls, parts: Mapping[str, str]) -> Rule:
        """The rule of an RRULE's ``NAME=VALUE`` parts (names in capitals)."""
        frequency = parts.get("FREQ", "")
        if frequency not in FREQUENCIES:
            raise RuleNotUnderstood(f"rules repeating {frequency.lower() or 'without FREQ'} "
                                    "are not understood: a rule repeats yearly, monthly, "
                                    "weekly or daily")
        unknown = sorted(set(parts) - _KNOWN_PARTS)
        if unknown:
            raise RuleNotUnderstood(f"{', '.join(unknown)} in a rule is not understood")
        interval = _whole(parts.get("INTERVAL", "1"), "INTERVAL", 1, None)
        weekdays = tuple(_weekday(item, frequency) for item in _items(parts, "BYDAY"))
        month_days = tuple(_whole(item, "BYMONTHDAY", -31, 31, nonzero=True)
                           for item in _items(parts, "BYMONTHDAY"))
        months = frozenset(_whole(item, "BYMONTH", 1, 12) for item in _items(parts, "BYMONTH"))
        set_positions = tuple(_whole(item, "BYSETPOS", -366, 366, nonzero=True)
                              for item in _items(parts, "BYSETPOS"))
        if set_positions and frequency != "MONTHLY":
            raise RuleNotUnderstood("BYSETPOS is understood in monthly rules only")
        if month_days and frequency == "WEEKLY":
            raise RuleNotUnderstood("BYMONTHDAY cannot be used in a weekly rule")
        week_start = parts.get("WKST", "MO")
        if week_start not in WEEKDAY_CODES:
            raise RuleNotUnderstood(f"WKST names a weekday (MO to SU), not {week_start!r}")
        return cls(frequency, interval, WEEKDAY_CODES.index(week_start), weekdays, month_days,
                   months, set_positions)

    def dates(self, first: date, budget: SearchBudget | None = None) -> Iterator[date]:
        """The event's dates in order: ``first`` (its own date, always the first occurrence
        as RFC 5545 counts them), then those the rule names after it, up to ``SEARCH_YEARS``
        later; each day looked at spent from ``budget``."""
        yield first
        last = _years_later(first, SEARCH_YEARS)
        budget = budget or SearchBudget()
        for ordinal in self._candidates(first, last, budget):
            if ordinal > last.toordinal():
                return
            if ordinal > first.toordinal():
                day = date.fromordinal(ordinal)
                if not self.months or day.month in self.months:
                    yield day

    def _candidates(self, first: date, last: date, budget: SearchBudget) -> Iterator[int]:
        """Candidate days as ordinals (plain numbers: a step of any size cannot overflow),
        in order, some before ``first``."""
        if self.frequency == "DAILY":
            yield from self._daily(first, last, budget)
        elif self.frequency == "WEEKLY":
            yield from self._weekly(first, last, budget)
        else:
            yield from self._monthly(first, last, budget)

    def _daily(self, first: date, last: date, budget: SearchBudget) -> Iterator[int]:
        wanted = {weekday for weekday, _ in self.weekdays}
        for ordinal in range(first.toordinal(), last.toordinal() + 1, self.interval):
            budget.spend()
            day = date.fromordinal(ordinal)
            if (not wanted or day.weekday() in wanted) and self._on_month_day(day):
                yield ordinal

    def _weekly(self, first: date, last: date, budget: SearchBudget) -> Iterator[int]:
        offsets = sorted({(weekday - self.week_start) % 7 for weekday, _ in self.weekdays}
                         or {(first.weekday() - self.week_start) % 7})
        week = first.toordinal() - (first.weekday() - self.week_start) % 7
        for start in range(week, last.toordinal() + 1, 7 * self.interval):
            budget.spend()
            yield from (start + offset for offset in offsets)

    def _monthly(self, first: date, last: date, budget: SearchBudget) -> Iterator[int]:
        for index in range(first.year * 12 + first.month - 1, last.year * 12 + 12,
                           self.interval):
            budget.spend()
            year, month = divmod(index, 12)
            yield from (day.toordinal() for day in self._in_month(year, month + 1, first))

    def _in_month(self, year: int, month: int, first: date) -> list[date]:
        length = monthrange(year, month)[1]
        if self.weekdays:
            days = {day for weekday, nth in self.weekdays
                    for day in _weekdays_in(year, month, length, weekday, nth)}
            if self.month_days:
                days &= set(_month_days(self.month_days, length))
        elif self.month_days:
            days = set(_month_days(self.month_days, length))
        else:
            days = {first.day} if first.day <= length else set()
        ordered = sorted(days)
        if self.set_positions:
            ordered = sorted({ordered[p - 1 if p > 0 else p] for p in self.set_positions
                              if -len(ordered) <= p <= len(ordered)})
        return [date(year, month, day) for day in ordered]

    def _on_month_day(self, day: date) -> bool:
        if not self.month_days:
            return True
        return day.day in _month_days(self.month_days, monthrange(day.year, day.month)[1])


def _items(parts: Mapping[str, str], name: str) -> list[str]:
    return [item.strip() for item in parts.get(name, "").split(",") if item.strip()]


def _whole(text: str, name: str, low: int, high: int | None, *, nonzero: bool = False) -> int:
    try:
        value = int(text)
    except ValueError:
        raise RuleNotUnderstood(f"{name} is a whole number, not {text!r}") from None
    if value < low or (high is not None and value > high) or (nonzero and value == 0):
        span = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise RuleNotUnderstood(f"{name} is {span}{' but not 0' if nonzero else ''}, "
                                f"not {value}")
    return value


def _weekday(item: str, frequency: str) -> tuple[int, int | None]:
    code, place = item[-2:], item[:-2]
    if code not in WEEKDAY_CODES:
        raise RuleNotUnderstood(f"BYDAY names weekdays (MO to SU), not {item!r}")
    nth = _whole(place, "BYDAY's place in the month", -5, 5, nonzero=True) if place else None
    if nth is not None and frequency != "MONTHLY":
        raise RuleNotUnderstood(f"a weekday's place ({item}) is understood in monthly rules "
                                "only")
    return WEEKDAY_CODES.index(code), nth


def _weekdays_in(year: int, month: int, length: int, weekday: int,
                 nth: int | None) -> list[int]:
    first = 1 + (weekday - date(year, month, 1).weekday()) % 7
    every = list(range(first, length + 1, 7))
    if nth is None:
        return every
    return [every[nth - 1 if nth > 0 else nth]] if -len(every) <= nth <= len(every) else []


def _month_days(month_days: tuple[int, ...], length: int) -> list[int]:
    return [day if day > 0 else length + 1 + day for day in month_days if abs(day) <= length]


def _years_later(day: date, years: int) -> date:
    year = day.year + years
    return date.max if year > date.max.year else date(year, day.month, min(day.day, 28))


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    """The ``nth`` ``weekday`` of the month (from its end when ``nth`` is negative), or None
    when the month has no such day (a fifth Friday)."""
    length = monthrange(year, month)[1]
    if nth > 0:
        day = 1 + (weekday - date(year, month, 1).weekday()) % 7 + 7 * (nth - 1)
    else:
        day = length - (date(year, month, length).weekday() - weekday) % 7 + 7 * (nth + 1)
    return date(year, month, day) if 1 <= day <= length else None
