"""Workforce on the desk's local clock (`HUBDESK_WFM_TIMEZONE`), on both databases where
stored: days of 46 and 50 half hours when the clock changes, arrivals counted on local half
hours, a week's demand and shifts placed at local times across the spring change, contract
rest measured in real hours across it, and a drafted week seen in local time."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.schedules import PlannedShift, WorkRules, check_work_rules
from hubdesk.services.tickets import NewTicket
from hubdesk.services.workforce_plan import (
    PlanInterval,
    StaffingGoal,
    StaffingPlan,
    demand_for_week,
    interval_counts,
    interval_starts,
    shifts_of,
    team_instance,
)
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
SPRING_WEEK = date(2026, 3, 23)  # clocks go forward on Sunday 29 March at 02:00
AUTUMN_SUNDAY = date(2026, 10, 25)  # and back at 03:00


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def test_local_days_have_46_or_50_half_hours_when_the_clock_changes():
    spring = interval_starts(date(2026, 3, 29), 1, PARIS)
    autumn = interval_starts(AUTUMN_SUNDAY, 1, PARIS)
    assert (len(spring), len(autumn), len(interval_starts(date(2026, 3, 28), 1, PARIS))) == (
        46, 50, 48)
    assert spring[0] == datetime(2026, 3, 28, 23, tzinfo=UTC)  # local midnight, CET
    assert spring[-1] + timedelta(minutes=30) == datetime(2026, 3, 29, 22, tzinfo=UTC)  # CEST
    assert "02:00" not in {s.astimezone(PARIS).strftime("%H:%M") for s in spring}
    assert [s.astimezone(PARIS).strftime("%H:%M") for s in autumn].count("02:30") == 2


def test_arrivals_are_counted_on_local_half_hours():
    kathmandu = ZoneInfo("Asia/Kathmandu")  # UTC+05:45: local half hours are not UTC's
    nine_ten = datetime(2026, 3, 23, 9, 10, tzinfo=kathmandu)
    assert interval_counts([nine_ten], kathmandu) == {
        datetime(2026, 3, 23, 3, 15, tzinfo=UTC): 1}


def test_the_weeks_demand_follows_the_local_clock_across_the_change():
    starts = interval_starts(SPRING_WEEK, 7, PARIS)
    assert len(starts) == 7 * 48 - 2
    nine = [PlanInterval(s, 1, 0, 2, 3 if s.astimezone(PARIS).hour == 9 else 0, 0)
            for s in starts]
    plan = StaffingPlan(1, SPRING_WEEK, 7, 30, StaffingGoal(), 7, {}, [], nine, zone=PARIS)
    demand, notes = demand_for_week(plan)
    assert len(demand) == 7 * 48 and notes == []
    # Every day, the Sunday of the change too, needs 3 at 09:00 and 09:30 local, and no one else.
    assert [i for i, need in enumerate(demand) if need] == [
        day * 48 + slot for day in range(7) for slot in (18, 19)]


def test_the_schedulers_shifts_start_at_local_times_on_both_sides_of_the_change():
    team = team_instance([], tuple([0] * 48 * 7), 7)
    monday, sunday = shifts_of(team, SPRING_WEEK, [("7", 0, "day"), ("7", 6, "day")], PARIS)
    assert monday.starts_at == datetime(2026, 3, 23, 8, tzinfo=UTC)  # 09:00 CET
    assert sunday.starts_at == datetime(2026, 3, 29, 7, tzinfo=UTC)  # 09:00 CEST
    assert sunday.ends_at.astimezone(PARIS) == paris(date(2026, 3, 29), 17, 30)
    assert sunday.working_minutes == 480


def test_rest_between_shifts_is_counted_in_real_hours_across_the_change():
    saturday = date(2026, 3, 28)
    late = PlannedShift(1, 5, paris(saturday, 13), paris(saturday, 22))
    # 22:00 to 09:00 reads as 11 hours on the wall clock, but the night is an hour short.
    early = PlannedShift(2, 5, paris(saturday + timedelta(days=1), 9),
                         paris(saturday + timedelta(days=1), 17))
    with pytest.raises(ValidationFailed) as short:
        check_work_rules("Ada", [late, early], SPRING_WEEK, PARIS, WorkRules())
    assert "would have 10 hours" in str(short.value)
    later = PlannedShift(2, 5, paris(saturday + timedelta(days=1), 10),
                         paris(saturday + timedelta(days=1), 17))
    check_work_rules("Ada", [late, later], SPRING_WEEK, PARIS, WorkRules())


def test_working_days_are_the_local_days():
    # 23:30 to 07:30 in Paris on five nights is five local days, though it is six UTC days.
    nights = [PlannedShift(n, 5, paris(SPRING_WEEK + timedelta(days=n), 0, 30),
                           paris(SPRING_WEEK + timedelta(days=n), 8, 30)) for n in range(5)]
    check_work_rules("Ada", nights, SPRING_WEEK, PARIS, WorkRules(rest_hours=0))


# --- in the desk ------------------------------------------------------------------------------

@pytest.fixture
def paris_hub(hub):
    return dataclasses.replace(hub, settings=hub.settings.model_copy(
        update={"wfm_timezone": "Europe/Paris"}))


def test_a_week_drafted_across_the_change_is_placed_and_shown_in_local_time(paris_hub):
    hub = paris_hub
    team = factories.team(hub, "Front")
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    ada, *_ = (factories.staff(hub, teams=(team,)).agent for _ in range(3))
    # A week of history: a ticket at 10:05 Paris time each day.
    for n in range(7):
        hub.app.tickets.open(coordinator, NewTicket(
            subject=f"Parcel {n}", body="Where is it?", requester_email=f"c{n}@example.com",
            team_id=team.id), now=paris(SPRING_WEEK - timedelta(days=7 - n), 10, 5))
    plan = hub.app.workforce.staffing(coordinator, team.id, date(2026, 3, 29), 1,
                                      StaffingGoal(aht_s=600))
    assert len(plan.intervals) == 46
    ten = next(i for i in plan.intervals if i.start == paris(date(2026, 3, 29), 10))
    assert ten.forecast > 0  # the local 10:00 carries the history's 10:05 tickets
    assert max(plan.intervals, key=lambda i: i.forecast) is ten

    outcome = hub.app.workforce.draft(coordinator, team.id, SPRING_WEEK,
                                      StaffingGoal(aht_s=60), now=paris(SPRING_WEEK, 0))
    assert outcome.problems == []
    local_starts = {s.starts_at.astimezone(PARIS).strftime("%H:%M")
                    for s in outcome.week.shifts}
    assert local_starts <= {"06:00", "09:00", "12:00", "15:30"}
    assert all(s.working_minutes == 480 for s in outcome.week.shifts)
    # Each day's 10:00 local, the Sunday of the change too, has someone working.
    for day in range(7):
        ten = paris(SPRING_WEEK + timedelta(days=day), 10, 15)
        assert any(s.starts_at <= ten < s.ends_at for s in outcome.week.shifts), day
    hub.app.workforce.publish(coordinator, outcome.week.id, now=paris(SPRING_WEEK, 0))
    mine = hub.app.workforce.my_schedule(ada, now=paris(date(2026, 3, 29), 12))
    assert mine.first_day == SPRING_WEEK and mine.zone == PARIS
    assert {s.id for s in mine.shifts} == {s.id for s in outcome.week.shifts
                                           if s.agent_id == ada.id}


def test_a_shift_outside_the_local_week_is_refused(paris_hub):
    from hubdesk.domain.schedules import ShiftInput

    hub = paris_hub
    team = factories.team(hub, "Front")
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    ada = factories.staff(hub, teams=(team,)).agent
    week = hub.app.workforce.start_week(coordinator, team.id, SPRING_WEEK)
    # 23:30 UTC on Sunday 22 March is already Monday 00:30 in Paris: inside the week.
    inside = datetime(2026, 3, 22, 23, 30, tzinfo=UTC)
    hub.app.workforce.save_shift(coordinator, week.id, ShiftInput(
        ada.id, inside, inside + timedelta(hours=4)))
    # 22:30 UTC on Sunday 29 March is Monday 00:30 in Paris (CEST): the next week.
    outside = datetime(2026, 3, 29, 22, 30, tzinfo=UTC)
    with pytest.raises(ValidationFailed):
        hub.app.workforce.save_shift(coordinator, week.id, ShiftInput(
            ada.id, outside, outside + timedelta(hours=4)))


def test_an_unknown_time_zone_is_refused_at_start_up(tmp_path):
    from pydantic import ValidationError

    from hubdesk.config import Settings

    with pytest.raises(ValidationError, match="not a time zone name"):
        Settings(environment="test", data_dir=tmp_path, wfm_timezone="Mars/Olympus")
    assert Settings(environment="test", data_dir=tmp_path,
                    wfm_timezone="America/New_York").wfm_timezone == "America/New_York"
