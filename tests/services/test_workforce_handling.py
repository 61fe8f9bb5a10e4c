"""Handling time measured from the desk's own tickets on both databases: the time from the
message before each agent message (or the assignment, when later) summed per ticket and
averaged, per team and channel; long waits left out; too few tickets fall back to the desk's
setting with the reason; a given handling time wins; an agent's overlapping chats share the
time they overlap. And the arithmetic alone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.tickets import Channel
from hubdesk.services.tickets import NewTicket
from hubdesk.services.workforce_plan import StaffingGoal
from hubdesk.workforce.handling import (
    TicketTrail,
    estimate_handling,
    shared_handling,
    ticket_handling,
)
from tests import factories

MONDAY = date(2026, 11, 30)
SUNDAY = datetime(2026, 11, 29, 8, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def desk(hub):
    team = factories.team(hub, "Front")
    return {"team": team, "coordinator": factories.staff(hub, Role.COORDINATOR).agent,
            "ada": factories.staff(hub, teams=(team,)).agent}


def handled(hub, desk, count, *, first=4, second=2, channel=Channel.EMAIL, wait=None,
            every=10):
    """``count`` tickets, one every ``every`` minutes: the agent answers ``first`` minutes
    after the customer wrote, the customer writes back, the agent answers ``second`` minutes
    later."""
    for n in range(count):
        opened_at = SUNDAY + n * every * MINUTE
        ticket, _ = hub.app.tickets.open(desk["coordinator"], NewTicket(
            subject=f"Parcel {n}", body="Where is my parcel?", channel=channel,
            requester_email=f"c{n}@example.com", team_id=desk["team"].id), now=opened_at)
        answered = opened_at + (wait or first * MINUTE)
        hub.app.tickets.reply(desk["ada"], ticket.ticket.id, "On its way", now=answered)
        hub.app.tickets.customer_wrote(ticket.ticket.id, "Thanks, when?", now=answered + MINUTE)
        hub.app.tickets.reply(desk["ada"], ticket.ticket.id, "Tomorrow",
                              now=answered + MINUTE + second * MINUTE)


def plan(hub, desk, goal=None, channel=None):
    return hub.app.workforce.staffing(desk["coordinator"], desk["team"].id, MONDAY, 1,
                                      goal or StaffingGoal(fallback_aht_s=900), channel)


def test_the_handling_time_is_measured_from_the_teams_tickets(hub, desk):
    handled(hub, desk, 20)
    measured = plan(hub, desk)
    assert measured.aht_s == pytest.approx(360)  # 4 + 2 minutes per ticket
    assert measured.aht_method.startswith("measured from 20 tickets (40 agent messages)")
    quiet = plan(hub, desk, StaffingGoal(aht_s=30))
    assert quiet.aht_method == "given with the request" and quiet.aht_s == 30
    # Staff is required for the measured time: 3 contacts a half hour at 360 s (0.6 erlang)
    # need 2 agents for 80 % in 20 s, at 30 s (0.05 erlang) one.
    eight = datetime(2026, 11, 30, 8, tzinfo=UTC)
    assert [next(i.required for i in p.intervals if i.start == eight)
            for p in (measured, quiet)] == [2, 1]


def test_too_few_tickets_fall_back_to_the_setting_with_the_reason(hub, desk):
    handled(hub, desk, 19)
    fallback = plan(hub, desk)
    assert fallback.aht_s == 900
    assert fallback.aht_method == (
        "the desk's setting HUBDESK_WFM_AHT_S (900 s): only 19 tickets in the 56 days before "
        "2026-11-30 had an agent message to measure, at least 20 are needed")


def test_long_waits_are_not_counted_as_work(hub, desk):
    # The first answer comes three hours after the customer wrote: only the second counts.
    handled(hub, desk, 20, wait=3 * 60 * MINUTE)
    assert plan(hub, desk).aht_s == pytest.approx(120)


def test_each_channel_has_its_own_handling_time(hub, desk):
    # Calls 30 minutes apart: the agent works one at a time.
    handled(hub, desk, 20, first=10, second=10, channel=Channel.PHONE, every=30)
    assert plan(hub, desk, channel=Channel.PHONE).aht_s == pytest.approx(1200)
    assert plan(hub, desk, channel=Channel.EMAIL).aht_s == 900  # none of its own: the setting


def test_the_staffing_chart_says_how_the_handling_time_was_found(hub, desk):
    chart = hub.app.workforce.day_chart(desk["coordinator"], desk["team"].id, MONDAY,
                                        StaffingGoal(fallback_aht_s=900), now=SUNDAY)
    assert chart.aht_s == 900 and "only 0 tickets" in chart.aht_method


def test_overlapping_chats_share_the_time_they_overlap(hub, desk):
    """Ten pairs of chats: in each, Ada works two at once, from 0 to 6 and from 2 to 8
    minutes: 8 minutes busy for two tickets, 4 each (not 6, as counted one by one)."""
    bo = factories.staff(hub, teams=(desk["team"],)).agent
    for pair in range(10):
        base = SUNDAY + pair * 30 * MINUTE
        for n, (opened, answered) in enumerate(((0, 6), (2, 8))):
            ticket, _ = hub.app.tickets.open(desk["coordinator"], NewTicket(
                subject=f"Chat {pair}.{n}", body="Hello?", channel=Channel.CHAT,
                requester_email=f"c{pair}.{n}@example.com", team_id=desk["team"].id),
                now=base + opened * MINUTE)
            hub.app.tickets.reply(desk["ada"], ticket.ticket.id, "Hi!",
                                  now=base + answered * MINUTE)
    assert plan(hub, desk, channel=Channel.CHAT).aht_s == pytest.approx(240)
    assert "several tickets at once shared" in plan(hub, desk, channel=Channel.CHAT).aht_method
    # The same hours worked by two agents, one chat each, are each counted in full.
    for pair in range(10):
        base = SUNDAY + (pair * 30 + 10) * MINUTE + timedelta(days=1)
        for n, (agent, (opened, answered)) in enumerate(((desk["ada"], (0, 6)),
                                                         (bo, (2, 8)))):
            ticket, _ = hub.app.tickets.open(desk["coordinator"], NewTicket(
                subject=f"Web {pair}.{n}", body="Hello?", channel=Channel.WEB,
                requester_email=f"w{pair}.{n}@example.com", team_id=desk["team"].id),
                now=base + opened * MINUTE - timedelta(days=1))
            hub.app.tickets.reply(agent, ticket.ticket.id, "Hi!",
                                  now=base + answered * MINUTE - timedelta(days=1))
    assert plan(hub, desk, channel=Channel.WEB).aht_s == pytest.approx(360)


# --- the arithmetic alone ---------------------------------------------------------------------

def at(minutes: float) -> datetime:
    return SUNDAY + minutes * MINUTE


def test_work_starts_at_the_assignment_when_that_came_after_the_message():
    trail = TicketTrail(((False, at(0)), (True, at(50)), (False, at(52)), (True, at(55))),
                        assigned_at=at(45))
    assert ticket_handling(trail) == [300.0, 180.0]


def test_a_ticket_opened_by_an_agent_starts_with_no_span():
    assert ticket_handling(TicketTrail(((True, at(0)), (True, at(5))))) == [300.0]


def test_the_estimate_is_the_mean_per_ticket_and_needs_twenty_tickets():
    trails = [TicketTrail(((False, at(0)), (True, at(m)))) for m in [2] * 10 + [4] * 10]
    estimate = estimate_handling(trails)
    assert (estimate.seconds, estimate.tickets, estimate.spans) == (180.0, 20, 20)
    assert estimate_handling(trails[:19]).seconds is None


def chat(opened: float, answered: float, agent: int | None = 7) -> TicketTrail:
    return TicketTrail(((False, at(opened)), (True, at(answered))), authors=(None, agent))


def test_one_agents_overlapping_spans_share_each_moment_evenly():
    # 0–4 and 1–3: alone 0–1 and 3–4, two at once 1–3 (a minute each).
    assert shared_handling([chat(0, 4), chat(1, 3)]) == [[180.0], [60.0]]
    # Three side by side for six minutes: two minutes each, six minutes busy in all.
    assert shared_handling([chat(0, 6)] * 3) == [[120.0]] * 3
    # One ending as the next starts do not overlap.
    assert shared_handling([chat(0, 5), chat(5, 9)]) == [[300.0], [240.0]]


def test_spans_of_different_or_unknown_agents_are_counted_in_full():
    assert shared_handling([chat(0, 4, 7), chat(1, 3, 8)]) == [[240.0], [120.0]]
    assert shared_handling([chat(0, 4, None), chat(1, 3, None)]) == [[240.0], [120.0]]
    assert ticket_handling(chat(1, 3)) == [120.0]  # one ticket on its own: in full


def test_a_tickets_later_span_shares_only_what_overlaps_it():
    long_ticket = TicketTrail(((False, at(0)), (True, at(4)), (False, at(5)), (True, at(10))),
                              authors=(None, 7, None, 7))
    # The second ticket's span, 6–8, overlaps the first's second span, 5–10, by two minutes.
    assert shared_handling([long_ticket, chat(6, 8)]) == [[240.0, 240.0], [60.0]]


def test_the_estimate_averages_the_shared_times():
    # Twenty chats open at once within the same eight minutes share them all: 24 s each.
    assert estimate_handling([chat(0, 6), chat(2, 8)] * 10).seconds == pytest.approx(480 / 20)
    apart = [chat(10 * n, 10 * n + 6) for n in range(10)] + [
        chat(10 * n + 2, 10 * n + 8) for n in range(10)]
    assert estimate_handling(apart).seconds == pytest.approx(240)
