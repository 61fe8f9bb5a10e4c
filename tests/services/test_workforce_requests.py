"""Approving an agent's change request changes the week on both databases: a swap, a day
off and a time change are applied in the approving transaction and show in the agents' own
shifts; a change that breaks a contract rule is refused naming the rule, and nothing (neither
the shifts nor the answer) is saved."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import Conflict, NotFound, ValidationFailed
from hubdesk.domain.schedules import RequestKind, RequestStatus, ShiftInput
from hubdesk.services.workforce import WantedChange
from tests import factories

MONDAY = date(2026, 11, 30)
BEFORE = datetime(2026, 11, 28, 12, tzinfo=UTC)
WEEK = (datetime(2026, 11, 30, tzinfo=UTC), datetime(2026, 12, 7, tzinfo=UTC))


def at(day: int, hour: int) -> datetime:
    """Day 30 is Monday 30 November; days 1 to 6 are in December."""
    return datetime(2026, 11 if day > 20 else 12, day, hour, tzinfo=UTC)


@pytest.fixture
def desk(hub):
    team = factories.team(hub, "Front")
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    ada, bo = (factories.staff(hub, teams=(team,)).agent for _ in range(2))
    return {"team": team, "coordinator": coordinator, "ada": ada, "bo": bo}


def publish(hub, desk, shifts):
    """A published week of (agent, start, end) shifts with a one-hour break after 3 hours."""
    coordinator = desk["coordinator"]
    week = hub.app.workforce.start_week(coordinator, desk["team"].id, MONDAY, now=BEFORE)
    for person, starts, ends in shifts:
        week = hub.app.workforce.save_shift(coordinator, week.id, ShiftInput(
            desk[person].id, starts, ends, starts + timedelta(hours=3),
            starts + timedelta(hours=4)), now=BEFORE)
    return hub.app.workforce.publish(coordinator, week.id, now=BEFORE)


def mine(hub, agent):
    return [(s.starts_at, s.ends_at) for s in hub.app.workforce.my_shifts(agent, *WEEK)]


def shift_of(week, agent, starts):
    return next(s for s in week.shifts if s.agent_id == agent.id and s.starts_at == starts)


def test_an_approved_swap_gives_each_agent_the_others_shift(hub, desk):
    week = publish(hub, desk, [("ada", at(30, 9), at(30, 17)), ("bo", at(1, 12), at(1, 20))])
    ada, bo = desk["ada"], desk["bo"]
    request = hub.app.workforce.request_change(
        ada, shift_of(week, ada, at(30, 9)).id, "Swap Monday for Bo's Tuesday?",
        WantedChange(RequestKind.SWAP, swap_shift_id=shift_of(week, bo, at(1, 12)).id),
        now=BEFORE)
    assert request.kind is RequestKind.SWAP and mine(hub, ada) == [(at(30, 9), at(30, 17))]

    answered = hub.app.workforce.answer_request(desk["coordinator"], request.id, True, "Ok",
                                                now=BEFORE)
    assert answered.status is RequestStatus.APPROVED
    assert mine(hub, ada) == [(at(1, 12), at(1, 20))]
    assert mine(hub, bo) == [(at(30, 9), at(30, 17))]


def test_an_approved_day_off_removes_the_shift(hub, desk):
    week = publish(hub, desk, [("ada", at(30, 9), at(30, 17)), ("ada", at(1, 9), at(1, 17))])
    ada = desk["ada"]
    request = hub.app.workforce.request_change(
        ada, shift_of(week, ada, at(1, 9)).id, "Moving house on Tuesday",
        WantedChange(RequestKind.DAY_OFF), now=BEFORE)
    hub.app.workforce.answer_request(desk["coordinator"], request.id, True, None, now=BEFORE)
    assert mine(hub, ada) == [(at(30, 9), at(30, 17))]


def test_an_approved_time_change_moves_the_shift_and_its_break(hub, desk):
    week = publish(hub, desk, [("ada", at(30, 9), at(30, 17))])
    ada = desk["ada"]
    request = hub.app.workforce.request_change(
        ada, week.shifts[0].id, "Dentist at 9: start at 10?",
        WantedChange(RequestKind.TIME_CHANGE, new_starts_at=at(30, 10),
                     new_ends_at=at(30, 18)), now=BEFORE)
    hub.app.workforce.answer_request(desk["coordinator"], request.id, True, None, now=BEFORE)
    [shift] = hub.app.workforce.my_shifts(ada, *WEEK)
    assert (shift.starts_at, shift.ends_at) == (at(30, 10), at(30, 18))
    assert (shift.break_starts_at, shift.break_ends_at) == (at(30, 13), at(30, 14))


def test_declining_changes_nothing(hub, desk):
    week = publish(hub, desk, [("ada", at(30, 9), at(30, 17))])
    request = hub.app.workforce.request_change(
        desk["ada"], week.shifts[0].id, "Day off please", WantedChange(RequestKind.DAY_OFF),
        now=BEFORE)
    hub.app.workforce.answer_request(desk["coordinator"], request.id, False, "No", now=BEFORE)
    assert mine(hub, desk["ada"]) == [(at(30, 9), at(30, 17))]


def refused_and_unchanged(hub, desk, request, rule):
    before = {a: mine(hub, desk[a]) for a in ("ada", "bo")}
    with pytest.raises(ValidationFailed) as refused:
        hub.app.workforce.answer_request(desk["coordinator"], request.id, True, "Fine",
                                         now=BEFORE)
    assert refused.value.fields == {"rule": rule}
    assert {a: mine(hub, desk[a]) for a in ("ada", "bo")} == before
    [still] = hub.app.workforce.requests(desk["coordinator"], RequestStatus.OPEN)
    assert (still.id, still.answer) == (request.id, None)
    return str(refused.value)


def test_a_time_change_that_leaves_too_little_rest_is_refused_and_nothing_saved(hub, desk):
    week = publish(hub, desk, [("ada", at(30, 12), at(30, 22)), ("ada", at(1, 9), at(1, 17))])
    ada = desk["ada"]
    request = hub.app.workforce.request_change(
        ada, shift_of(week, ada, at(1, 9)).id, "Start at 6 on Tuesday?",
        WantedChange(RequestKind.TIME_CHANGE, new_starts_at=at(1, 6), new_ends_at=at(1, 14)),
        now=BEFORE)
    message = refused_and_unchanged(hub, desk, request, "rest_between_shifts")
    assert message.startswith("rest between shifts:") and "8 hours" in message


def test_a_swap_that_leaves_the_other_agent_too_little_rest_is_refused(hub, desk):
    week = publish(hub, desk, [("ada", at(30, 12), at(30, 22)), ("bo", at(30, 6), at(30, 14)),
                               ("bo", at(1, 6), at(1, 14))])
    ada, bo = desk["ada"], desk["bo"]
    request = hub.app.workforce.request_change(
        ada, shift_of(week, ada, at(30, 12)).id, "Bo's early Monday for my late one?",
        WantedChange(RequestKind.SWAP, swap_shift_id=shift_of(week, bo, at(30, 6)).id),
        now=BEFORE)
    message = refused_and_unchanged(hub, desk, request, "rest_between_shifts")
    assert message.startswith(f"rest between shifts: {bo.name} would have 8 hours")


def test_a_time_change_over_the_weekly_hours_is_refused_naming_the_rule(hub, desk):
    days = [("ada", at(day, 9), at(day, 18)) for day in (30, 1, 2, 3, 4)]  # 8 paid hours each
    week = publish(hub, desk, days)
    ada = desk["ada"]
    request = hub.app.workforce.request_change(
        ada, shift_of(week, ada, at(4, 9)).id, "Stay late Friday",
        WantedChange(RequestKind.TIME_CHANGE, new_starts_at=at(4, 9), new_ends_at=at(4, 20)),
        now=BEFORE)
    message = refused_and_unchanged(hub, desk, request, "max_week_hours")
    assert "42 paid hours" in message and "at most 40" in message


def test_a_day_off_or_a_shorter_shift_below_the_minimum_hours_is_refused(hub, desk):
    days = [("ada", at(day, 9), at(day, 18)) for day in (30, 1, 2, 3)]  # 32 paid hours
    week = publish(hub, desk, days)
    ada = desk["ada"]
    off = hub.app.workforce.request_change(
        ada, shift_of(week, ada, at(3, 9)).id, "Thursday off", WantedChange(
            RequestKind.DAY_OFF), now=BEFORE)
    message = refused_and_unchanged(hub, desk, off, "min_week_hours")
    assert message == (f"minimum hours: {ada.name} would work 24 paid hours in the week, at "
                       "least 32 are required")
    hub.app.workforce.answer_request(desk["coordinator"], off.id, False, None, now=BEFORE)
    shorter = hub.app.workforce.request_change(
        ada, shift_of(week, ada, at(3, 9)).id, "Leave at four on Thursday", WantedChange(
            RequestKind.TIME_CHANGE, new_starts_at=at(3, 9), new_ends_at=at(3, 16)),
        now=BEFORE)
    assert "30 paid hours" in refused_and_unchanged(hub, desk, shorter, "min_week_hours")


def test_a_shift_moved_within_the_minimum_hours_is_approved(hub, desk):
    days = [("ada", at(day, 9), at(day, 18)) for day in (30, 1, 2, 3)]
    week = publish(hub, desk, days)
    ada = desk["ada"]
    later = hub.app.workforce.request_change(
        ada, shift_of(week, ada, at(3, 9)).id, "Thursday an hour later", WantedChange(
            RequestKind.TIME_CHANGE, new_starts_at=at(3, 10), new_ends_at=at(3, 19)),
        now=BEFORE)
    hub.app.workforce.answer_request(desk["coordinator"], later.id, True, None, now=BEFORE)
    assert (at(3, 10), at(3, 19)) in mine(hub, ada)


def test_a_week_of_six_days_takes_a_day_off_but_no_other_change(hub, desk):
    days = [("ada", at(day, 9), at(day, 14)) for day in (30, 1, 2, 3, 4, 5)]
    week = publish(hub, desk, days)  # by hand, a day over the contract
    ada = desk["ada"]
    later = hub.app.workforce.request_change(
        ada, shift_of(week, ada, at(5, 9)).id, "Saturday from 10?",
        WantedChange(RequestKind.TIME_CHANGE, new_starts_at=at(5, 10), new_ends_at=at(5, 15)),
        now=BEFORE)
    message = refused_and_unchanged(hub, desk, later, "max_days")
    assert "6 days in the week, at most 5" in message
    off = hub.app.workforce.request_change(
        ada, shift_of(week, ada, at(5, 9)).id, "Saturday off, then",
        WantedChange(RequestKind.DAY_OFF), now=BEFORE)
    hub.app.workforce.answer_request(desk["coordinator"], off.id, True, None, now=BEFORE)
    assert len(mine(hub, ada)) == 5


def test_requests_that_name_too_little_are_refused_when_made(hub, desk):
    week = publish(hub, desk, [("ada", at(30, 9), at(30, 17)), ("bo", at(1, 9), at(1, 17))])
    ada, bo = desk["ada"], desk["bo"]
    with pytest.raises(ValidationFailed) as missing:
        hub.app.workforce.request_change(ada, None, "Day off", WantedChange(
            RequestKind.DAY_OFF), now=BEFORE)
    assert "shift_id" in missing.value.fields
    with pytest.raises(ValidationFailed) as partner:
        hub.app.workforce.request_change(ada, week.shifts[0].id, "Swap", WantedChange(
            RequestKind.SWAP), now=BEFORE)
    assert "swap_shift_id" in partner.value.fields
    with pytest.raises(ValidationFailed):
        hub.app.workforce.request_change(ada, shift_of(week, ada, at(30, 9)).id, "Swap",
                                         WantedChange(RequestKind.SWAP, swap_shift_id=shift_of(
                                             week, ada, at(30, 9)).id), now=BEFORE)
    with pytest.raises(ValidationFailed) as reversed_times:
        hub.app.workforce.request_change(ada, shift_of(week, ada, at(30, 9)).id, "Later",
                                         WantedChange(RequestKind.TIME_CHANGE,
                                                      new_starts_at=at(30, 18),
                                                      new_ends_at=at(30, 10)), now=BEFORE)
    assert "new_ends_at" in reversed_times.value.fields
    with pytest.raises(NotFound):
        hub.app.workforce.request_change(ada, shift_of(week, bo, at(1, 9)).id, "Not mine",
                                         WantedChange(RequestKind.DAY_OFF), now=BEFORE)
    assert hub.app.workforce.requests(desk["coordinator"]) == []


def test_a_request_whose_shift_was_removed_cannot_be_approved(hub, desk):
    week = publish(hub, desk, [("ada", at(30, 9), at(30, 17))])
    request = hub.app.workforce.request_change(
        desk["ada"], week.shifts[0].id, "Day off", WantedChange(RequestKind.DAY_OFF),
        now=BEFORE)
    hub.app.workforce.delete_shift(desk["coordinator"], week.id, week.shifts[0].id, now=BEFORE)
    with pytest.raises(Conflict):
        hub.app.workforce.answer_request(desk["coordinator"], request.id, True, None,
                                         now=BEFORE)
    declined = hub.app.workforce.answer_request(desk["coordinator"], request.id, False,
                                                "Already off", now=BEFORE)
    assert declined.status is RequestStatus.DECLINED
