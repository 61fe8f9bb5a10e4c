"""Intraday re-forecast factor and the suggestions drawn from a staffing gap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.intraday import IntervalGap, ScheduledBreak, scale_factor, suggestions

HALF_HOUR = timedelta(minutes=30)


def slot(index: int) -> datetime:
    return datetime(2026, 12, 3, 9, tzinfo=UTC) + index * HALF_HOUR


def gaps(*pairs: tuple[int, int]) -> list[IntervalGap]:
    return [IntervalGap(slot(i), 10, 10, required, scheduled)
            for i, (required, scheduled) in enumerate(pairs)]


def test_the_factor_follows_arrivals_but_not_the_first_few():
    assert scale_factor(0, 0) == 1
    assert scale_factor(30, 10) == pytest.approx(2.0)
    assert scale_factor(1, 0) == pytest.approx(1.1)
    assert scale_factor(1000, 0) == 4  # capped
    assert scale_factor(0, 1000) == 0.25
    with pytest.raises(ValueError):
        scale_factor(-1, 3)


def test_short_intervals_ask_for_a_call_in_and_spare_ones_a_release():
    found = suggestions(gaps((3, 3), (4, 2), (5, 4), (3, 3), (1, 4), (1, 3)), [], HALF_HOUR)
    assert found == ["call in 2 agents for 09:30–10:30 UTC",
                     "release up to 2 agents for 11:00–12:00 UTC (early finish, training or "
                     "back-office work)"]


def test_a_break_in_a_short_interval_moves_to_the_nearest_spare_one():
    day = gaps((3, 3), (3, 4), (4, 3), (3, 3))
    found = suggestions(day, [ScheduledBreak("Ada", slot(2), slot(3))], HALF_HOUR)
    # The move covers the short interval, so no call-in is suggested for it.
    assert found == ["move Ada's break from 10:00 to 09:30 UTC"]


def test_nothing_to_suggest_when_staffing_matches():
    assert suggestions(gaps((3, 3), (2, 3)), [ScheduledBreak("Ada", slot(0), slot(1))],
                       HALF_HOUR) == []
