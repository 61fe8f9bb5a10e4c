"""Batch assignment: optimal beats (or ties) greedy, within capacity and constraints."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hubdesk.domain.routing import (
    AgentProfile,
    Presence,
    Roster,
    Router,
    SkillNeed,
    TicketRequirements,
    first_exclusion,
)
from hubdesk.routing.batch import apply, assign_greedy, assign_optimal

NOW = 1000.0


def _router(*profiles: AgentProfile) -> Router:
    roster = Roster()
    for profile in profiles:
        roster.add(profile, Presence.ONLINE)
    return Router(roster)


def _ticket(number: int, needs: dict[str, int], channel: str = "phone") -> TicketRequirements:
    return TicketRequirements(number, channel, NOW - 100 + number,
                              tuple(SkillNeed(s, lvl) for s, lvl in needs.items()))


def test_greedy_gives_the_first_ticket_the_only_agent_a_later_one_could_have_had():
    router = _router(AgentProfile(1, {"billing": 5, "technical": 5}),
                     AgentProfile(2, {"billing": 1, "returns": 1}))
    tickets = [_ticket(1, {"billing": 1}), _ticket(2, {"technical": 4})]
    greedy = assign_greedy(router, tickets, NOW)
    optimal = assign_optimal(router, tickets, NOW)
    assert greedy.assignments == ((1, 1),) and greedy.unassigned == (2,)
    assert optimal.assignments == ((1, 2), (2, 1)) and optimal.unassigned == ()
    apply(router, tickets, optimal, NOW)
    assert router.roster.state(1).load == 10 and router.roster.state(2).load == 10


SKILLS = ("billing", "returns")
agents_strategy = st.lists(st.tuples(st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5),
                                                     min_size=1), st.integers(0, 10)),
                           min_size=1, max_size=8)
tickets_strategy = st.lists(st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5),
                                            max_size=1), min_size=1, max_size=25)


@settings(max_examples=80, deadline=None)
@given(agents_strategy, tickets_strategy, st.sampled_from(("chat", "email", "phone")))
def test_optimal_is_never_worse_than_greedy_and_never_over_capacity(agents, needs, channel):
    router = _router(*(AgentProfile(n, skills, capacity=capacity)
                       for n, (skills, capacity) in enumerate(agents)))
    tickets = [_ticket(n, wanted, channel) for n, wanted in enumerate(needs)]
    optimal = assign_optimal(router, tickets, NOW)
    greedy = assign_greedy(router, tickets, NOW)
    assert len(optimal.assignments) >= len(greedy.assignments)
    if len(optimal.assignments) == len(greedy.assignments):
        assert optimal.total_score >= greedy.total_score - 1e-9
    by_id = {t.ticket_id: t for t in tickets}
    for ticket_id, agent in optimal.assignments:
        state = router.roster.state(agent)
        assert first_exclusion(state, by_id[ticket_id], NOW) is None
    apply(router, tickets, optimal, NOW)  # the roster refuses anything over capacity
    for state in router.roster.states.values():
        assert state.load <= state.profile.capacity
