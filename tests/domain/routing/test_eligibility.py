"""Hard constraints: every reason an agent is not eligible, named per agent."""

from __future__ import annotations

import pytest

from hubdesk.domain.errors import Conflict
from hubdesk.domain.routing import Exclusion, Presence, Shift, first_exclusion

from .helpers import NOW, agent, router, ticket


def _reason(profile, wanted, presence=Presence.ONLINE, load_with=None):
    routing = router(profile)
    routing.roster.set_presence(profile.agent_id, presence)
    if load_with is not None:
        routing.assign(load_with, profile.agent_id, NOW)
    return first_exclusion(routing.roster.state(profile.agent_id), wanted, NOW)


@pytest.mark.parametrize(("profile", "wanted", "presence", "expected"), [
    (agent(1), ticket(), Presence.AWAY, Exclusion.PRESENCE),
    (agent(1), ticket(), Presence.ON_BREAK, Exclusion.PRESENCE),
    (agent(1), ticket(), Presence.OFFLINE, Exclusion.PRESENCE),
    (agent(1, shift=Shift(NOW + 60, NOW + 3600)), ticket(), Presence.ONLINE, Exclusion.OFF_SHIFT),
    (agent(1), ticket(excluded_agents=frozenset({1})), Presence.ONLINE, Exclusion.EXCLUDED),
    (agent(1, teams="sales"), ticket(team="support"), Presence.ONLINE, Exclusion.TEAM),
    (agent(1, languages="en"), ticket(language="es"), Presence.ONLINE, Exclusion.LANGUAGE),
    (agent(1), ticket(needs={"returns": 1}), Presence.ONLINE, Exclusion.SKILL),
    (agent(1), ticket(needs={"billing": 4}), Presence.ONLINE, Exclusion.PROFICIENCY),
    (agent(1, tier=1), ticket(tier=2), Presence.ONLINE, Exclusion.TIER),
    (agent(1, channel_costs={"email": 1}), ticket(channel="phone"), Presence.ONLINE,
     Exclusion.CHANNEL),
    (agent(1, capacity=5), ticket(channel="phone"), Presence.ONLINE, Exclusion.CHANNEL),
    (agent(1), ticket(), Presence.ONLINE, None),
])
def test_the_first_failed_constraint_is_named(profile, wanted, presence, expected):
    assert _reason(profile, wanted, presence) == expected


def test_an_agent_without_capacity_left_is_excluded_for_capacity():
    assert _reason(agent(1, capacity=10), ticket(2, channel="chat"),
                   load_with=ticket(1, channel="phone")) is Exclusion.CAPACITY
    assert _reason(agent(1, capacity=10), ticket(2, channel="email"),
                   load_with=ticket(1, channel="chat")) is None


def test_the_decision_groups_the_agents_excluded_after_the_indexes_by_reason():
    routing = router(agent(1), agent(2, tier=1), agent(3, tier=2),
                     agent(4, shift=Shift(NOW + 10, NOW + 100)), agent(5, languages="fr"))
    decision = routing.route(ticket(tier=2, excluded_agents=frozenset({2})), NOW)
    assert decision.agent_id == 3
    assert decision.excluded == {Exclusion.TIER: (1,), Exclusion.EXCLUDED: (2,),
                                 Exclusion.OFF_SHIFT: (4,)}
    assert decision.screened_out["language"] == 1
    assert [c.agent_id for c in decision.candidates] == [3]


def test_explain_names_every_agent_of_the_roster_with_its_first_failed_constraint():
    routing = router(agent(1), agent(2, languages="fr"), agent(3, skills={"billing": 1}),
                     agent(4))
    routing.roster.set_presence(4, Presence.ON_BREAK)
    groups = routing.explain(ticket(needs={"billing": 2}), NOW)
    assert groups == {None: (1,), Exclusion.LANGUAGE: (2,), Exclusion.PROFICIENCY: (3,),
                      Exclusion.PRESENCE: (4,)}


def test_nobody_eligible_leaves_the_ticket_unassigned_and_never_over_capacity():
    routing = router(agent(1, capacity=10))
    routing.assign(ticket(1, channel="phone"), 1, NOW)
    assert routing.choose(ticket(2, channel="chat"), NOW) is None
    assert routing.route(ticket(2, channel="chat"), NOW).agent_id is None
    with pytest.raises(Conflict):
        routing.assign(ticket(2, channel="chat"), 1, NOW)
    routing.roster.release(1, 1)
    assert routing.choose(ticket(2, channel="chat"), NOW) == 1


def test_an_agent_going_offline_leaves_the_pool_and_coming_back_rejoins_it():
    routing = router(agent(1), agent(2))
    routing.roster.set_presence(1, Presence.AWAY)
    assert routing.eligible(ticket(), NOW) == [2]
    routing.roster.set_presence(1, Presence.ONLINE)
    assert routing.eligible(ticket(), NOW) == [1, 2]


def test_unroutable_ever_is_flagged_with_the_narrowest_reason():
    routing = router(agent(1, languages="en", skills={"billing": 3}),
                     agent(2, languages="de", skills={"returns": 5}), online=False)
    assert routing.never_served_because(ticket(language="fi")) == "no agent speaks 'fi'"
    assert routing.never_served_because(ticket(needs={"billing": 5})) \
        == "no agent has 'billing' at level 5 or above"
    assert "no single agent" in routing.never_served_because(
        ticket(language="de", needs={"billing": 1}))
    assert routing.never_served_because(ticket(tier=3)) \
        == "no agent meeting the other needs is of tier 3 or above"
    assert routing.never_served_because(ticket(channel="fax")) == "no agent takes 'fax' contacts"
    # Offline agents could still serve it later: not unroutable.
    assert routing.never_served_because(ticket()) is None
    decision = routing.route(ticket(language="fi"), NOW)
    assert decision.agent_id is None and decision.unroutable == "no agent speaks 'fi'"


def test_a_coordinator_changing_skills_keeps_presence_load_and_wellbeing():
    routing = router(agent(1, skills={"billing": 2}))
    routing.assign(ticket(1, channel="chat"), 1, NOW)
    routing.roster.update(agent(1, skills={"billing": 5, "returns": 3}))
    state = routing.roster.state(1)
    assert state.presence is Presence.ONLINE and state.load == 3 and state.handled == 1
    assert routing.eligible(ticket(2, needs={"returns": 3}), NOW) == [1]
    assert routing.eligible(ticket(3, channel="phone"), NOW) == []  # 3 of 10 units in use
    routing.roster.remove(1)
    assert routing.eligible(ticket(4), NOW) == []
    assert routing.never_served_because(ticket(4)) is not None
