"""Contact counts per interval: UTC interval starts, read in a local time zone for seasonality.

Time is kept as UTC interval starts, so a day with a clock change simply has 46 or 50 half
hours. Seasonality is a property of the local clock (people call at 09:00 local, whatever the
offset), so every interval also carries a local key: its local date and its local minute of
the day. On the autumn change the repeated local hour gives two intervals the same key; both
are forecast from it. In spring the skipped hour has no intervals at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.arrival_export import decode_export, read_export, read_rows
from hubdesk.workforce.intervals import (
    ALLOWED_INTERVALS,
    DAY_MINUTES,
    allowed_interval,
    interval_of,
    local_midnight,
    on_local_days,
    resolve_interval,
)

# Exports are read in `arrival_export` and their interval lengths found in `intervals`; these
# names stay importable from here, where a history is made of them.
__all__ = ["ALLOWED_INTERVALS", "History", "LocalKey", "allowed_interval", "decode_export",
           "forecast_history", "history_from_rows", "interval_of", "interval_starts",
           "local_key", "read_export", "read_rows", "resolve_interval"]


@dataclass(frozen=True)
class LocalKey:
    day: date
    minute: int  # minutes since local midnight

    @property
    def weekday(self) -> int:
        return self.day.weekday()


def local_key(start: datetime, zone: tzinfo) -> LocalKey:
    local = start.astimezone(zone)
    return LocalKey(local.date(), local.hour * 60 + local.minute)


@dataclass
class History:
    """Observed contacts per interval.

    A day with no row at all is a gap (unknown); inside a day that has rows, an absent interval
    was closed and counts zero contacts, as exports of contact counts leave closed intervals out.
    """

    interval_minutes: int
    zone: tzinfo
    counts: dict[datetime, float]
    _by_key: dict[tuple[date, int], float] = field(default_factory=dict, repr=False)
    _days: set[date] = field(default_factory=set, repr=False)
    # Each start's local key, handed on to the histories cut from this one: a backtest cuts
    # one per origin, and reading years of intervals on the local clock again each time
    # was most of a forecast's time.
    _slots: dict[datetime, tuple[date, int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        allowed_interval(self.interval_minutes, daily=True)
        seen: dict[tuple[date, int], int] = {}
        if any(start.tzinfo is None for start in self.counts):
            raise ValidationFailed("interval starts must carry a time zone",
                                   {"interval_start": "naive"})
        for start, count in sorted(self.counts.items()):
            slot = self._slots.get(start)
            if slot is None:
                key = local_key(start, self.zone)
                slot = self._slots[start] = (key.day, key.minute)
            seen[slot] = seen.get(slot, 0) + 1
            # The autumn clock change repeats an hour: its two intervals share a key, which
            # keeps their mean, so that hour weighs like any other in the averages.
            previous = self._by_key.get(slot, 0.0)
            self._by_key[slot] = previous + (count - previous) / seen[slot]
            self._days.add(slot[0])

    @property
    def days(self) -> list[date]:
        return sorted(self._days)

    @property
    def first_day(self) -> date:
        return min(self._days)

    @property
    def last_day(self) -> date:
        return max(self._days)

    @property
    def last_start(self) -> datetime:
        return max(self.counts)

    def has_day(self, day: date) -> bool:
        return day in self._days

    def at(self, day: date, minute: int) -> float | None:
        """Contacts at a local day and minute: None when the whole day is unknown."""
        if day not in self._days:
            return None
        return self._by_key.get((day, minute), 0.0)

    def was_open(self, day: date, minute: int) -> bool:
        return (day, minute) in self._by_key

    def last_open_minute(self, day: date) -> int | None:
        """The local minute of the day's last interval with a row; None for an unknown day."""
        return max((m for d, m in self._by_key if d == day), default=None)

    def first_open_minute(self, day: date) -> int | None:
        """The local minute of the day's first interval with a row; None for an unknown day."""
        return min((m for d, m in self._by_key if d == day), default=None)

    def day_total(self, day: date) -> float | None:
        if day not in self._days:
            return None
        return sum(self._by_key.get((day, m), 0.0) for m in range(0, 1440, self.interval_minutes))

    def before(self, day: date) -> History:
        """The history known at local midnight starting ``day``."""
        return self._keeping(lambda local_day: local_day < day)

    def without_days(self, days: Iterable[date]) -> History:
        """The history with holidays and one-off events removed, so they shape no average."""
        dropped = set(days)
        return self._keeping(lambda local_day: local_day not in dropped)

    def scaled_before(self, day: date, factor: float) -> History:
        """The history with the contacts of every local day before ``day`` multiplied by
        ``factor``: earlier weeks brought to a level the desk has reached since."""
        counts = {s: count * factor if self._slots[s][0] < day else count
                  for s, count in self.counts.items()}
        return History(self.interval_minutes, self.zone, counts, _slots=dict(self._slots))

    def _keeping(self, keep: Callable[[date], bool]) -> History:
        """The history of the local days ``keep`` accepts."""
        slots = {s: slot for s, slot in self._slots.items() if keep(slot[0])}
        return History(self.interval_minutes, self.zone, {s: self.counts[s] for s in slots},
                       _slots=slots)


def interval_starts(first_day: date, days: int, interval_minutes: int,
                    zone: tzinfo) -> list[datetime]:
    """UTC starts of every interval of ``days`` local days from ``first_day``.

    Walking in UTC from local midnight to the next local midnight gives each day exactly the
    intervals its clock shows, including the extra or missing hour of a clock change. A day's
    interval is the whole local day, however long.
    """
    step = timedelta(minutes=interval_minutes)
    starts: list[datetime] = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        moment = local_midnight(day, zone)
        if interval_minutes == DAY_MINUTES:
            starts.append(moment)
            continue
        end = local_midnight(day + timedelta(days=1), zone)
        while moment < end:
            starts.append(moment)
            moment += step
    return starts


def forecast_history(rows: Sequence[tuple[datetime, float]], interval_minutes: int | None,
                     zone: tzinfo) -> tuple[History, list[str]]:
    """The history a forecast reads from an export's rows: of the interval length given or
    the rows show (`resolve_interval`), or of whole local days where they are daily totals;
    and what the reader should be told of that."""
    length = resolve_interval(rows, interval_minutes, zone, daily=True)
    if length != DAY_MINUTES:
        return history_from_rows(rows, length, zone), []
    return history_from_rows(on_local_days(rows, zone), length, zone), [
        "the rows are daily totals: each day is forecast as a whole (staffing needs "
        "intervals of at most an hour)"]


def history_from_rows(rows: Sequence[tuple[datetime, float]], interval_minutes: int,
                      zone: tzinfo) -> History:
    for start, _ in rows:
        local = start.astimezone(zone)
        if ((local.hour * 60 + local.minute) % interval_minutes) or local.second \
                or local.microsecond:
            raise ValidationFailed(f"{start.isoformat()} does not start a {interval_minutes}-"
                                   "minute interval", {"interval": "misaligned"})
    return History(interval_minutes, zone, dict(rows))
