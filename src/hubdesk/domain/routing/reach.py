"""Which categories' tickets an agent could ever serve, at any point of a ticket's wait: what a
store may keep an agent's walk of the waiting line to without ever leaving out a ticket the
policy would give them."""

from __future__ import annotations

from dataclasses import dataclass

from hubdesk.domain.routing.policy import RoutingPolicy
from hubdesk.domain.routing.profiles import TIERS, AgentProfile
from hubdesk.domain.routing.requirements import CategoryRule, SkillMap, TicketRequirements


@dataclass(frozen=True)
class CategoryReach:
    """``unserved``: the mapped categories the agent could never serve; ``default``: whether
    they could serve a ticket of any other category (or none), which needs the map's default;
    ``max_tier``: the highest tier a ticket may have been escalated to for them (None when
    they are of the highest tier, so no ticket is out of their reach by its tier)."""

    unserved: frozenset[str]
    served: frozenset[str]
    default: bool
    max_tier: int | None


def reach_of(profile: AgentProfile, skill_map: SkillMap, policy: RoutingPolicy) -> CategoryReach:
    """A superset of the tickets `serves` accepts for ``profile`` by skills and tier, after
    any number of the policy's relaxation steps. A ticket's tier is its category's, or the
    tier it was escalated to if higher, and relaxation only ever raises it; its skill needs
    do not depend on the escalation. So a ticket the agent serves after some steps has a
    category whose rule, relaxed by as many steps, the agent meets, and an escalated tier no
    higher than theirs."""
    served = {category for category, rule in skill_map.categories.items()
              if _within_reach(profile, rule, policy)}
    return CategoryReach(unserved=frozenset(skill_map.categories) - served,
                         served=frozenset(served),
                         default=_within_reach(profile, skill_map.default, policy),
                         max_tier=profile.tier if profile.tier < max(TIERS) else None)


def _within_reach(profile: AgentProfile, rule: CategoryRule, policy: RoutingPolicy) -> bool:
    ticket = TicketRequirements(0, "", 0.0, rule.needs, tier=rule.tier)
    for steps in range(len(policy.relaxation) + 1):
        relaxed = policy.relaxed(ticket, steps)
        if profile.tier >= relaxed.tier and all(
                profile.skills.get(need.skill, 0) >= need.min_level for need in relaxed.needs):
            return True
    return False
