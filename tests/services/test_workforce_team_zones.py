"""Each team plans on its own clock, on both databases: a team's time zone (set by an
administrator, checked against the zone database, empty for the desk's) moves its forecast
days, its drafted shifts, its schedule's times, its staffing chart and its adherence day,
while a team without one keeps the desk's. Two teams, in Paris and New York, share one week
in which only Paris changes its clocks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hubdesk.domain.agents import Role, Team, team_time_zone
from hubdesk.domain.errors import PermissionDenied, ValidationFailed
from hubdesk.domain.routing import Presence
from hubdesk.domain.schedules import ShiftInput
from hubdesk.services.routing_records import ProfileChange
from hubdesk.services.tickets import NewTicket
from hubdesk.services.workforce_plan import StaffingGoal
from tests import factories
from tests.routing_desk import configure

PARIS, NEW_YORK = ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")
WEEK = date(2026, 3, 23)  # Paris moves its clocks on Sunday 29 March; New York did on the 8th
SUNDAY = date(2026, 3, 29)
TEMPLATE_STARTS = {"06:00", "09:00", "12:00", "15:30"}


def local(zone: ZoneInfo, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


@pytest.fixture
def desk(hub):
    """The desk plans in UTC; Paris and New York have their own zones, Plain has none."""
    admin = factories.staff(hub, Role.ADMIN).agent
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    teams = {}
    for name, zone in (("Paris", "Europe/Paris"), ("New York", "America/New_York"),
                       ("Plain", None)):
        team = factories.team(hub, name)
        if zone is not None:
            team = hub.app.directory.update_team(admin, team.id, time_zone=zone)
        teams[name] = team
    return {"admin": admin, "coordinator": coordinator, **teams}


def history(hub, desk, team: Team, zone: ZoneInfo) -> None:
    """A week of tickets at 10:05 on the team's own clock."""
    for n in range(7):
        hub.app.tickets.open(desk["coordinator"], NewTicket(
            subject=f"Parcel {n}", body="Where is it?", requester_email=f"c{n}@example.com",
            team_id=team.id), now=local(zone, WEEK - timedelta(days=7 - n), 10, 5))


def test_a_time_zone_is_an_iana_name_or_nothing():
    assert team_time_zone(" America/New_York ") == "America/New_York"
    assert team_time_zone("") is None and team_time_zone(None) is None
    for bad in ("Mars/Olympus", "../etc/passwd", "Europe/", "europe/paris"):
        with pytest.raises(ValidationFailed) as refused:
            team_time_zone(bad)
        assert refused.value.fields == {"time_zone": "unknown"}


def test_only_an_administrator_sets_it_and_an_empty_one_means_the_desks(hub, desk):
    manager = factories.staff(hub, Role.MANAGER).agent
    team = desk["Plain"]
    with pytest.raises(PermissionDenied):
        hub.app.directory.update_team(manager, team.id, time_zone="Asia/Tokyo")
    with pytest.raises(ValidationFailed):
        hub.app.directory.update_team(desk["admin"], team.id, time_zone="Mars/Olympus")
    # A manager still renames it; neither refusal saved anything.
    renamed = hub.app.directory.update_team(manager, team.id, name="Plainer")
    assert (renamed.name, renamed.time_zone) == ("Plainer", None)
    stored = {t.name: t.time_zone for t in hub.app.directory.teams(desk["admin"])}
    assert stored == {"Paris": "Europe/Paris", "New York": "America/New_York", "Plainer": None}
    hub.app.directory.update_team(desk["admin"], desk["Paris"].id, time_zone="")
    assert {t.name: t.time_zone for t in hub.app.directory.teams(desk["admin"])}[
        "Paris"] is None


def test_each_team_has_its_own_days_at_the_clock_changes(hub, desk):
    c, goal = desk["coordinator"], StaffingGoal(aht_s=600)
    lengths = {name: [len(hub.app.workforce.staffing(c, desk[name].id, day, 1, goal).intervals)
                      for day in (SUNDAY, date(2026, 10, 25), date(2026, 11, 1))]
               for name in ("Paris", "New York", "Plain")}
    # Paris changes on the last Sundays of March and October, New York on 8 March and
    # 1 November, the desk's UTC never.
    assert lengths == {"Paris": [46, 50, 48], "New York": [48, 48, 50], "Plain": [48, 48, 48]}
    plan = hub.app.workforce.staffing(c, desk["New York"].id, SUNDAY, 1, goal)
    assert plan.zone == NEW_YORK and plan.intervals[0].start == local(NEW_YORK, SUNDAY, 0)
    whole_desk = hub.app.workforce.staffing(c, None, SUNDAY, 1, goal)
    assert whole_desk.intervals[0].start == datetime(2026, 3, 29, tzinfo=UTC)


