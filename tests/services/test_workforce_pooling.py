"""Skill groups pooled and tiers as a grouping dimension when a team's week is drafted: the
sets of groups that share agents are staffed on their joint load (fewer agents than the
groups apart), the scheduler covers each group and each such set, and a group whose
category needs a higher tier is served only by agents of that tier (on both databases where
stored; the grouping alone without a database)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.services.directory import AgentInput, CustomerInput
from hubdesk.services.routing_config import parse
from hubdesk.services.routing_records import ProfileChange
from hubdesk.services.tickets import NewTicket
from hubdesk.services.workforce_groups import pooled_sets, split
from hubdesk.services.workforce_plan import StaffingGoal
from hubdesk.workforce.shift_schedule import ScheduleInfeasible
from tests import factories
from tests.routing_desk import CONFIG, configure

MONDAY = date(2026, 11, 30)
SKILL_MAP = parse(CONFIG).skill_map


def test_a_category_needing_a_higher_tier_is_a_group_of_its_own():
    tickets = [("hardware", "en")] * 2 + [("billing", "en")] * 2
    members = {1: ({"technical": 5, "billing": 3}, ("en",)),
               2: ({"technical": 5, "billing": 3}, ("en",))}
    groups = split(tickets, SKILL_MAP, members, {1: 1, 2: 3})
    assert groups.shares == pytest.approx({"technical≥5+en+tier≥3": 0.5, "billing≥3+en": 0.5})
    assert groups.members == {1: {"desk", "billing≥3+en"},
                              2: {"desk", "billing≥3+en", "technical≥5+en+tier≥3"}}
    # Without tiers given, every agent is tier 1 and nobody serves the hardware tickets.
    untiered = split(tickets, SKILL_MAP, members)
    assert "no member of the team serves technical≥5+en+tier≥3" in untiered.notes[1]


def test_the_sets_pooled_are_those_whose_groups_share_agents():
    everyone = {1: frozenset({"desk", "a", "b"}), 2: frozenset({"desk", "a"}),
                3: frozenset({"desk", "b"})}
    # Everyone serves "desk", so every set is served by the whole team: pooled as one.
    assert pooled_sets(["desk", "a", "b"], everyone) == [frozenset({"desk", "a", "b"})]
    specialists = {1: frozenset({"a"}), 2: frozenset({"b"})}
    assert pooled_sets(["a", "b"], specialists) == []  # nobody in common: nothing to pool
    mixed = {1: frozenset({"a", "b"}), 2: frozenset({"a"}), 3: frozenset({"c"}),
             4: frozenset({"c"})}
    assert pooled_sets(["a", "b", "c"], mixed) == [frozenset({"a", "b"}),
                                                   frozenset({"a", "b", "c"})]


@pytest.fixture
def bilingual_team(hub):
    """Five agents who each serve English billing and German questions; four weeks of two
    of each at 09:00."""
    admin = configure(hub)
    team = factories.team(hub, "Front")
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    people = []
    for _ in range(5):
        person = factories.staff(hub, teams=(team,)).agent
        hub.app.routing.update_profile(admin.agent, person.id, ProfileChange(
            skills={"billing": 4}, languages=("en", "de"), capacity=5),
            now=datetime(2026, 11, 1, tzinfo=UTC))
        people.append(person)
    for language in ("en", "de"):
        hub.app.directory.create_customer(coordinator, CustomerInput(
            fields_set=frozenset({"name", "emails", "language"}), name=language,
            emails=(f"{language}@example.com",), language=language))
    for day in range(28):
        nine = datetime(2026, 11, 2, 9, tzinfo=UTC) + timedelta(days=day)
        for n in range(2):
            hub.app.tickets.open(coordinator, NewTicket(
                subject="Invoice question", category="billing", team_id=team.id,
                body="Hello, I was charged twice on my last invoice and would like a refund "
                     "of the second payment please.",
                requester_email="en@example.com"), now=nine + timedelta(minutes=n))
            hub.app.tickets.open(coordinator, NewTicket(
                subject="Frage", team_id=team.id,
                body="Guten Tag, ich habe mein Paket noch nicht bekommen und möchte wissen, "
                     "wann es ankommt. Vielen Dank für Ihre Hilfe.",
                requester_email="de@example.com"), now=nine + timedelta(minutes=n + 2))
    return {"admin": admin.agent, "team": team, "coordinator": coordinator,
            "people": people}


def test_agents_serving_both_groups_are_staffed_for_their_joint_load(hub, bilingual_team):
    desk = bilingual_team
    outcome = hub.app.workforce.draft(desk["coordinator"], desk["team"].id, MONDAY,
                                      StaffingGoal(aht_s=600),
                                      now=datetime(2026, 11, 29, tzinfo=UTC))
    assert outcome.problems == []
    [pooled] = [n for n in outcome.notes if n.startswith("agents serving several groups")]
    together, apart = map(int, re.findall(r"needs (\d+) agents together where its groups "
                                          r"staffed apart would need (\d+)", pooled)[0])
    assert together < apart
    for day in range(7):
        nine = datetime.combine(MONDAY + timedelta(days=day), time(9, 10), tzinfo=UTC)
        working = sum(1 for s in outcome.week.shifts
                      if any(b <= nine < e for b, e in s.working_spans()))
        assert working >= together, day


def test_a_lower_tier_agent_is_not_counted_for_a_higher_tier_group(hub, bilingual_team):
    desk = bilingual_team
    # Hardware questions need tier 3 and technical at 5; two agents have the skill, one the
    # tier.
    senior, junior = desk["people"][:2]
    for person, tier in ((senior, 3), (junior, 1)):
        hub.app.directory.update_agent(desk["admin"], person.id, AgentInput(
            fields_set=frozenset({"tier"}), tier=tier))
        hub.app.routing.update_profile(desk["admin"], person.id, ProfileChange(
            skills={"billing": 4, "technical": 5}, languages=("en", "de"), capacity=5),
            now=datetime(2026, 11, 1, tzinfo=UTC))
    for day in range(28):
        nine = datetime(2026, 11, 2, 9, 5, tzinfo=UTC) + timedelta(days=day)
        for n in range(2):
            hub.app.tickets.open(desk["coordinator"], NewTicket(
                subject="Broken device", category="hardware", team_id=desk["team"].id,
                body="Hello, my device does not start any more since the update yesterday, "
                     "what can I do about it please?",
                requester_email="en@example.com"), now=nine + timedelta(minutes=n))

    def draft():
        return hub.app.workforce.draft(desk["coordinator"], desk["team"].id, MONDAY,
                                       StaffingGoal(aht_s=600),
                                       now=datetime(2026, 11, 29, tzinfo=UTC))

    # Two agents are needed for them at 09:00, and the junior does not count.
    with pytest.raises(ScheduleInfeasible) as refused:
        draft()
    assert "needs 2 agents for technical≥5+en+tier≥3 but only 1 with that skill" in str(
        refused.value)
    assert hub.app.workforce.week(desk["coordinator"], desk["team"].id, MONDAY) is None
    hub.app.directory.update_agent(desk["admin"], junior.id, AgentInput(
        fields_set=frozenset({"tier"}), tier=3))
    outcome = draft()
    assert any("technical≥5+en+tier≥3" in n for n in outcome.notes)
    assert not any("only 1 with that skill" in p for p in outcome.problems)
