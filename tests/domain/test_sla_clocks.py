"""SLA clocks in business time: start, pause, resume, meet, breach, recompute, ladders."""

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.sla import (
    DEFAULT_LADDER,
    ClockStatus,
    Governing,
    LadderStep,
    Risk,
    SlaClock,
    SlaPolicy,
    SlaTarget,
    StepAction,
    TicketClocks,
)
from hubdesk.domain.tickets import Priority, Status, Ticket

BERLIN = BusinessCalendar.from_dict({
    "timezone": "Europe/Berlin",
    "hours": {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "holidays": [{"date": "12-25", "yearly": True}]})
NEW_YORK = BusinessCalendar.from_dict({
    "timezone": "America/New_York",
    "hours": {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}})
HOUR = timedelta(hours=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_deadline_counts_business_hours_only():
    # Friday 2026-03-27 16:00 Berlin (15:00 UTC), 4 business hours: 1 h Friday, 3 h Monday,
    # and Berlin moved to summer time on the Sunday in between.
    clock = SlaClock.start(SlaTarget.RESOLUTION, 1, 4 * HOUR, utc(2026, 3, 27, 15), BERLIN,
                           DEFAULT_LADDER)
    assert clock.due_at == utc(2026, 3, 30, 10)  # Monday 12:00 CEST
    # 75 % is 3 h: 1 h Friday + 2 h Monday
    assert clock.next_due_at == utc(2026, 3, 30, 9)


def test_pausing_keeps_the_time_used_and_moves_the_deadline():
    start = utc(2026, 6, 1, 7)  # Monday 09:00 CEST
    clock = SlaClock.start(SlaTarget.RESOLUTION, 1, 8 * HOUR, start, BERLIN, DEFAULT_LADDER)
    clock.pause(start + 2 * HOUR, BERLIN)
    assert (clock.status, clock.elapsed, clock.due_at, clock.next_due_at) == (
        ClockStatus.PAUSED, 2 * HOUR, None, None)
    clock.resume(utc(2026, 6, 2, 7), BERLIN, DEFAULT_LADDER)  # Tuesday 09:00
    assert clock.due_at == utc(2026, 6, 2, 13)  # 6 h left
    assert [e.kind for e in clock.new_entries] == ["started", "paused", "resumed"]


def test_a_ladder_fires_each_step_once_per_cycle_and_then_breaches():
    start = utc(2026, 6, 1, 7)
    clock = SlaClock.start(SlaTarget.FIRST_RESPONSE, 1, 4 * HOUR, start, BERLIN,
                           DEFAULT_LADDER)
    assert clock.advance(start + HOUR, BERLIN, DEFAULT_LADDER) == []
    fired = clock.advance(start + 3 * HOUR + timedelta(minutes=40), BERLIN, DEFAULT_LADDER)
    assert [s.at_percent for s in fired] == [75, 90]
    assert clock.advance(start + 3 * HOUR + timedelta(minutes=50), BERLIN, DEFAULT_LADDER) == []
    assert clock.next_due_at == start + 4 * HOUR and clock.breached_at is None
    fired = clock.advance(start + 5 * HOUR, BERLIN, DEFAULT_LADDER)
    assert [s.at_percent for s in fired] == [100]
    assert clock.breached_at == start + 4 * HOUR and clock.next_due_at is None
    assert clock.advance(start + 6 * HOUR, BERLIN, DEFAULT_LADDER) == []
    assert clock.risk(start + 6 * HOUR, BERLIN) is Risk.BREACHED


def test_a_late_answer_is_met_late_even_if_no_sweep_marked_the_breach():
    start = utc(2026, 6, 1, 7)
    clock = SlaClock.start(SlaTarget.FIRST_RESPONSE, 1, HOUR, start, BERLIN, DEFAULT_LADDER)
    clock.meet(start + 2 * HOUR, BERLIN)
    assert clock.status is ClockStatus.MET and clock.breached_at == start + HOUR
    assert [e.kind for e in clock.new_entries][-2:] == ["breached", "met"]
    assert clock.new_entries[-1].data["late"] is True


def test_a_deadline_passed_before_a_pause_is_missed_even_if_no_sweep_saw_it():
    start = utc(2026, 6, 1, 7)  # Monday 09:00 CEST
    clock = SlaClock.start(SlaTarget.RESOLUTION, 1, 2 * HOUR, start, BERLIN, DEFAULT_LADDER)
    clock.pause(start + 3 * HOUR, BERLIN)  # set pending an hour after the deadline
    assert clock.status is ClockStatus.PAUSED and clock.breached_at == start + 2 * HOUR
    assert [e.kind for e in clock.new_entries] == ["started", "breached", "paused"]
    clock.meet(start + 5 * HOUR, BERLIN)  # solved from pending
    assert clock.breached_at == start + 2 * HOUR
    assert clock.new_entries[-1].data["late"] is True


def test_a_pause_at_the_deadline_itself_is_in_time():
    start = utc(2026, 6, 1, 7)
    clock = SlaClock.start(SlaTarget.RESOLUTION, 1, 2 * HOUR, start, BERLIN, DEFAULT_LADDER)
    clock.pause(start + 2 * HOUR, BERLIN)
    clock.meet(start + 5 * HOUR, BERLIN)
    assert clock.breached_at is None and clock.new_entries[-1].data["late"] is False


def test_a_deadline_passed_before_a_clock_stops_is_missed():
    start = utc(2026, 6, 1, 7)
    clock = SlaClock.start(SlaTarget.FIRST_RESPONSE, 1, HOUR, start, BERLIN, DEFAULT_LADDER)
    clock.stop(start + 2 * HOUR, BERLIN, "solved")
    assert clock.status is ClockStatus.STOPPED and clock.breached_at == start + HOUR


def test_a_deadline_passed_before_a_longer_goal_applies_stays_missed():
    start = utc(2026, 6, 1, 7)
    clock = SlaClock.start(SlaTarget.RESOLUTION, 1, 2 * HOUR, start, BERLIN, DEFAULT_LADDER)
    clock.recompute(start + 3 * HOUR, before=BERLIN, calendar=BERLIN, ladder=DEFAULT_LADDER,
                    goal=8 * HOUR, policy_id=1)  # the policy lengthened after the deadline
    assert clock.breached_at == start + 2 * HOUR and clock.due_at == start + 8 * HOUR


def test_recompute_keeps_time_used_and_switches_goal_and_calendar():
    start = utc(2026, 6, 1, 7)  # Monday 09:00 Berlin = 03:00 New York
    clock = SlaClock.start(SlaTarget.RESOLUTION, 1, 8 * HOUR, start, BERLIN, DEFAULT_LADDER)
    changed = clock.recompute(start + 3 * HOUR, before=BERLIN, calendar=NEW_YORK,
                              ladder=DEFAULT_LADDER, goal=4 * HOUR, policy_id=2)
    assert changed and clock.elapsed == 3 * HOUR and clock.policy_id == 2
    # 1 h left on New York's hours: Monday 09:00 EDT is 13:00 UTC, so due 14:00 UTC
    assert clock.due_at == utc(2026, 6, 1, 14)
    kinds = [e.kind for e in clock.new_entries]
    assert kinds == ["started", "recomputed"]


def test_a_shorter_goal_past_the_time_used_is_due_at_once():
    start = utc(2026, 6, 1, 7)
    clock = SlaClock.start(SlaTarget.RESOLUTION, 1, 8 * HOUR, start, BERLIN, DEFAULT_LADDER)
    clock.recompute(start + 3 * HOUR, before=BERLIN, calendar=BERLIN, ladder=DEFAULT_LADDER,
                    goal=2 * HOUR, policy_id=1)
    assert clock.due_at == clock.next_due_at == start + 3 * HOUR
    assert [s.at_percent for s in clock.advance(start + 3 * HOUR, BERLIN, DEFAULT_LADDER)] \
        == [75, 90, 100]


def _ticket(status: Status = Status.NEW, priority: Priority = Priority.NORMAL) -> Ticket:
    at = utc(2026, 6, 1, 7)
    return Ticket(id=1, subject="s", requester_id=1, created_at=at, updated_at=at,
                  status=status, priority=priority)


POLICY = SlaPolicy.from_dict({
    "name": "Standard",
    "targets": {"normal": {"first_response": 240, "next_response": 120, "resolution": 960},
                "urgent": {"first_response": 30, "next_response": 30, "resolution": 240}}},
    policy_id=1)


def _rules(ticket: Ticket) -> TicketClocks:
    return TicketClocks(ticket, {}, Governing(POLICY, BERLIN), lambda _: BERLIN)


def test_ticket_rules_follow_the_conversation():
    ticket = _ticket()
    rules = _rules(ticket)
    at = utc(2026, 6, 1, 7)
    ticket.record(Actor.system(), EventKind.CREATED, at)
    rules.apply(ticket.pending_events[-1])
    assert set(rules.clocks) == {SlaTarget.FIRST_RESPONSE, SlaTarget.RESOLUTION}
    ticket.on_public_reply_by_agent(Actor.agent(1), at + HOUR)
    ticket.record(Actor.agent(1), EventKind.REPLIED, at + HOUR)
    for event in ticket.pending_events[1:]:
        rules.apply(event)
    assert rules.clocks[SlaTarget.FIRST_RESPONSE].status is ClockStatus.MET
    ticket.pending_events.clear()
    ticket.record(Actor.customer(1), EventKind.CUSTOMER_REPLIED, at + 2 * HOUR)
    rules.apply(ticket.pending_events[-1])
    assert rules.clocks[SlaTarget.NEXT_RESPONSE].status is ClockStatus.RUNNING
    ticket.change_status(Status.PENDING, Actor.agent(1), at + 3 * HOUR)
    rules.apply(ticket.pending_events[-1])
    assert {c.status for c in rules.clocks.values() if c.live} == {ClockStatus.PAUSED}
    ticket.change_status(Status.SOLVED, Actor.agent(1), at + 4 * HOUR)
    rules.apply(ticket.pending_events[-1])
    resolution = rules.clocks[SlaTarget.RESOLUTION]
    assert resolution.status is ClockStatus.MET and resolution.elapsed == 3 * HOUR
    assert rules.clocks[SlaTarget.NEXT_RESPONSE].status is ClockStatus.STOPPED


def test_raising_priority_mid_flight_applies_the_urgent_goal_to_what_remains():
    ticket = _ticket()
    rules = _rules(ticket)
    at = utc(2026, 6, 1, 7)
    ticket.record(Actor.system(), EventKind.CREATED, at)
    rules.apply(ticket.pending_events[-1])
    ticket.update(Actor.agent(1), at + HOUR, priority="urgent")
    rules.apply(ticket.pending_events[-1])
    resolution = rules.clocks[SlaTarget.RESOLUTION]
    assert resolution.goal == 4 * HOUR and resolution.due_at == at + 4 * HOUR
    first = rules.clocks[SlaTarget.FIRST_RESPONSE]
    assert first.due_at == at + HOUR  # 30 min allowed, 1 h used: due at once
    assert first.new_entries[-1].kind == "recomputed"


@pytest.mark.parametrize(("form", "field"), [
    ({"name": "x", "targets": {"normal": {"first_response": 0}}},
     "targets.normal.first_response"),
    ({"name": "x", "targets": {"soon": {"first_response": 5}}}, "targets.soon"),
    ({"name": "x", "targets": {"normal": {"first_response": 5}},
      "conditions": {"colour": ["red"]}}, "conditions.colour"),
    ({"name": "x", "targets": {"normal": {"first_response": 5}},
      "calendar": {"timezone": "Mars/Olympus", "always_open": True}}, "calendar.timezone"),
    ({"name": "x", "targets": {"normal": {"first_response": 5}},
      "ladder": [{"at_percent": 75, "actions": ["dance"]}]}, "ladder.0.actions"),
    ({"name": "x", "targets": {"normal": {"first_response": 5}},
      "pause_statuses": ["solved"]}, "pause_statuses"),
])
def test_bad_policies_name_the_field(form, field):
    from hubdesk.domain.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as raised:
        SlaPolicy.from_dict(form)
    assert field in raised.value.fields


def test_policies_match_in_order_on_their_conditions():
    from hubdesk.domain.sla import TicketFacts, match_policy
    from hubdesk.domain.tickets import Channel

    vip = SlaPolicy.from_dict({"name": "VIP", "position": 1,
                               "conditions": {"customer_tier": ["vip"], "channel": ["email"]},
                               "targets": {"normal": {"resolution": 60}}}, policy_id=2)
    every = SlaPolicy.from_dict({"name": "All", "position": 2,
                                 "targets": {"normal": {"resolution": 600}}}, policy_id=3)
    facts = TicketFacts(Priority.NORMAL, Channel.EMAIL, customer_tier="vip")
    assert match_policy([every, vip], facts) is vip
    assert match_policy([every, vip], TicketFacts(Priority.NORMAL, Channel.WEB,
                                                  customer_tier="vip")) is every
    assert SlaPolicy.from_dict(vip.to_dict(), policy_id=2) == vip


MINUTE_A_WEEK = BusinessCalendar.from_dict({"timezone": "UTC",
                                            "hours": {"mon": [["09:00", "09:01"]]}})


def test_a_clock_whose_calendar_never_reaches_the_deadline_runs_without_one_and_says_so():
    """A year of business time on a calendar open a minute a week ends thousands of years
    after the calendar's last year: the clock still starts (the ticket is not refused), with
    no deadline, and only the ladder steps the calendar does reach are planned."""
    start = utc(2026, 12, 7, 9)  # a Monday, as the calendar opens
    year = timedelta(days=366)
    clock = SlaClock.start(SlaTarget.RESOLUTION, 1, year, start, MINUTE_A_WEEK,
                           DEFAULT_LADDER)
    assert clock.status is ClockStatus.RUNNING and clock.due_at is None
    # The first warning (three quarters of the year, some 7,600 years on) still comes.
    first = min(step.at_percent for step in DEFAULT_LADDER)
    assert clock.next_due_at == MINUTE_A_WEEK.add(start, year * first // 100)
    unreachable = [e for e in clock.new_entries if e.kind == "unreachable"]
    assert [e.at for e in unreachable] == [start]
    assert unreachable[0].data["goal_seconds"] == year.total_seconds()
    later = start + timedelta(days=3650)
    assert clock.advance(later, MINUTE_A_WEEK, DEFAULT_LADDER) == []
    assert clock.breached_at is None and clock.risk(later, MINUTE_A_WEEK) is Risk.LOW
    # The countdown names the rises the calendar reaches, and no breach.
    rises = [c.risk for c in clock.risk_changes(later, MINUTE_A_WEEK)]
    assert rises and Risk.BREACHED not in rises
    clock.meet(later, MINUTE_A_WEEK)
    assert clock.status is ClockStatus.MET and clock.breached_at is None

    # A goal the calendar reaches, with a step past the calendar's years: the deadline
    # stands and the unreachable step is left out of what is planned.
    mondays = timedelta(minutes=400_000)  # as many Mondays: some 7,700 years on
    late_step = LadderStep(at_percent=200, actions=(StepAction.NOTIFY_COORDINATORS,))
    near = SlaClock.start(SlaTarget.RESOLUTION, 1, mondays, start, MINUTE_A_WEEK,
                          (*DEFAULT_LADDER, late_step))
    assert near.due_at is not None and 9600 < near.due_at.year < 9800
    assert near.next_due_at is not None and near.next_due_at < near.due_at
    assert "unreachable" not in [e.kind for e in near.new_entries]


def test_a_calendar_says_none_for_what_it_never_reaches_and_refuses_it_in_add():
    from hubdesk.domain.calendars import BeyondCalendar

    start = utc(2026, 12, 7, 9)
    assert MINUTE_A_WEEK.reach(start, timedelta(minutes=2)) == utc(2026, 12, 14, 9, 1)
    assert MINUTE_A_WEEK.reach(start, timedelta(days=366)) is None
    with pytest.raises(BeyondCalendar, match="after the year 9997"):
        MINUTE_A_WEEK.add(start, timedelta(days=366))
    closed = BusinessCalendar.from_dict({"timezone": "UTC", "hours": {}})
    assert closed.reach(start, HOUR) is None