def test_two_teams_in_different_zones_are_drafted_on_their_own_clocks(hub, desk):
    c = desk["coordinator"]
    weeks = {}
    for name, zone in (("Paris", PARIS), ("New York", NEW_YORK)):
        team = desk[name]
        for _ in range(3):
            factories.staff(hub, teams=(team,))
        history(hub, desk, team, zone)
        outcome = hub.app.workforce.draft(c, team.id, WEEK, StaffingGoal(aht_s=60),
                                          now=local(zone, WEEK, 0))
        assert outcome.problems == [], name
        weeks[name] = hub.app.workforce.publish(c, outcome.week.id, now=local(zone, WEEK, 0))
        shifts = outcome.week.shifts
        assert {s.starts_at.astimezone(zone).strftime("%H:%M") for s in shifts} <= \
            TEMPLATE_STARTS
        assert all(s.working_minutes == 480 for s in shifts)
        # Each local day's 10:00, Paris's short Sunday too, has someone working.
        for day in range(7):
            ten = local(zone, WEEK + timedelta(days=day), 10, 15)
            assert any(s.starts_at <= ten < s.ends_at for s in shifts), (name, day)
        assert all(WEEK <= s.starts_at.astimezone(zone).date() < WEEK + timedelta(days=7)
                   for s in shifts)
    # The same 09:00 template is six hours apart in UTC on the Sunday (07:00 and 13:00).
    sunday_nine = {name: {s.starts_at for s in weeks[name].shifts
                          if s.starts_at.astimezone(zone).date() == SUNDAY
                          and s.starts_at.astimezone(zone).hour == 9}
                   for name, zone in (("Paris", PARIS), ("New York", NEW_YORK))}
    assert sunday_nine["Paris"] <= {datetime(2026, 3, 29, 7, tzinfo=UTC)}
    assert sunday_nine["New York"] <= {datetime(2026, 3, 29, 13, tzinfo=UTC)}

    # The console's screen shows each team's week and chart on its own clock.
    for name, zone, halves in (("Paris", PARIS, 46), ("New York", NEW_YORK, 48)):
        screen = hub.app.workforce.screen(c, desk[name].id, SUNDAY, StaffingGoal(aht_s=60),
                                          now=local(zone, SUNDAY, 12))
        assert screen.zone == zone and screen.week.id == weeks[name].id
        assert screen.chart.zone == zone and len(screen.chart.intervals) == halves
        assert screen.intraday is not None and screen.intraday.day == SUNDAY
        chart = hub.app.workforce.day_chart(c, desk[name].id, SUNDAY, StaffingGoal(aht_s=60),
                                            now=local(zone, SUNDAY, 12))
        assert [i.scheduled for i in chart.intervals] == [
            i.scheduled for i in screen.chart.intervals]
        ten = next(i for i in chart.intervals if i.start == local(zone, SUNDAY, 10))
        assert ten.scheduled >= 1


def test_a_shift_given_without_an_offset_is_on_the_teams_clock(hub, desk):
    c = desk["coordinator"]
    ada = factories.staff(hub, teams=(desk["New York"],)).agent
    week = hub.app.workforce.start_week(c, desk["New York"].id, WEEK)
    saved = hub.app.workforce.save_shift(c, week.id, ShiftInput(
        ada.id, datetime(2026, 3, 23, 9), datetime(2026, 3, 23, 17),
        datetime(2026, 3, 23, 13), datetime(2026, 3, 23, 13, 30)))
    [shift] = saved.shifts
    assert shift.starts_at == datetime(2026, 3, 23, 13, tzinfo=UTC)  # 09:00 EDT
    assert shift.break_starts_at == datetime(2026, 3, 23, 17, tzinfo=UTC)
    # 21:30 on Sunday 29 March in New York is already Monday in UTC and in Paris, yet it is
    # still inside New York's week.
    late = hub.app.workforce.save_shift(c, week.id, ShiftInput(
        ada.id, datetime(2026, 3, 29, 20), datetime(2026, 3, 29, 23, 30)))
    assert max(s.ends_at for s in late.shifts) == datetime(2026, 3, 30, 3, 30, tzinfo=UTC)
    with pytest.raises(ValidationFailed):  # Monday 00:30 in New York: the next week
        hub.app.workforce.save_shift(c, week.id, ShiftInput(
            ada.id, datetime(2026, 3, 30, 0, 30), datetime(2026, 3, 30, 4)))


def test_adherence_counts_the_teams_own_day(hub, desk):
    configure(hub)
    c = desk["coordinator"]
    ada = factories.staff(hub, teams=(desk["New York"],)).agent
    hub.app.routing.update_profile(c, ada.id, ProfileChange(
        skills={"billing": 3}, capacity=5, languages=("en",)), now=local(NEW_YORK, WEEK, 0))
    week = hub.app.workforce.start_week(c, desk["New York"].id, WEEK)
    # 20:00–23:00 in New York on Monday: Tuesday 00:00–03:00 UTC.
    hub.app.workforce.save_shift(c, week.id, ShiftInput(
        ada.id, local(NEW_YORK, WEEK, 20), local(NEW_YORK, WEEK, 23)))
    hub.app.workforce.publish(c, week.id, now=local(NEW_YORK, WEEK, 0))
    hub.app.routing.set_presence(ada, ada.id, Presence.ONLINE,
                                 now=local(NEW_YORK, WEEK, 20))
    report = hub.app.workforce.adherence(c, desk["New York"].id, WEEK,
                                         now=local(NEW_YORK, WEEK, 22))
    assert report.zone == NEW_YORK
    [row] = report.rows
    assert (row.adherence.scheduled_minutes, row.adherence.adherent_minutes) == (120, 120)
    assert (row.expected_now, row.out_now) == ("working", False)
