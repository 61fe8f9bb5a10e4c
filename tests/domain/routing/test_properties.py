"""Properties over random rosters and tickets: the indexes agree with the constraints, the
chosen agent is always eligible, and no one ever goes over capacity."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubdesk.domain.routing import (
    AgentProfile,
    Presence,
    Roster,
    Router,
    RoutingPolicy,
    SkillNeed,
    TicketRequirements,
    WaitingQueue,
    WellbeingPolicy,
    first_exclusion,
    score_parts,
    serves,
)

from .helpers import NOW

SKILLS = ("billing", "returns", "technical")
LANGUAGES = ("en", "es", "de")
CHANNELS = ("phone", "chat", "email")

profiles = st.builds(
    lambda skills, languages, tier, capacity, channels, presence: (AgentProfile(
        0, skills, frozenset(languages), tier, frozenset(), capacity,
        {c: {"phone": 10, "chat": 3, "email": 1}[c] for c in channels}), presence),
    st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5), min_size=1),
    st.sets(st.sampled_from(LANGUAGES), max_size=2), st.integers(1, 3), st.integers(0, 12),
    st.sets(st.sampled_from(CHANNELS), min_size=1), st.sampled_from(list(Presence)))
tickets = st.builds(
    lambda needs, language, tier, channel, difficult, excluded, due: TicketRequirements(
        0, channel, NOW, tuple(SkillNeed(s, lvl) for s, lvl in needs.items()), language, tier,
        difficult=difficult, excluded_agents=frozenset(excluded), sla_due=NOW + due),
    st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5), max_size=2),
    st.sampled_from((None, *LANGUAGES)), st.integers(1, 3), st.sampled_from(CHANNELS),
    st.booleans(), st.sets(st.integers(0, 11), max_size=2), st.integers(0, 1000))


def _router(agents) -> Router:
    roster = Roster()
    for agent_id, (profile, presence) in enumerate(agents):
        roster.add(AgentProfile(agent_id, profile.skills, profile.languages, profile.tier,
                                profile.teams, profile.capacity, profile.channel_costs),
                   presence)
    return Router(roster, RoutingPolicy(wellbeing=WellbeingPolicy(difficult_limit=1)))


@settings(max_examples=150, deadline=None)
@given(st.lists(profiles, min_size=1, max_size=12), st.lists(tickets, min_size=1, max_size=40),
       st.lists(st.booleans(), min_size=40, max_size=40))
def test_routing_never_breaks_a_hard_constraint_or_capacity(agents, wanted, releases):
    routing = _router(agents)
    states = routing.roster.states
    for number, (ticket, release) in enumerate(zip(wanted, releases, strict=False)):
        ticket.ticket_id = number
        now = NOW + number
        brute = sorted(a for a, s in states.items() if first_exclusion(s, ticket, now) is None)
        assert routing.eligible(ticket, now) == brute
        for agent_id, total in routing.ranked(ticket, now):
            state = states[agent_id]
            cost = state.profile.channel_costs[ticket.channel]
            assert total == pytest.approx(score_parts(state, ticket, cost, now,
                                                      routing.policy).total)
        chosen = routing.choose(ticket, now)
        decision = routing.route(ticket, now)
        assert decision.agent_id == chosen
        assert (chosen is None) == (not brute)
        if chosen is not None:
            assert first_exclusion(states[chosen], ticket, now) is None
            guarded = [a for a in brute if states[a].guarded(now, routing.policy.wellbeing)]
            if ticket.difficult and len(guarded) < len(brute):
                assert chosen not in guarded
            routing.assign(ticket, chosen, now)
        if release and chosen is not None and number % 3 == 0:
            routing.roster.release(chosen, number)
        for state in states.values():
            assert 0 <= state.load <= state.profile.capacity


@settings(max_examples=100, deadline=None)
@given(profiles, st.lists(tickets, min_size=1, max_size=30), st.integers(0, 12))
def test_pull_gives_the_most_urgent_ticket_the_agent_may_take(agent, wanted, load):
    profile, _ = agent
    roster = Roster([profile])
    roster.set_presence(0, Presence.ONLINE)
    state = roster.state(0)
    state.load = min(load, profile.capacity)
    queue = WaitingQueue()
    for number, ticket in enumerate(wanted):
        ticket.ticket_id = number
        ticket.difficult = False
        queue.push(ticket, NOW)
    spare = profile.capacity - state.load
    takeable = [t for t in wanted if serves(profile, t) and 0 not in t.excluded_agents
                and profile.channel_costs[t.channel] <= spare]
    best = queue.best_for(state, NOW)
    if not takeable:
        assert best is None
    else:
        assert best is not None
        assert best.urgency() == min(t.urgency() for t in takeable)
