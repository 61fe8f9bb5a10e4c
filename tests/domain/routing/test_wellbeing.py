"""Wellbeing guards: difficult contacts spread, protected agents, cool-down suggestions."""

from __future__ import annotations

from hubdesk.domain.routing import Exclusion, RoutingPolicy, WellbeingPolicy

from .helpers import NOW, agent, dispatcher, router, ticket

GUARD = RoutingPolicy(wellbeing=WellbeingPolicy(difficult_limit=2, window_s=3600,
                                                streak_limit_s=1800, hold_s=60))


def _give_difficult(routing, agent_id, count, start=1000):
    for n in range(count):
        routing.assign(ticket(start + n, channel="email", difficult=True), agent_id, NOW - 600)
        routing.roster.release(agent_id, start + n)


def test_after_n_difficult_contacts_the_next_difficult_one_goes_to_someone_else():
    routing = router(agent(1, skills={"billing": 5}), agent(2, skills={"billing": 2}),
                     policy=GUARD)
    _give_difficult(routing, 1, 2)
    angry = ticket(difficult=True, needs={"billing": 1})
    decision = routing.route(angry, NOW)
    assert decision.agent_id == 2
    assert decision.wellbeing_guarded == (1,)
    assert decision.excluded[Exclusion.WELLBEING] == (1,)
    assert routing.choose(angry, NOW) == 2
    # A calm ticket still goes to the better fit.
    assert routing.choose(ticket(needs={"billing": 1}), NOW) == 1


def test_the_guard_yields_when_no_one_else_is_eligible():
    routing = router(agent(1), policy=GUARD)
    _give_difficult(routing, 1, 2)
    decision = routing.route(ticket(difficult=True), NOW)
    assert decision.agent_id == 1 and decision.wellbeing_guarded == ()


def test_the_guard_lifts_when_the_window_has_passed():
    routing = router(agent(1, skills={"billing": 5}), agent(2), policy=GUARD)
    _give_difficult(routing, 1, 2)
    assert routing.roster.state(1).guarded(NOW, GUARD.wellbeing)
    assert not routing.roster.state(1).guarded(NOW + 3600, GUARD.wellbeing)
    later = routing.route(ticket(difficult=True, needs={"billing": 4}), NOW + 3600)
    assert later.agent_id == 1 and later.wellbeing_guarded == ()


def test_difficult_contacts_spread_across_the_team():
    routing = router(*(agent(i) for i in range(1, 5)), policy=GUARD)
    for n in range(8):
        chosen = routing.choose(ticket(n, channel="email", difficult=True), NOW + n)
        routing.assign(ticket(n, channel="email", difficult=True), chosen, NOW + n)
        routing.roster.release(chosen, n)
    counts = [routing.roster.state(i).difficult_count for i in range(1, 5)]
    assert counts == [2, 2, 2, 2]


def test_a_long_handling_streak_suggests_a_cool_down():
    routing = router(agent(1), policy=GUARD)
    routing.assign(ticket(1, channel="email"), 1, NOW - 2000)
    decision = routing.route(ticket(2), NOW)
    assert decision.agent_id == 1 and decision.cooldown_suggested
    report = routing.roster.state(1).report(NOW, GUARD.wellbeing)
    assert report["cooldown_due"] is True and report["streak_s"] == 2000
    routing.roster.release(1, 1)
    assert not routing.roster.state(1).cooldown_due(NOW, GUARD.wellbeing)


def test_in_pull_mode_a_guarded_agent_leaves_a_fresh_difficult_ticket_to_others():
    desk, _ = dispatcher(agent(1), agent(2), policy=GUARD)
    _give_difficult(desk.router, 1, 2)
    for agent_id in (1, 2):
        desk.router.assign(ticket(100 + agent_id, channel="phone"), agent_id, NOW - 10)
        desk.held[100 + agent_id] = (agent_id, ticket(100 + agent_id, channel="phone"))
    assert desk.arrive(ticket(5, difficult=True), NOW) is None
    desk.finish(101, NOW + 1)
    assert 5 in desk.queue  # agent 1 is guarded; the ticket waits for agent 2
    desk.finish(102, NOW + 2)
    assert desk.held[5][0] == 2


def test_wellbeing_is_reported_per_agent_and_per_team():
    routing = router(agent(1, teams="north"), agent(2, teams="north"), agent(3, teams="south"),
                     policy=GUARD)
    _give_difficult(routing, 1, 2)
    _give_difficult(routing, 3, 1, start=2000)
    report = routing.roster.wellbeing(NOW, GUARD.wellbeing)
    assert [a["difficult_today"] for a in report["agents"]] == [2, 0, 1]
    assert report["teams"]["north"] == {"agents": 2, "difficult_today": 2,
                                        "difficult_in_window": 2, "guarded": 1,
                                        "cooldown_due": 0}
    assert report["teams"]["south"]["difficult_today"] == 1
