"""Workforce through the use cases on both databases: forecasts from the desk's tickets (and
what too little history gives), a week drafted, edited, swapped and published, refusals that
change nothing, change requests, and adherence from the presence log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hubdesk.domain.routing import Presence
from hubdesk.domain.schedules import RequestStatus, ScheduleStatus, ShiftInput
from hubdesk.domain.tickets import Channel
from hubdesk.services.routing_records import ProfileChange
from hubdesk.services.tickets import NewTicket
from hubdesk.services.workforce_plan import StaffingGoal
from tests import factories
from tests.routing_desk import configure

MONDAY = date(2026, 11, 30)
SUNDAY = datetime(2026, 11, 29, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) if day > 3 else \
        datetime(2026, 12, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def desk(hub):
    configure(hub)
    team = factories.team(hub, "Front")
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    people = [factories.staff(hub, teams=(team,)).agent for _ in range(2)]
    for person in people:
        hub.app.routing.update_profile(coordinator, person.id, ProfileChange(
            skills={"billing": 3}, capacity=5, languages=("en",)), now=SUNDAY)
    return {"team": team, "coordinator": coordinator, "ada": people[0], "bo": people[1]}


def opened(hub, desk, moment, count=1):
    for n in range(count):
        hub.app.tickets.open(desk["coordinator"], NewTicket(
            subject=f"Question {n}", body="Where is my parcel?",
            requester_email=f"c{n}@example.com", team_id=desk["team"].id), now=moment)


def test_with_no_history_the_forecast_says_so_and_is_zero(hub, desk):
    plan = hub.app.workforce.staffing(desk["coordinator"], desk["team"].id, MONDAY, 1,
                                      StaffingGoal())
    assert plan.methods == {"all": "no_history"}
    assert "no tickets in the 56 days before 2026-11-30" in plan.notes[0]
    assert len(plan.intervals) == 48
    assert {(i.forecast, i.required) for i in plan.intervals} == {(0.0, 0)}


def test_with_a_day_of_history_the_fallback_method_is_stated(hub, desk):
    opened(hub, desk, SUNDAY.replace(hour=10, minute=5), count=3)
    plan = hub.app.workforce.staffing(desk["coordinator"], desk["team"].id, MONDAY, 1,
                                      StaffingGoal(aht_s=600))
    assert plan.history_days == 1
    assert plan.notes[0].startswith("only 1 day of tickets")
    assert set(plan.methods.values()) == {"time_of_day_average"}
    ten = next(i for i in plan.intervals if i.start == at(30, 10))
    assert ten.forecast == pytest.approx(3.0)
    assert ten.required >= 2  # 3 contacts × 600 s in 1800 s is one erlang
    assert next(i for i in plan.intervals if i.start == at(30, 11)).required == 0


def test_a_channels_forecast_counts_only_its_tickets(hub, desk):
    opened(hub, desk, SUNDAY.replace(hour=10, minute=5), count=3)
    for n in range(2):
        hub.app.tickets.open(desk["coordinator"], NewTicket(
            subject=f"Call {n}", body="Phoned in", requester_email=f"p{n}@example.com",
            team_id=desk["team"].id, channel=Channel.PHONE),
            now=SUNDAY.replace(hour=10, minute=10))
    plans = {channel: hub.app.workforce.staffing(desk["coordinator"], desk["team"].id,
                                                 MONDAY, 1, StaffingGoal(), channel)
             for channel in (None, Channel.PHONE)}
    ten = {channel: next(i.forecast for i in plan.intervals if i.start == at(30, 10))
           for channel, plan in plans.items()}
    assert ten == {None: pytest.approx(5.0), Channel.PHONE: pytest.approx(2.0)}


def test_impossible_targets_are_refused_by_field():
    with pytest.raises(ValidationFailed) as error:
        StaffingGoal(service_level=1.0)
    assert "service_level" in error.value.fields
    with pytest.raises(ValidationFailed) as error:
        StaffingGoal(aht_s=-5)
    assert "aht_s" in error.value.fields


def test_a_week_is_drafted_edited_swapped_and_published(hub, desk):
    opened(hub, desk, SUNDAY.replace(hour=10), count=2)
    coordinator, ada, bo = desk["coordinator"], desk["ada"], desk["bo"]
    outcome = hub.app.workforce.draft(coordinator, desk["team"].id, MONDAY, StaffingGoal(),
                                      now=SUNDAY)
    week = outcome.week
    assert week.status is ScheduleStatus.DRAFT
    assert {s.agent_id for s in week.shifts} == {ada.id, bo.id}
    # Every contract gets at least its 32 hours in shifts of 8 paid hours.
    for person in (ada, bo):
        own = [s for s in week.shifts if s.agent_id == person.id]
        assert 4 <= len(own) <= 5
        assert all(s.working_minutes == 480 for s in own)
    # Nobody sees a draft.
    assert hub.app.workforce.my_shifts(ada, at(30, 0), at(30, 0) + timedelta(days=7)) == []

    first_ada = next(s for s in week.shifts if s.agent_id == ada.id)
    moved = ShiftInput(ada.id, first_ada.starts_at + timedelta(hours=1),
                       first_ada.ends_at + timedelta(hours=1))
    week = hub.app.workforce.save_shift(coordinator, week.id, moved, shift_id=first_ada.id,
                                        now=SUNDAY)
    changed = next(s for s in week.shifts if s.id == first_ada.id)
    assert (changed.starts_at, changed.break_starts_at) == (moved.starts_at, None)

    # Both work at least four of seven days, so some day has a shift of each to swap.
    days_of = {p.id: {s.starts_at.date(): s for s in week.shifts if s.agent_id == p.id}
               for p in (ada, bo)}
    day = min(set(days_of[ada.id]) & set(days_of[bo.id]))
    ada_shift, bo_shift = days_of[ada.id][day], days_of[bo.id][day]
    week = hub.app.workforce.swap(coordinator, week.id, ada_shift.id, bo_shift.id, now=SUNDAY)
    swapped = {s.id: s.agent_id for s in week.shifts}
    assert (swapped[ada_shift.id], swapped[bo_shift.id]) == (bo.id, ada.id)

    published = hub.app.workforce.publish(coordinator, week.id, now=SUNDAY)
    assert published.status is ScheduleStatus.PUBLISHED and published.updated_by == coordinator.id
    mine = hub.app.workforce.my_shifts(ada, at(30, 0), at(30, 0) + timedelta(days=7))
    assert mine and {s.agent_id for s in mine} == {ada.id}
    assert [s.id for s in mine] == [s.id for s in published.shifts if s.agent_id == ada.id]
    with pytest.raises(Conflict, match="is published"):
        hub.app.workforce.draft(coordinator, desk["team"].id, MONDAY, StaffingGoal(),
                                now=SUNDAY)


def test_agents_may_not_plan_and_their_attempts_change_nothing(hub, desk):
    coordinator, ada = desk["coordinator"], desk["ada"]
    week = hub.app.workforce.start_week(coordinator, desk["team"].id, MONDAY, now=SUNDAY)
    shift = ShiftInput(ada.id, at(30, 9), at(30, 17))
    with pytest.raises(PermissionDenied):
        hub.app.workforce.save_shift(ada, week.id, shift, now=SUNDAY)
    with pytest.raises(PermissionDenied):
        hub.app.workforce.draft(ada, desk["team"].id, MONDAY, StaffingGoal(), now=SUNDAY)
    week = hub.app.workforce.save_shift(coordinator, week.id, shift, now=SUNDAY)
    with pytest.raises(PermissionDenied):
        hub.app.workforce.publish(ada, week.id, now=SUNDAY)
    with pytest.raises(PermissionDenied):
        hub.app.workforce.adherence(ada, desk["team"].id, MONDAY, now=at(30, 18))
    after = hub.app.workforce.schedule(coordinator, week.id)
    assert after.status is ScheduleStatus.DRAFT and len(after.shifts) == 1


def test_shifts_that_overlap_or_fall_outside_the_team_or_week_are_refused(hub, desk):
    coordinator, ada = desk["coordinator"], desk["ada"]
    week = hub.app.workforce.start_week(coordinator, desk["team"].id, MONDAY, now=SUNDAY)
    hub.app.workforce.save_shift(coordinator, week.id,
                                 ShiftInput(ada.id, at(30, 9), at(30, 17)), now=SUNDAY)
    with pytest.raises(ValidationFailed, match="two shifts at once"):
        hub.app.workforce.save_shift(coordinator, week.id,
                                     ShiftInput(ada.id, at(30, 16), at(30, 20)),
                                     now=SUNDAY)
    with pytest.raises(ValidationFailed, match="outside the week"):
        hub.app.workforce.save_shift(coordinator, week.id,
                                     ShiftInput(ada.id, at(29, 9), at(29, 17)),
                                     now=SUNDAY)
    with pytest.raises(ValidationFailed, match="not an active member"):
        hub.app.workforce.save_shift(coordinator, week.id,
                                     ShiftInput(coordinator.id, at(30, 9), at(30, 17)),
                                     now=SUNDAY)
    # Any day names its week: Wednesday's is the week already started.
    with pytest.raises(Conflict, match="already has a schedule for the week of 2026-11-30"):
        hub.app.workforce.start_week(coordinator, desk["team"].id, MONDAY + timedelta(days=2),
                                     now=SUNDAY)
    assert len(hub.app.workforce.schedule(coordinator, week.id).shifts) == 1


def test_an_infeasible_week_is_explained_and_nothing_is_saved(hub, desk):
    team = factories.team(hub, "Tiny")
    factories.staff(hub, teams=(team,))
    for n in range(6):
        hub.app.tickets.open(desk["coordinator"], NewTicket(
            subject=f"Rush {n}", body="Help", requester_email=f"r{n}@example.com",
            team_id=team.id), now=SUNDAY.replace(hour=10, minute=n))
    with pytest.raises(ValidationFailed) as error:
        hub.app.workforce.draft(desk["coordinator"], team.id, MONDAY,
                                StaffingGoal(aht_s=3600), now=SUNDAY)
    assert "cannot be scheduled" in str(error.value)
    assert "10:00 needs" in str(error.value)
    assert hub.app.workforce.week(desk["coordinator"], team.id, MONDAY) is None


def test_a_team_without_agents_cannot_be_drafted(hub, desk):
    empty = factories.team(hub, "Empty")
    with pytest.raises(ValidationFailed, match="no active representatives"):
        hub.app.workforce.draft(desk["coordinator"], empty.id, MONDAY, StaffingGoal(),
                                now=SUNDAY)
    with pytest.raises(NotFound):
        hub.app.workforce.draft(desk["coordinator"], 999_999, MONDAY, StaffingGoal(),
                                now=SUNDAY)


def _published_day(hub, desk):
    coordinator = desk["coordinator"]
    week = hub.app.workforce.start_week(coordinator, desk["team"].id, MONDAY, now=SUNDAY)
    for person in (desk["ada"], desk["bo"]):
        week = hub.app.workforce.save_shift(coordinator, week.id, ShiftInput(
            person.id, at(30, 9), at(30, 17), at(30, 12), at(30, 13)), now=SUNDAY)
    return hub.app.workforce.publish(coordinator, week.id, now=SUNDAY)


def test_adherence_is_measured_from_the_presence_log(hub, desk):
    _published_day(hub, desk)
    ada, coordinator = desk["ada"], desk["coordinator"]
    for moment, presence in ((at(30, 9), Presence.ONLINE), (at(30, 12), Presence.ON_BREAK),
                             (at(30, 13), Presence.ONLINE), (at(30, 16), Presence.AWAY)):
        hub.app.routing.set_presence(ada, ada.id, presence, now=moment)
    hub.app.routing.set_presence(ada, ada.id, Presence.AWAY, now=at(30, 16, 30))  # unchanged
    report = hub.app.workforce.adherence(coordinator, desk["team"].id, MONDAY,
                                         now=at(30, 16, 45))
    rows = {r.agent_id: r for r in report.rows}
    assert rows[ada.id].adherence.scheduled_minutes == 465
    assert rows[ada.id].adherence.adherent_minutes == 420
    assert rows[ada.id].presence_now == "away" and rows[ada.id].out_now
    # Bo never came online: only the break was kept.
    assert rows[desk["bo"].id].adherence.adherent_minutes == 60
    assert report.total.scheduled_minutes == 930
    assert {r.agent_id for r in report.out_now} == {ada.id, desk["bo"].id}


def test_intraday_scales_the_rest_of_the_day_and_suggests(hub, desk):
    _published_day(hub, desk)
    opened(hub, desk, at(23, 10), count=2)  # a week ago: the forecast's history
    opened(hub, desk, at(30, 9, 10), count=6)  # today: busier than forecast
    for person in (desk["ada"], desk["bo"]):
        hub.app.routing.set_presence(person, person.id, Presence.ONLINE, now=at(30, 9))
    view = hub.app.workforce.intraday(desk["coordinator"], desk["team"].id,
                                      StaffingGoal(aht_s=900), now=at(30, 9, 45))
    assert view.arrived_so_far == 6 and view.forecast_so_far == 0
    assert view.factor == pytest.approx(1.6)
    assert view.intervals[0].start == at(30, 9, 30)
    ten = next(g for g in view.intervals if g.start == at(30, 10))
    assert ten.reforecast == pytest.approx(2 * 1.6)
    assert ten.scheduled == 2
    assert view.absent == []
    assert any(s.startswith("release") for s in view.suggestions)


def test_an_agent_offline_on_a_started_shift_is_absent_and_not_counted(hub, desk):
    _published_day(hub, desk)
    ada, bo = desk["ada"], desk["bo"]
    hub.app.routing.set_presence(ada, ada.id, Presence.ONLINE, now=at(30, 9))
    hub.app.routing.set_presence(bo, bo.id, Presence.OFFLINE, now=at(30, 9))
    view = hub.app.workforce.intraday(desk["coordinator"], desk["team"].id, StaffingGoal(),
                                      now=at(30, 10, 5))
    assert view.absent == [bo.name]
    assert next(g for g in view.intervals if g.start == at(30, 11)).scheduled == 1
    # At 12:00 the one agent who is here is on her break.
    assert next(g for g in view.intervals if g.start == at(30, 12)).scheduled == 0


def test_agents_ask_for_changes_and_coordinators_answer_once(hub, desk):
    week = _published_day(hub, desk)
    ada, bo, coordinator = desk["ada"], desk["bo"], desk["coordinator"]
    own = next(s for s in week.shifts if s.agent_id == ada.id)
    theirs = next(s for s in week.shifts if s.agent_id == bo.id)
    request = hub.app.workforce.request_change(ada, own.id, "Dentist at 9, start at 10?",
                                               now=SUNDAY)
    assert request.status is RequestStatus.OPEN
    with pytest.raises(NotFound):
        hub.app.workforce.request_change(ada, theirs.id, "Not mine", now=SUNDAY)
    with pytest.raises(ValidationFailed):
        hub.app.workforce.request_change(ada, None, "   ", now=SUNDAY)
    assert hub.app.workforce.requests(bo) == []
    assert [r.id for r in hub.app.workforce.requests(coordinator, RequestStatus.OPEN)] == [
        request.id]
    with pytest.raises(PermissionDenied):
        hub.app.workforce.answer_request(ada, request.id, True, now=SUNDAY)
    answered = hub.app.workforce.answer_request(coordinator, request.id, True, "Fine",
                                                now=SUNDAY)
    assert (answered.status, answered.answer, answered.answered_by) == (
        RequestStatus.APPROVED, "Fine", coordinator.id)
    with pytest.raises(Conflict):
        hub.app.workforce.answer_request(coordinator, request.id, False, now=SUNDAY)
