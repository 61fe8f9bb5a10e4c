"""Years of short intervals: a backtest cuts the history once per origin, and each cut must
cost less than reading the history was."""

from __future__ import annotations

import time
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from hubdesk.workforce.series import History, interval_starts

BERLIN = ZoneInfo("Europe/Berlin")


def test_cutting_a_long_history_reuses_its_local_keys():
    starts = interval_starts(date(2024, 1, 1), 400, 15, BERLIN)
    counts = {start: float(index % 7) for index, start in enumerate(starts)}
    began = time.thread_time()
    history = History(15, BERLIN, counts)
    built = time.thread_time() - began
    began = time.thread_time()
    cuts = [history.before(date(2025, 1, 1) + timedelta(days=3 * i)) for i in range(8)]
    cutting = time.thread_time() - began
    # Reading every start on the local clock again made each cut cost more than the first
    # reading; reusing the keys makes eight of them cost about three.
    assert cutting < 6 * built
    last = cuts[-1]
    assert last.last_day == date(2025, 1, 21)
    assert last.day_total(date(2024, 3, 31)) == sum(
        c for s, c in counts.items() if s.astimezone(BERLIN).date() == date(2024, 3, 31))
    assert history.without_days([date(2024, 3, 31)]).has_day(date(2024, 3, 31)) is False
