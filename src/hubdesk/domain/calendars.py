"""Business calendars: when a desk is open, and exact business-time arithmetic over them.

An instant is business time when the wall clock of the calendar's zone shows a date that is not
a holiday and a time inside one of that weekday's opening intervals, and no timed closure covers
it. Business time is real elapsed time, so opening hours keep their wall-clock meaning across
daylight-saving changes: an interval that spans the skipped hour is an hour shorter that day, one
that spans the repeated hour an hour longer, and wall times that never occur are never open.

Instants are counted in whole microseconds since the Unix epoch. Each local year is turned once
into a sorted list of open windows with running totals, so ``add`` and ``elapsed`` are two binary
searches; whole years in between are skipped by arithmetic (weekday counts times weekly hours,
corrected only on holidays and on days that a zone change or a timed closure touches).
The years in use (a few around now) are also joined into one table, the *span*, so that the
common case (an SLA deadline days or weeks ahead) is two binary searches over one list with
no zone conversion at all; the span's edges keep two days clear of the UTC year ends, so a
moment inside it needs no question about which local year it falls in.
Results are timezone-aware UTC.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from calendar import isleap, monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.holidays import (
    WEEKDAYS,
    Closure,
    Holiday,
    check_closings,
    check_closure,
    holidays_from_form,
    parse_ical,
)

DAY_US = 86_400_000_000
MINUTE_US = 60_000_000
WEEK_US = 7 * DAY_US
SECOND_US = 1_000_000
# How often a zone's offset is read: more often than any zone has changed and changed back
# (the shortest such stretch, Freetown's summer offset of 1939, lasted four days).
_OFFSET_SAMPLE_US = WEEK_US // 2
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_ONE_US = timedelta(microseconds=1)
# Years the arithmetic works in: the margins keep every intermediate value a valid datetime.
FIRST_YEAR, LAST_YEAR = 2, 9997
_AFTER_LAST_YEAR_US = (date(LAST_YEAR + 1, 1, 1).toordinal() - _EPOCH_ORDINAL) * DAY_US


class BeyondCalendar(ValidationFailed):
    """A deadline the calendar cannot reach within the years it works in: the wait ends after
    the year 9997, or the calendar has no opening hours or never opens again."""


_CLOCK = re.compile(r"(\d{2}):(\d{2})")
_FORM_KEYS = frozenset({"timezone", "hours", "holidays", "always_open"})

Interval = tuple[int, int]  # microseconds after local midnight, end exclusive
# No zone is ever two days away from UTC, so a moment two days inside a UTC year is in the
# same local year everywhere.
_YEAR_MARGIN_US = 2 * DAY_US
# How many consecutive local years the joined table holds before it starts again.
MAX_SPAN_YEARS = 8
# Weekdays and dates repeat every 400 years, and so do a zone's rules once its listed changes
# are over (none lists any past this year): a calendar without business time for a whole
# such cycle after that, and after its dated holidays and closures, never opens again.
_GREGORIAN_CYCLE = 400
_ZONE_RULES_ONLY_FROM = 2101


@dataclass(frozen=True)
class _Span:
    """Consecutive local years joined into one timeline; ``low``/``high`` bound the moments
    it may be asked about (see the module doc)."""

    first_year: int
    last_year: int
    low: int
    high: int
    starts: list[int]
    ends: list[int]
    done: list[int]


_NO_SPAN = _Span(0, -1, 0, 0, [], [], [0])


@dataclass(frozen=True)
class _Year:
    """The open windows of one local year, in order, with business time up to each end."""

    starts: list[int]
    ends: list[int]
    done: list[int]

    @property
    def total(self) -> int:
        return self.done[-1] if self.done else 0

    def position(self, moment: int) -> int:
        """Business time from the start of the year up to ``moment``."""
        i = bisect_right(self.ends, moment)
        before = self.done[i - 1] if i else 0
        if i < len(self.starts) and self.starts[i] < moment:
            before += moment - self.starts[i]
        return before

    def instant_at(self, position: int) -> int:
        """The earliest instant at which ``position`` (> 0) of business time has passed."""
        i = bisect_left(self.done, position)
        return self.ends[i] - (self.done[i] - position)


class BusinessCalendar:
    """Weekly opening hours in a time zone, with holidays and closures; see the module doc."""

    def __init__(self, timezone: str, hours: Mapping[str, Iterable[Interval]] | None = None, *,
                 always_open: bool = False, holidays: Iterable[Holiday] = (),
                 closures: Iterable[Closure] = ()) -> None:
        self.timezone = timezone
        self.zone = _zone(timezone)
        self.always_open = always_open
        given = {day: list(hours.get(day, ())) for day in WEEKDAYS} if hours else {}
        if always_open and any(given.values()):
            raise ValidationFailed("give either opening hours or always_open, not both",
                                   {"always_open": "conflicts with hours"})
        whole_day = [(0, DAY_US)] if always_open else []
        self.hours = {day: _checked_intervals(day, given.get(day, whole_day))
                      for day in WEEKDAYS}
        self.holidays = tuple(holidays)
        self.closures = tuple(closures)
        for closure in self.closures:
            check_closure(closure)
        self._nominal = [sum(end - start for start, end in self.hours[d]) for d in WEEKDAYS]
        self._fixed = {date(h.year, h.month, h.day) for h in self.holidays if h.year is not None}
        self._fixed_by_year: dict[int, set[date]] = {}
        for day in self._fixed:
            self._fixed_by_year.setdefault(day.year, set()).add(day)
        self._yearly = {(h.month, h.day) for h in self.holidays
                        if h.year is None and h.weekday is None}
        self._by_weekday = tuple(h for h in self.holidays if h.weekday is not None)
        # (month, weekday, nth) of each such holiday, so a date is looked up by its place in
        # its month rather than against each of up to a thousand rules.
        self._weekday_places = {(h.month, h.weekday, h.nth) for h in self._by_weekday}
        self._closed = sorted((_to_us(c.start), _to_us(c.end)) for c in self.closures)
        self._closed_starts = [start for start, _ in self._closed]
        self._closed_ends_reach = list(accumulate((end for _, end in self._closed), max))
        # Each closure's first and last local date, read once: years are counted through by
        # the thousand, and a calendar may hold a thousand closures.
        self._closed_days = sorted((self._local_ordinal(start), self._local_ordinal(end - 1))
                                   for start, end in self._closed)
        # By first date, with the latest last date among those so far: the closures that
        # reach a year are found by bisection, not by asking each of them for each year.
        self._closed_opens = [opens for opens, _ in self._closed_days]
        self._closed_reach = list(accumulate((closes for _, closes in self._closed_days), max))
        self._repeats_from = max([_ZONE_RULES_ONLY_FROM]
                                 + [day.year + 1 for day in self._fixed]
                                 + [date.fromordinal(last).year + 1
                                    for _, last in self._closed_days])
        self._simple = always_open and not self.holidays and not self.closures
        self._years: dict[int, _Year] = {}
        self._totals: dict[int, int] = {}
        self._recurring_by_kind: dict[tuple[int, bool], tuple[frozenset[int], int]] = {}
        self._spans: dict[int, list[tuple[int, int, int]]] = {}
        self._year_of_kind: dict[tuple[int, bool, bool], int] = {}
        self._span = _NO_SPAN

    # --- the plain form used by the API and configuration files -------------------------

    @classmethod
    def from_dict(cls, form: Mapping[str, Any]) -> BusinessCalendar:
        if not isinstance(form, Mapping):
            raise ValidationFailed("a calendar is an object", {"calendar": "not an object"})
        unknown = sorted(str(key) for key in form if key not in _FORM_KEYS)
        if unknown:
            raise ValidationFailed(f"unknown calendar field {unknown[0]!r}; known: "
                                   + ", ".join(sorted(_FORM_KEYS)), {unknown[0]: "unknown"})
        if "timezone" not in form:
            raise ValidationFailed("say which time zone the calendar's hours are in",
                                   {"timezone": "required"})
        always_open = form.get("always_open", False)
        if not isinstance(always_open, bool):
            raise ValidationFailed("always_open is true or false", {"always_open": "not a bool"})
        hours = form.get("hours")
        if hours is None and not always_open:
            raise ValidationFailed("give opening hours, or always_open for a 24/7 calendar",
                                   {"hours": "required"})
        holidays, closures = holidays_from_form(form.get("holidays", []))
        return cls(form["timezone"], _hours_from_form(hours) if hours is not None else None,
                   always_open=always_open, holidays=holidays, closures=closures)

    def to_dict(self) -> dict[str, Any]:
        form: dict[str, Any] = {"timezone": self.timezone}
        if self.always_open:
            form["always_open"] = True
        else:
            form["hours"] = {day: [[_clock(start), _clock(end)] for start, end in self.hours[day]]
                             for day in WEEKDAYS}
        form["holidays"] = [h.to_form() for h in self.holidays] + [
            c.to_form() for c in self.closures]
        return form

    def with_holidays_from_ical(self, text: str) -> BusinessCalendar:
        """This calendar plus the holidays of an iCalendar file's text (floating times local)."""
        holidays, closures = parse_ical(text, self.timezone)
        check_closings(len(self.holidays) + len(self.closures) + len(holidays) + len(closures),
                       "the calendar's own with the file's", "ics")
        hours = None if self.always_open else self.hours
        return BusinessCalendar(self.timezone, hours, always_open=self.always_open,
                                holidays=(*self.holidays, *holidays),
                                closures=(*self.closures, *closures))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BusinessCalendar) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(repr(self.to_dict()))

    def __repr__(self) -> str:
        return f"BusinessCalendar.from_dict({self.to_dict()!r})"

    # --- arithmetic ----------------------------------------------------------------------

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant at which ``duration`` of business time has passed since
        ``start``; with a zero duration, ``start`` when open, else the next opening. A duration
        that runs out as the desk closes ends at the closing instant, not the next opening."""
        if type(start) is datetime and start.tzinfo is UTC and type(duration) is timedelta:
            # The hot path (UTC in, a deadline inside the joined years); anything else takes
            # the general path below, which also widens the joined years for next time.
            since = start - _EPOCH
            moment = (since.days * 86_400 + since.seconds) * 1_000_000 + since.microseconds
            wanted = (duration.days * 86_400 + duration.seconds) * 1_000_000 \
                + duration.microseconds
            span = self._span
            if wanted > 0 and span.low <= moment < span.high:
                ends, done, starts = span.ends, span.done, span.starts
                i = bisect_right(ends, moment)
                target = wanted + (done[i - 1] if i else 0)
                if i < len(starts) and starts[i] < moment:
                    target += moment - starts[i]
                if target <= done[-1]:
                    j = bisect_left(done, target)
                    reached = ends[j] - (done[j] - target)
                    return _EPOCH + timedelta(0, reached // 1_000_000, reached % 1_000_000)
        return self._add(start, duration)

    def reach(self, start: datetime, duration: timedelta) -> datetime | None:
        """What `add` answers, or None when the calendar never gets there (`BeyondCalendar`):
        for deadlines a setting saved before its calendar was checked may no longer reach."""
        try:
            return self.add(start, duration)
        except BeyondCalendar:
            return None

    def _add(self, start: datetime, duration: timedelta) -> datetime:
        moment, wanted = _to_us(start, "start"), _duration(duration)
        if self._simple:
            if moment + wanted >= _AFTER_LAST_YEAR_US:
                raise BeyondCalendar(f"the deadline falls after the year {LAST_YEAR}",
                                     {"duration": "too long"})
            return _from_us(moment + wanted)
        if wanted == 0:
            return self.next_opening(start)
        self._require_hours()
        year = self._year_of(moment)
        self._join(year)
        plan = self._year(year)
        wanted += plan.position(moment)
        closed_since = None
        while wanted > (total := self._total(year)):
            wanted -= total
            closed_since = None if total else closed_since or year
            self._check_opens_again(closed_since, year)
            year += 1
            if year > LAST_YEAR:
                raise BeyondCalendar("the deadline falls after the year 9997",
                                     {"duration": "too long"})
        return _from_us(self._year(year).instant_at(wanted))

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Business time between two instants; ``end`` may not come before ``start``."""
        first, last = _to_us(start, "start"), _to_us(end, "end")
        if last < first:
            raise ValidationFailed("the end comes before the start", {"end": "before start"})
        if self._simple:
            return timedelta(microseconds=last - first)
        span = self._span
        if span.low <= first and last < span.high:
            return timedelta(microseconds=_position(span, last) - _position(span, first))
        first_year, last_year = self._year_of(first), self._year_of(last)
        self._join(first_year)
        passed = self._year(last_year).position(last) - self._year(first_year).position(first)
        passed += sum(self._total(year) for year in range(first_year, last_year))
        return timedelta(microseconds=passed)

    def is_open(self, at: datetime) -> bool:
        moment = _to_us(at, "at")
        if self._simple:
            return True
        plan = self._year(self._year_of(moment))
        i = bisect_right(plan.ends, moment)
        return i < len(plan.starts) and plan.starts[i] <= moment

    def next_opening(self, at: datetime) -> datetime:
        """``at`` itself when the desk is open then, else the instant it next opens."""
        moment = _to_us(at, "at")
        if self._simple:
            return _from_us(moment)
        self._require_hours()
        year = self._year_of(moment)
        plan = self._year(year)
        i = bisect_right(plan.ends, moment)
        if i < len(plan.starts):
            return _from_us(max(moment, plan.starts[i]))
        closed_since = year + 1  # the years after this one, which may have opened before ``at``
        for later in range(year + 1, LAST_YEAR + 1):
            if self._total(later):
                return _from_us(self._year(later).starts[0])
            self._check_opens_again(closed_since, later)
        raise BeyondCalendar("the calendar never opens again", {"hours": "never open"})

    def _check_opens_again(self, closed_since: int | None, year: int) -> None:
        """Refuse when the local years from ``closed_since`` to ``year``, all without business
        time, hold a whole cycle after which every year repeats one of them."""
        if closed_since is not None and \
                year - max(closed_since, self._repeats_from) + 1 >= _GREGORIAN_CYCLE:
            raise BeyondCalendar("the calendar never opens again: every day it has hours "
                                 "falls on a holiday", {"hours": "never open"})

    # --- the timeline -------------------------------------------------------------------

    def _join(self, year: int) -> None:
        """Make sure ``year`` and the next are in the joined table, starting it again around
        ``year`` when the table would grow too long or the years do not line up."""
        span = self._span
        if span.first_year <= year and year + 1 <= span.last_year:
            return
        first = min(span.first_year, year) if span.last_year >= span.first_year else year
        last = max(span.last_year, year + 1)
        if last - first + 1 > MAX_SPAN_YEARS or year + 1 < span.first_year - 1 \
                or year > span.last_year + 1:
            first, last = year, year + 1
        if not FIRST_YEAR <= first <= last <= LAST_YEAR:
            return
        starts: list[int] = []
        ends: list[int] = []
        done: list[int] = []
        total = 0
        for each in range(first, last + 1):
            plan = self._year(each)
            if plan.starts and ends and plan.starts[0] < ends[-1]:
                return  # a zone moved its clocks back across a year end: keep years apart
            starts += plan.starts
            ends += plan.ends
            done += [total + d for d in plan.done]
            total += plan.total
        if not done:
            return
        low = _to_us(datetime(first, 1, 1, tzinfo=UTC)) + _YEAR_MARGIN_US
        high = _to_us(datetime(last + 1, 1, 1, tzinfo=UTC)) - _YEAR_MARGIN_US
        self._span = _Span(first, last, low, high, starts, ends, done)

    def _require_hours(self) -> None:
        if not any(self._nominal):
            raise BeyondCalendar("the calendar has no opening hours, so no deadline can be "
                                 "reached: give it hours or make it always_open",
                                 {"hours": "empty"})

    def _year_of(self, moment: int) -> int:
        year = _from_us(moment).astimezone(self.zone).year
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValidationFailed(f"calendars work between the years {FIRST_YEAR} and "
                                   f"{LAST_YEAR}", {"at": "out of range"})
        return year

    def _is_holiday(self, day: date) -> bool:
        if day in self._fixed or (day.month, day.day) in self._yearly:
            return True
        if not self._weekday_places:
            return False
        weekday, length = day.weekday(), monthrange(day.year, day.month)[1]
        return (day.month, weekday, (day.day - 1) // 7 + 1) in self._weekday_places or (
            day.month, weekday, -((length - day.day) // 7 + 1)) in self._weekday_places

    def _year(self, year: int) -> _Year:
        plan = self._years.get(year)
        if plan is None:
            starts: list[int] = []
            ends: list[int] = []
            done: list[int] = []
            touched = self._touched(year)
            total = 0
            first = date(year, 1, 1).toordinal()
            for ordinal in range(first, date(year + 1, 1, 1).toordinal()):
                for start, end in self._windows(ordinal, touched, year):
                    total += end - start
                    starts.append(start)
                    ends.append(end)
                    done.append(total)
            plan = self._years[year] = _Year(starts, ends, done)
        return plan

    def _windows(self, ordinal: int, touched: set[int], year: int) -> list[Interval]:
        day = date.fromordinal(ordinal)
        if self._is_holiday(day):
            return []
        midnight = (ordinal - _EPOCH_ORDINAL) * DAY_US
        windows = []
        for start, end in self.hours[WEEKDAYS[day.weekday()]]:
            for span_start, span_end, offset in self._offset_spans(year):
                low = max(midnight + start - offset, span_start)
                high = min(midnight + end - offset, span_end)
                if low < high:
                    windows.append((low, high))
        if ordinal in touched and self._closed and windows:
            windows = _without(windows, self._closed_over(min(windows)[0],
                                                          max(end for _, end in windows)))
        return sorted(windows)

    def _closed_over(self, low: int, high: int) -> list[Interval]:
        """The closures that overlap [low, high), found from the latest to start before it."""
        found = []
        for i in range(bisect_left(self._closed_starts, high) - 1, -1, -1):
            if self._closed_ends_reach[i] <= low:
                break  # no closure starting this early lasts until ``low``
            if self._closed[i][1] > low:
                found.append(self._closed[i])
        return found

    def _total(self, year: int) -> int:
        """Business time in a local year, from weekday counts unless the year is planned."""
        if year in self._years:
            return self._years[year].total
        if year >= self._repeats_from + _GREGORIAN_CYCLE:
            # Every year from then on repeats the one a whole number of cycles earlier (see
            # ``_check_opens_again``): counted once, not again for each of thousands of years.
            year -= (year - self._repeats_from) // _GREGORIAN_CYCLE * _GREGORIAN_CYCLE
            if year in self._years:
                return self._years[year].total
        total = self._totals.get(year)
        if total is None and self._closed and self._closed_all_year(year):
            total = self._totals[year] = 0
        if total is None:
            jan1 = date(year, 1, 1)
            first = jan1.toordinal()
            length = date(year + 1, 1, 1).toordinal() - first
            total = sum(self._nominal[(jan1.weekday() + i) % 7] * (52 + (i < length - 364))
                        for i in range(7))
            recurring, lost = self._recurring(year)
            total -= lost
            fixed = {day.toordinal() for day in self._fixed_by_year.get(year, ())
                     if day.toordinal() - first not in recurring}
            total -= sum(self._nominal[date.fromordinal(day).weekday()] for day in fixed)
            touched = self._touched(year)
            for ordinal in touched:
                if ordinal - first in recurring or ordinal in fixed:
                    continue  # a holiday, whose hours are already taken away
                total -= self._nominal[date.fromordinal(ordinal).weekday()]
                total += sum(end - start for start, end in self._windows(ordinal, touched, year))
            self._totals[year] = total
        return total

    def _recurring(self, year: int) -> tuple[frozenset[int], int]:
        """The days of ``year`` (0 for 1 January) that its holidays of every year close, and
        the opening hours those days lose. Both are the same in every year that starts on the
        same weekday and is as long, so they are worked out for fourteen kinds of year at
        most, not again for each of the centuries a calendar that never opens is counted
        through (840 weekday holidays, each asked for its date, once took seconds)."""
        jan1 = date(year, 1, 1)
        kind = (jan1.weekday(), isleap(year))
        found = self._recurring_by_kind.get(kind)
        if found is None:
            first = jan1.toordinal()
            days = {date(year, month, day).toordinal() - first for month, day in self._yearly
                    if month != 2 or day != 29 or isleap(year)}
            days |= {d.toordinal() - first for h in self._by_weekday
                     if (d := h.date_in(year)) is not None}
            lost = sum(self._nominal[(jan1.weekday() + day) % 7] for day in days)
            found = self._recurring_by_kind[kind] = (frozenset(days), lost)
        return found

    def _touched(self, year: int) -> set[int]:
        """Local dates of ``year`` that a zone change or a timed closure reaches into."""
        first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        touched: set[int] = set()
        spans = self._offset_spans(year)
        for (_, change, before), (_, _, after) in pairwise(spans):
            # every local date from the last one before the change to the first one after
            ends = sorted(((change - 1 + before) // DAY_US, (change + after) // DAY_US))
            touched.update(range(ends[0] + _EPOCH_ORDINAL, ends[1] + _EPOCH_ORDINAL + 1))
        for i in range(bisect_right(self._closed_opens, last) - 1, -1, -1):
            if self._closed_reach[i] < first:
                break  # no closure opening this early reaches the year
            opens, closes = self._closed_days[i]
            # Only the year's own dates: a closure may span centuries, and a set of every
            # date it reaches, built again for each year, made the desk wait for hours.
            touched.update(range(max(first, opens), min(last, closes) + 1))
        return {ordinal for ordinal in touched if first <= ordinal <= last}

    def _closed_all_year(self, year: int) -> bool:
        """Whether one closure covers every local date of ``year`` and beyond both its ends."""
        first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        opened_before = bisect_left(self._closed_opens, first)
        return opened_before > 0 and self._closed_reach[opened_before - 1] > last

    def _local_ordinal(self, moment: int) -> int:
        clamped = min(max(moment, _to_us(datetime(FIRST_YEAR, 1, 1, tzinfo=UTC))),
                      _to_us(datetime(LAST_YEAR + 1, 12, 31, tzinfo=UTC)))
        return _from_us(clamped).astimezone(self.zone).toordinal()

    def _offset_spans(self, year: int) -> list[tuple[int, int, int]]:
        """Stretches of constant UTC offset covering the local year with two days to spare.

        Offsets are sampled twice a week and each change is pinned by bisection; a zone that
        changed and changed back between two samples would go unseen (none does).
        """
        spans = self._spans.get(year)
        if spans is None and year >= _ZONE_RULES_ONLY_FROM:
            # The zone's rules name their days by month, weekday and place in the year, so
            # its stretches are those of the first year as long, starting on the same
            # weekday after a year as long (fourteen kinds at most), moved by the days
            # between: counting through centuries reads the zone for a few years only.
            kind = (date(year, 1, 1).weekday(), isleap(year), isleap(year - 1))
            like = self._year_of_kind.setdefault(kind, year)
            if like != year:
                moved = (date(year, 1, 1).toordinal() - date(like, 1, 1).toordinal()) * DAY_US
                spans = self._spans[year] = [
                    (start + moved, end + moved, offset)
                    for start, end, offset in self._offset_spans(like)]
        if spans is None:
            low = (date(year, 1, 1).toordinal() - _EPOCH_ORDINAL - 2) * DAY_US
            high = (date(year + 1, 1, 1).toordinal() - _EPOCH_ORDINAL + 2) * DAY_US
            spans = []
            span_start, offset = low, self._offset(low)
            previous = low
            for sample in [*range(low + _OFFSET_SAMPLE_US, high, _OFFSET_SAMPLE_US), high]:
                if (later := self._offset(sample)) != offset:
                    change = self._change_between(previous, sample, later)
                    spans.append((span_start, change, offset))
                    span_start, offset = change, later
                previous = sample
            spans.append((span_start, high, offset))
            self._spans[year] = spans
        return spans

    def _offset(self, moment: int) -> int:
        offset = _from_us(moment).astimezone(self.zone).utcoffset()
        return 0 if offset is None else offset // _ONE_US

    def _change_between(self, before: int, after: int, new_offset: int) -> int:
        """The first instant in (before, after] at which the offset is ``new_offset``: both are
        whole seconds, and so is every change a zone makes, so whole seconds are searched."""
        before, after = before // SECOND_US, after // SECOND_US
        while after - before > 1:
            middle = (before + after) // 2
            if self._offset(middle * SECOND_US) == new_offset:
                after = middle
            else:
                before = middle
        return after * SECOND_US


def check_reachable(calendar: BusinessCalendar, start: datetime, duration: timedelta,
                    field: str, what: str) -> None:
    """Refuse a setting whose longest wait (``what``: a phrase naming it) would not end on
    ``calendar`` within the years calendars work in, counted from ``start``. A calendar open
    a few minutes a week makes a year-long target end thousands of years later: accepted, it
    would refuse every ticket or handoff that needs it, after counting through every year."""
    try:
        calendar.add(start, duration)
    except BeyondCalendar:
        minutes = int(duration.total_seconds() // 60)
        raise ValidationFailed(
            f"{what} ({minutes} business minutes) would end after the year {LAST_YEAR} on "
            "its calendar: give the calendar more opening hours or allow less time",
            {field: "unreachable on its calendar"}) from None


def _position(span: _Span, moment: int) -> int:
    """Business time from the start of the joined years up to ``moment``."""
    i = bisect_right(span.ends, moment)
    before = span.done[i - 1] if i else 0
    if i < len(span.starts) and span.starts[i] < moment:
        before += moment - span.starts[i]
    return before


def _without(windows: list[Interval], closed: list[Interval]) -> list[Interval]:
    for closed_start, closed_end in closed:
        kept: list[Interval] = []
        for start, end in windows:
            if closed_end <= start or end <= closed_start:
                kept.append((start, end))
                continue
            if start < closed_start:
                kept.append((start, closed_start))
            if closed_end < end:
                kept.append((closed_end, end))
        windows = kept
    return windows


def _to_us(moment: datetime, field: str = "at") -> int:
    if not isinstance(moment, datetime):
        raise ValidationFailed(f"{field} must be a datetime", {field: "not a datetime"})
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationFailed(f"{field} is a naive datetime: give it a time zone (UTC inside)",
                               {field: "naive"})
    return (moment - _EPOCH) // _ONE_US


def _from_us(moment: int) -> datetime:
    return _EPOCH + timedelta(microseconds=moment)


def _duration(duration: timedelta) -> int:
    if not isinstance(duration, timedelta):
        raise ValidationFailed("the duration must be a timedelta", {"duration": "not a timedelta"})
    if duration < timedelta(0):
        raise ValidationFailed("the duration may not be negative", {"duration": "negative"})
    return duration // _ONE_US


def _zone(name: object) -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise ValidationFailed("the time zone is a name such as Europe/Berlin",
                               {"timezone": "invalid"})
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationFailed(f"unknown time zone {name!r}: use an IANA name such as "
                               "Europe/Berlin", {"timezone": "unknown"}) from None


def _clock(offset: int) -> str:
    minutes = offset // MINUTE_US
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _checked_intervals(day: str, intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    ordered = sorted(intervals)
    for start, end in ordered:
        if not 0 <= start < end <= DAY_US:
            raise ValidationFailed(f"hours.{day}: an interval must end after it starts, within "
                                   f"the day (24:00 at the latest){_overnight(day, start, end)}",
                                   {f"hours.{day}": "reversed"})
    for (_, end), (start, _) in pairwise(ordered):
        if start < end:
            raise ValidationFailed(f"hours.{day}: opening intervals overlap at {_clock(start)}",
                                   {f"hours.{day}": "overlapping"})
    return tuple(ordered)



def _overnight(day: str, start: int, end: int) -> str:
    """How to say hours that run past midnight, for an interval that reads like them."""
    if not 0 <= end < start <= DAY_US:
        return ""
    if end == 0:
        return f"; the day ends at 24:00: {day} [\"{_clock(start)}\", \"24:00\"]"
    after = WEEKDAYS[(WEEKDAYS.index(day) + 1) % len(WEEKDAYS)] if day in WEEKDAYS else "next"
    return (f"; hours past midnight belong to the next day: {day} [\"{_clock(start)}\", "
            f"\"24:00\"] and {after} [\"00:00\", \"{_clock(end)}\"]")


# --- reading the plain form ---------------------------------------------------------------

def _hours_from_form(hours: object) -> dict[str, list[Interval]]:
    if not isinstance(hours, Mapping):
        raise ValidationFailed("hours maps weekdays (mon … sun) to intervals",
                               {"hours": "not an object"})
    unknown = sorted(str(day) for day in hours if day not in WEEKDAYS)
    if unknown:
        raise ValidationFailed(f"hours: {unknown[0]!r} is not a weekday; use "
                               + ", ".join(WEEKDAYS), {f"hours.{unknown[0]}": "unknown"})
    return {day: [_interval_from_form(day, pair) for pair in _listed(intervals, f"hours.{day}")]
            for day, intervals in hours.items()}


def _listed(value: object, field: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise ValidationFailed(f"{field} must be a list", {field: "not a list"})
    return list(value)


def _interval_from_form(day: str, pair: object) -> Interval:
    field = f"hours.{day}"
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        raise ValidationFailed(f"{field}: each interval is a pair such as "
                               '["08:00", "12:00"]', {field: "not a pair"})
    return _clock_from_form(pair[0], field, 23), _clock_from_form(pair[1], field, 24)


def _clock_from_form(text: object, field: str, last_hour: int) -> int:
    match = _CLOCK.fullmatch(text) if isinstance(text, str) else None
    hour, minute = (int(match[1]), int(match[2])) if match else (99, 99)
    if hour > last_hour or minute > 59 or (hour == 24 and minute):
        raise ValidationFailed(f"{field}: {text!r} is not a time of day as HH:MM "
                               "(00:00 to 24:00)", {field: "bad time"})
    return (hour * 60 + minute) * MINUTE_US
