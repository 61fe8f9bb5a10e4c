"""Breach forecasts: the Poisson tail against a plain reference, the line ahead against a
pairwise count, and the outlook of a small roster worked out by hand."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.routing import AgentProfile, Presence, Roster, SkillNeed, TicketRequirements
from hubdesk.domain.routing.outlook import line_outlooks
from hubdesk.domain.sla.prediction import (
    TYPICAL_BREAK,
    LineOutlook,
    back_at,
    breach_probability,
    lines_ahead,
    pile_outlook,
    poisson_below,
    score,
)


def _reference_poisson_below(count: int, mean: float) -> float:
    return sum(math.exp(-mean) * mean ** i / math.factorial(i) for i in range(count))


@given(st.integers(0, 60), st.floats(0.0, 40.0))
def test_the_poisson_tail_matches_the_plain_sum(count, mean):
    assert poisson_below(count, mean) == pytest.approx(_reference_poisson_below(count, mean),
                                                       abs=1e-12)


def test_long_lines_and_horizons_neither_underflow_nor_overflow():
    assert poisson_below(10_000, 10_000.0) == pytest.approx(0.5, abs=0.01)
    assert poisson_below(100_000, 10.0) == 1.0
    assert poisson_below(10, 1e6) == 0.0


@given(st.integers(0, 30), st.integers(0, 5), st.integers(0, 8),
       st.floats(1.0, 7200.0), st.floats(10.0, 3600.0))
def test_a_longer_line_or_less_time_never_makes_a_breach_less_likely(ahead, free, busy, left,
                                                                    handle):
    base = breach_probability(LineOutlook(left, ahead, free, busy, handle))
    assert 0.0 <= base <= 1.0
    assert breach_probability(LineOutlook(left, ahead + 1, free, busy, handle)) >= base - 1e-12
    assert breach_probability(LineOutlook(left / 2, ahead, free, busy, handle)) >= base - 1e-12
    assert breach_probability(LineOutlook(left, ahead, free, busy + 1, handle)) <= base + 1e-12


def test_the_plain_cases():
    assert breach_probability(LineOutlook(600, 2, 3, 5, 300)) == 0.0  # starts now
    assert breach_probability(LineOutlook(600, 3, 0, 0, 300)) == 1.0  # nobody can take it
    assert breach_probability(LineOutlook(0, 0, 3, 5, 300)) == 1.0  # already due
    # One busy agent, nothing ahead: breach if their 300 s mean work outlasts 300 s: e^-1.
    assert breach_probability(LineOutlook(300, 0, 0, 1, 300)) == pytest.approx(math.exp(-1))
    assert LineOutlook(300, 4, 1, 2, 300).expected_wait_s == 600
    with pytest.raises(ValidationFailed):
        LineOutlook(300, -1, 0, 1, 300)
    with pytest.raises(ValidationFailed):
        LineOutlook(300, 0, 0, 1, 0)


@given(st.lists(st.integers(0, 4), max_size=40), st.data())
def test_lines_ahead_counts_earlier_tickets_of_lines_that_share_agents(lines, data):
    overlap = {(a, b): a == b or data.draw(st.booleans()) for a in range(5) for b in range(a, 5)}
    shares = {a: [b for b in range(5) if overlap[min(a, b), max(a, b)]] for a in range(5)}
    found = lines_ahead(list(enumerate(lines)), shares)
    for position, line in enumerate(lines):
        expected = sum(1 for earlier in lines[:position] if earlier in shares[line])
        assert found[position] == expected


def test_the_outlook_counts_the_slots_and_the_competing_line():
    roster = Roster()
    billing = AgentProfile(1, {"billing": 3}, frozenset({"en"}), capacity=10,
                           channel_costs={"email": 1, "chat": 3})
    both = AgentProfile(2, {"billing": 3, "returns": 3}, frozenset({"en"}), capacity=10,
                        channel_costs={"email": 1, "chat": 3})
    returns = AgentProfile(3, {"returns": 3}, frozenset({"en"}), capacity=10,
                           channel_costs={"email": 1, "chat": 3})
    for profile in (billing, both, returns):
        roster.add(profile, Presence.ONLINE)
    roster.add(AgentProfile(4, {"billing": 5}, frozenset({"en"})), Presence.AWAY)
    held = TicketRequirements(99, "chat", 0.0, (SkillNeed("billing"),), "en")
    roster.take(1, held, 0.0)  # 7 of agent 1's 10 units left: two more chats
    roster.take(1, TicketRequirements(98, "chat", 0.0, (SkillNeed("billing"),), "en"), 0.0)
    roster.take(1, TicketRequirements(97, "chat", 0.0, (SkillNeed("billing"),), "en"), 0.0)
    roster.take(2, TicketRequirements(96, "chat", 0.0, (SkillNeed("billing"),), "en"), 0.0)
    # Agent 1 holds 9 units (no chat fits), agent 2 holds 3 (two more chats fit).
    waiting = [TicketRequirements(n, "chat", float(n), (SkillNeed(skill),), "en", sla_due=due)
               for n, skill, due in ((1, "returns", 100.0), (2, "billing", 200.0),
                                     (3, "billing", 300.0), (4, "billing", math.inf))]
    found = line_outlooks(roster, waiting, 50.0, lambda channel: 600.0,
                          {1: 50.0, 2: 150.0, 3: 250.0})
    assert set(found) == {1, 2, 3}
    # Billing chats: agents 1 and 2, three slots each; agent 2 has two free.
    assert found[2] == LineOutlook(150.0, 1, 2, 4, 600.0)  # the returns chat shares agent 2
    assert found[3].ahead == 2
    # Returns chats: agents 2 and 3: two free slots at 2, three at 3.
    assert found[1] == LineOutlook(50.0, 0, 5, 1, 600.0)
    assert breach_probability(found[1]) == 0.0


def test_precision_and_recall():
    result = score([(True, True), (True, False), (False, True), (False, False), (True, True)])
    assert (result.forecasts, result.predicted, result.breached, result.hits) == (5, 3, 3, 2)
    assert result.precision == pytest.approx(2 / 3) and result.recall == pytest.approx(2 / 3)
    assert score([]).precision == 0.0


def test_an_assigned_ticket_waits_for_its_assignee_alone():
    assert breach_probability(pile_outlook(600, 0, 300)) == 0.0  # first of the pile
    # two due earlier: it starts once the assignee is done with the first of them
    x = 600 / 300
    assert breach_probability(pile_outlook(600, 2, 300)) == pytest.approx(
        math.exp(-x) * (1 + x))
    assert pile_outlook(600, 2, 300).expected_wait_s == 600
    chances = [breach_probability(pile_outlook(600, ahead, 300)) for ahead in range(6)]
    assert chances == sorted(chances) and chances[-1] > 0.9
    assert breach_probability(pile_outlook(0, 0, 300)) == 1.0  # already run out
    # only the assignee's own tickets are ahead of a ticket
    piles = lines_ahead([(1, 7), (2, 8), (3, 7), (4, 7), (5, 8)], {})
    assert piles == {1: 0, 2: 0, 3: 1, 4: 2, 5: 1}


NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_an_assignee_is_back_at_the_end_of_a_break_or_at_their_next_shift():
    minutes = lambda n: NOON + timedelta(minutes=n)  # noqa: E731
    assert back_at(Presence.ONLINE, NOON, since=minutes(-90)) == NOON
    # on a break: its scheduled end, else a typical break from its start, now at the latest
    assert back_at(Presence.ON_BREAK, NOON, since=minutes(-5),
                   break_ends_at=minutes(25)) == minutes(25)
    assert back_at(Presence.ON_BREAK, NOON, since=minutes(-5)) == \
        minutes(-5) + TYPICAL_BREAK
    assert back_at(Presence.AWAY, NOON, since=minutes(-60)) == NOON
    # offline: the next shift, if any is ahead
    assert back_at(Presence.OFFLINE, NOON, since=minutes(-600),
                   next_shift_at=minutes(120)) == minutes(120)
    assert back_at(Presence.OFFLINE, NOON, since=minutes(-600),
                   next_shift_at=minutes(-1)) is None
    assert back_at(Presence.OFFLINE, NOON, since=minutes(-600)) is None


def test_time_away_is_lost_from_the_time_left():
    present = pile_outlook(3000, 1, 1800)
    away = pile_outlook(3000, 1, 1800, away_s=1000)
    assert breach_probability(away) == pytest.approx(math.exp(-2000 / 1800))
    assert breach_probability(away) > breach_probability(present)
    assert away.expected_wait_s == pytest.approx(1000 + 1800)
    assert breach_probability(pile_outlook(3000, 0, 1800, away_s=2999)) == 0.0
    assert breach_probability(pile_outlook(3000, 0, 1800, away_s=3000)) == 1.0
    never = pile_outlook(3000, 0, 1800, away_s=math.inf)
    assert (breach_probability(never), never.expected_wait_s) == (1.0, math.inf)
    with pytest.raises(ValidationFailed):
        pile_outlook(3000, 0, 1800, away_s=-1)
