"""Staffing a whole forecast, interval by interval."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.erlang_a import erlang_a
from hubdesk.workforce.erlang_a import required_agents as required_with_patience
from hubdesk.workforce.erlang_c import erlang_c
from hubdesk.workforce.load import Load
from hubdesk.workforce.staffing import staff_intervals
from hubdesk.workforce.targets import Target

START = datetime(2024, 3, 4, 8, 0, tzinfo=UTC)
DAY = [(START + timedelta(minutes=30 * i), float(c))
       for i, c in enumerate([12, 40, 85, 120, 96, 60, 0, 33])]


def test_each_interval_gets_the_fewest_agents_meeting_the_target():
    plan = staff_intervals(DAY, 1800, 240, Target(service_level=0.8, answer_within_s=30),
                           shrinkage=0.35)
    assert plan.model == "erlang_c"
    for interval in plan.intervals:
        agents = interval.requirement.agents
        load = Load(arrivals=interval.arrivals, interval_s=1800, aht_s=240)
        if interval.arrivals == 0:
            assert agents == 0
            continue
        assert erlang_c(load, agents, 30).service_level >= 0.8
        if agents - 1 > load.erlangs:
            assert erlang_c(load, agents - 1, 30).service_level < 0.8
        assert interval.requirement.staff_rounded == math.ceil(agents / 0.65 - 1e-9)
    assert plan.peak_staff == max(i.requirement.staff_rounded for i in plan.intervals)
    assert plan.staff_hours == pytest.approx(
        sum(i.requirement.staff for i in plan.intervals) * 0.5)


def test_patience_staffs_with_erlang_a_and_needs_no_more_agents():
    target = Target(service_level=0.8, answer_within_s=20)
    classic = staff_intervals(DAY, 1800, 240, target)
    impatient = staff_intervals(DAY, 1800, 240, target, patience_s=90)
    assert impatient.model == "erlang_a"
    for c, a in zip(classic.intervals, impatient.intervals, strict=True):
        assert a.requirement.agents <= c.requirement.agents
        assert a.requirement.p_abandon is not None


def test_huge_traffic_with_abandonment_finds_the_exact_team_quickly():
    load = Load(arrivals=200_000, interval_s=1800, aht_s=180)
    requirement = required_with_patience(load, Target(service_level=0.8), patience_s=120)
    below = erlang_a(load, requirement.agents - 1, 120)
    assert below.service_level < 0.8 <= requirement.service_level


def test_bad_arrivals_in_a_forecast_are_refused():
    with pytest.raises(ValidationFailed, match="arrivals"):
        staff_intervals([(START, -4.0)], 1800, 180, Target(service_level=0.8))
    with pytest.raises(ValidationFailed, match="patience_s"):
        staff_intervals(DAY, 1800, 180, Target(service_level=0.8), patience_s=math.nan)
