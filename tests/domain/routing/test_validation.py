"""Bad configuration is refused with the field named."""

from __future__ import annotations

import pytest

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.routing import (
    AgentProfile,
    CategoryRule,
    Relax,
    RelaxationStep,
    Roster,
    RoutingPolicy,
    ScoreWeights,
    Shift,
    SkillMap,
    SkillNeed,
    WellbeingPolicy,
)

from .helpers import NOW, agent


def _field(build) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        build()
    return caught.value.fields


def test_agent_profiles_are_checked():
    assert "skills" in _field(lambda: AgentProfile(1, {}))
    assert "skills.billing" in _field(lambda: AgentProfile(1, {"billing": 6}))
    assert "skills.billing" in _field(lambda: AgentProfile(1, {"billing": 0}))
    assert "capacity" in _field(lambda: agent(1, capacity=-1))
    assert "tier" in _field(lambda: agent(1, tier=4))
    assert "channel_costs.chat" in _field(lambda: agent(1, channel_costs={"chat": 0}))


def test_impossible_shifts_are_refused():
    assert _field(lambda: Shift(NOW, NOW - 1)) == {"shift": "ends before start"}
    assert _field(lambda: Shift(NOW, NOW)) == {"shift": "ends before start"}
    assert _field(lambda: Shift(NOW, NOW + 20 * 3600)) == {"shift": "too long"}
    assert _field(lambda: Shift(NOW, float("inf"))) == {"shift": "not finite"}


def test_unknown_skills_are_refused_in_the_category_map_and_in_profiles():
    known = frozenset({"billing", "returns"})
    assert "categories.refund.skills" in _field(lambda: SkillMap(
        known, {"refund": CategoryRule((SkillNeed("refunds", 2),))}))
    assert "categories.refund.skills.billing" in _field(lambda: SkillMap(
        known, {"refund": CategoryRule((SkillNeed("billing", 9),))}))
    roster = Roster(skill_map=SkillMap(known))
    assert _field(lambda: roster.add(agent(1, skills={"bilins": 3}))) \
        == {"skills": "unknown skill bilins"}


def test_policies_are_checked():
    assert "weights.affinity" in _field(lambda: ScoreWeights(affinity=-1))
    assert "wellbeing.difficult_limit" in _field(lambda: WellbeingPolicy(difficult_limit=0))
    assert "relaxation" in _field(lambda: RoutingPolicy(relaxation=(
        RelaxationStep(60, Relax.LOWER_PROFICIENCY), RelaxationStep(30, Relax.LOWER_PROFICIENCY))))
    assert "relaxation.value" in _field(lambda: RelaxationStep(1, Relax.SKILLS_BY_TIER, 7))
    assert "relaxation.value" in _field(lambda: RelaxationStep(1, Relax.FALLBACK_LANGUAGE))


def test_the_category_map_builds_requirements():
    skills = SkillMap(frozenset({"billing"}),
                      {"refund": CategoryRule((SkillNeed("billing", 3),), tier=2)})
    wanted = skills.requirements(7, "refund", "email", NOW, language="es", priority=3)
    assert wanted.needs == (SkillNeed("billing", 3),) and wanted.tier == 2
    assert wanted.language == "es" and wanted.priority == 3
    assert skills.requirements(8, "other", "chat", NOW).needs == ()
