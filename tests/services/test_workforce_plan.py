"""Drafting helpers without a database: arrivals counted per half hour, the week's demand
(with what no template can reach said, not silently dropped) and the scheduler's answers as
UTC shifts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hubdesk.services.workforce_plan import (
    PlanInterval,
    StaffingGoal,
    StaffingPlan,
    demand_for_week,
    interval_counts,
    shifts_of,
    team_instance,
)

MONDAY = date(2026, 11, 30)


def test_arrivals_are_counted_in_the_half_hour_they_fall_in():
    base = datetime(2026, 11, 30, 9, tzinfo=UTC)
    counts = interval_counts([base, base + timedelta(minutes=29, seconds=59),
                              base + timedelta(minutes=30),
                              (base + timedelta(minutes=31)).astimezone(
                                  datetime.now().astimezone().tzinfo)])
    assert counts == {base: 2, base + timedelta(minutes=30): 2}


def test_night_demand_is_left_out_and_said():
    start = datetime(2026, 11, 30, tzinfo=UTC)
    intervals = [PlanInterval(start + i * timedelta(minutes=30), 1, 0, 2,
                              2 if i in (4, 20) else 0, 0) for i in range(48 * 7)]
    plan = StaffingPlan(1, MONDAY, 7, 30, StaffingGoal(), 7, {}, [], intervals)
    demand, notes = demand_for_week(plan)
    assert len(demand) == 48 * 7
    assert demand[4] == 0 and demand[20] == 2  # 02:00 cannot be reached, 10:00 can
    assert notes == ["2 agent-half-hours needed before 06:00 UTC are left out: no shift "
                     "template covers the night"]


def test_the_schedulers_answers_become_utc_shifts_with_their_break():
    team = team_instance([], tuple([0] * 48 * 7), 7)
    [shift] = shifts_of(team, MONDAY, [("7", 2, "late")])
    assert shift.agent_id == 7
    assert shift.starts_at == datetime(2026, 12, 2, 15, 30, tzinfo=UTC)
    assert shift.ends_at == datetime(2026, 12, 3, 0, 0, tzinfo=UTC)
    assert (shift.break_starts_at, shift.break_ends_at) == (
        datetime(2026, 12, 2, 19, 30, tzinfo=UTC), datetime(2026, 12, 2, 20, 0, tzinfo=UTC))
    assert shift.working_minutes == 480
