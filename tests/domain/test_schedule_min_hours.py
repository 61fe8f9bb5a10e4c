"""The contract's minimum weekly hours hold a change that crosses them, not a week planned
below them by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.schedules import PlannedShift, WorkRules, check_min_hours, week_hours

MONDAY = date(2026, 11, 30)
RULES = WorkRules(min_week_hours=32)


def days(*offsets: int, hours: int = 8) -> list[PlannedShift]:
    start = datetime(2026, 11, 30, 9, tzinfo=UTC)
    return [PlannedShift(i, 1, start + timedelta(days=d), start + timedelta(days=d, hours=hours))
            for i, d in enumerate(offsets, 1)]


def test_week_hours_count_only_the_local_week():
    assert week_hours(days(-1, 0, 1, 7), MONDAY, UTC) == 16


def test_a_change_from_the_minimum_to_below_it_is_refused_naming_the_rule():
    with pytest.raises(ValidationFailed) as refused:
        check_min_hours("Ada", days(0, 1, 2, 3), days(0, 1, 2), MONDAY, UTC, RULES)
    assert refused.value.fields == {"rule": "min_week_hours"}
    assert str(refused.value) == ("minimum hours: Ada would work 24 paid hours in the week, "
                                  "at least 32 are required")


def test_a_week_already_below_the_minimum_or_kept_above_it_passes():
    check_min_hours("Ada", days(0, 1), days(0), MONDAY, UTC, RULES)
    check_min_hours("Ada", days(0, 1, 2, 3, 4), days(0, 1, 2, 3), MONDAY, UTC, RULES)
    check_min_hours("Ada", days(0, 1, 2, 3), days(0, 1, 2, 3), MONDAY, UTC, WorkRules())
