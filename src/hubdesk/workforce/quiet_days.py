"""Days of a history far quieter than their weekday: a holiday the desk closed for, or an
outage that recorded nothing, which an export of counts may print as intervals of zero.

They are pointed out, and Holt-Winters smooths its daily totals over them (`methods`), as a
day of almost nothing at the end of a history would otherwise pull its level down for the
whole horizon. Whether such a day is an event to leave out of every method or the desk's own
(a weekday it stopped opening) is for whoever knows the desk to say, with ``--exclude``."""

from __future__ import annotations

from datetime import date, timedelta
from statistics import median

from hubdesk.workforce.methods import QUIET_SHARE, same_weekday_days
from hubdesk.workforce.series import History

# Below `QUIET_SHARE` of the median of its weekday a day is pointed out.
RECENT_WEEKS = 8
SHOWN = 5


def quiet_days(history: History, weeks: int = RECENT_WEEKS) -> list[tuple[date, float, float]]:
    """Days of the last ``weeks`` weeks whose total is under `QUIET_SHARE` of the median of
    the same weekday's totals over those weeks (it needs two other such days): each with its
    total and that median, oldest first."""
    since = history.last_day - timedelta(weeks=weeks)
    found = []
    for day in history.days:
        if day <= since:
            continue
        others = [history.day_total(d) or 0.0
                  for d in same_weekday_days(history, day.weekday(), weeks) if d != day]
        if len(others) < 2:
            continue
        usual = median(others)
        total = history.day_total(day) or 0.0
        if usual > 0 and total < QUIET_SHARE * usual:
            found.append((day, total, usual))
    return found


def quiet_days_note(history: History) -> str | None:
    found = quiet_days(history)
    if not found:
        return None
    listed = "; ".join(f"{day} {total:g} contacts against a usual {usual:.0f}"
                       for day, total, usual in found[:SHOWN])
    more = f" and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    return (f"days far quieter than their weekday, which the weekday averages still learn from "
            f"(Holt-Winters smooths over them): "
            f"{listed}{more}; if they were holidays or outages, leave them out with --exclude "
            "DATE")
