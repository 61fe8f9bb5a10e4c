"""The categories and tiers within an agent's reach: never fewer than the policy serves them at
any step of relaxation, and fewer than all where their skills or tier fall short."""

from __future__ import annotations

import itertools
import random

from hubdesk.domain.routing import (
    CategoryRule,
    Relax,
    RelaxationStep,
    RoutingPolicy,
    SkillMap,
    SkillNeed,
    serves,
)
from hubdesk.domain.routing.reach import reach_of
from tests.domain.routing.helpers import agent

SKILLS = ("billing", "returns", "technical")
MAP = SkillMap(frozenset(SKILLS), {
    "billing": CategoryRule((SkillNeed("billing", 3),)),
    "refund": CategoryRule((SkillNeed("returns", 4),)),
    "hardware": CategoryRule((SkillNeed("technical", 5),), tier=3)},
    default=CategoryRule((SkillNeed("billing", 1),)))


def test_a_category_out_of_skill_or_tier_is_out_of_reach_and_relaxation_brings_it_back():
    person = agent(1, {"billing": 3, "returns": 3}, tier=2)
    strict = reach_of(person, MAP, RoutingPolicy())
    assert strict.unserved == {"refund", "hardware"} and strict.served == {"billing"}
    assert strict.default and strict.max_tier == 2

    lowered = RoutingPolicy(relaxation=(RelaxationStep(60, Relax.LOWER_PROFICIENCY),))
    assert reach_of(person, MAP, lowered).unserved == {"hardware"}  # returns 4 → 3
    by_tier = RoutingPolicy(relaxation=(RelaxationStep(60, Relax.SKILLS_BY_TIER, 2),))
    assert reach_of(person, MAP, by_tier).unserved == {"hardware"}  # tier 3 stays tier 3

    newcomer = reach_of(agent(2, {"returns": 5}, tier=3), MAP, RoutingPolicy())
    assert not newcomer.default and newcomer.served == {"refund"}
    assert newcomer.max_tier is None  # no ticket is above the highest tier


def test_every_ticket_served_at_any_step_and_escalation_is_within_reach():
    rng = random.Random(7)
    steps = [RelaxationStep(60, Relax.LOWER_PROFICIENCY),
             RelaxationStep(120, Relax.SKILLS_BY_TIER, 2),
             RelaxationStep(180, Relax.LOWER_PROFICIENCY),
             RelaxationStep(240, Relax.SKILLS_BY_TIER, 1)]
    for _ in range(300):
        categories = {f"c{n}": CategoryRule(
            tuple(SkillNeed(s, rng.randint(1, 5)) for s in rng.sample(SKILLS, rng.randint(0, 2))),
            tier=rng.randint(1, 3)) for n in range(4)}
        skill_map = SkillMap(frozenset(SKILLS), categories,
                             default=CategoryRule((), tier=rng.randint(1, 3)))
        policy = RoutingPolicy(relaxation=tuple(sorted(rng.sample(steps, rng.randint(0, 3)),
                                                       key=lambda s: s.after_s)))
        person = agent(1, {s: rng.randint(1, 5) for s in rng.sample(SKILLS, rng.randint(1, 3))},
                       tier=rng.randint(1, 3))
        reach = reach_of(person, skill_map, policy)
        for category, escalated in itertools.product([*categories, None], (1, 2, 3)):
            rule = skill_map.rule_for(category)
            needs = skill_map.requirements(1, category, "chat", 0.0, language="en",
                                           tier=max(rule.tier, escalated))
            for count in range(len(policy.relaxation) + 1):
                if not serves(person, policy.relaxed(needs, count)):
                    continue
                assert (category in reach.served) if category else reach.default
                assert category not in reach.unserved
                assert reach.max_tier is None or escalated <= reach.max_tier
