"""What a ticket needs from whoever serves it, derived from its category by a configurable map."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.routing.profiles import require_level, require_tier

PRIORITY_RANK: Mapping[str, int] = {"low": 0, "normal": 1, "high": 2, "urgent": 3}


@dataclass(frozen=True, slots=True)
class SkillNeed:
    skill: str
    min_level: int = 1


@dataclass(frozen=True, slots=True)
class CategoryRule:
    """The skills (at least at their levels) and the tier a category's tickets need."""

    needs: tuple[SkillNeed, ...]
    tier: int = 1


@dataclass(slots=True)
class TicketRequirements:
    """One ticket as routing sees it. Treated as a value: relaxation makes a changed copy.

    ``sla_due`` is the instant its service-level clock runs out (infinity when none runs);
    ``priority`` is a rank (`PRIORITY_RANK`), ``vip`` the customer's level (0 for none).
    """

    ticket_id: int
    channel: str
    arrived_at: float
    needs: tuple[SkillNeed, ...] = ()
    language: str | None = None
    tier: int = 1
    priority: int = 1
    vip: int = 0
    sla_due: float = math.inf
    difficult: bool = False
    team: str | None = None
    excluded_agents: frozenset[int] = frozenset()
    previous_agent: int | None = None
    previous_served_at: float | None = None
    relaxations: tuple[str, ...] = ()

    def urgency(self) -> tuple[float, int, int, float, int]:
        """Smaller is more urgent: the SLA deadline, then priority, VIP level and age."""
        return (self.sla_due, -self.priority, -self.vip, self.arrived_at, self.ticket_id)

    def signature(self) -> tuple[object, ...]:
        """The parts that decide who may serve it; tickets alike wait in the same bucket."""
        return (self.needs, self.language, self.tier, self.channel, self.team)


@dataclass(frozen=True)
class SkillMap:
    """The configurable map from a ticket's category to what it needs.

    ``known_skills`` is the desk's catalogue; a rule or a profile naming another skill is
    refused. A category missing from the map needs ``default``.
    """

    known_skills: frozenset[str]
    categories: Mapping[str, CategoryRule] = field(default_factory=dict)
    default: CategoryRule = CategoryRule(())

    def __post_init__(self) -> None:
        for category, rule in {**self.categories, "<default>": self.default}.items():
            require_tier(f"categories.{category}.tier", rule.tier)
            for need in rule.needs:
                self.require_known(need.skill, f"categories.{category}.skills")
                require_level(f"categories.{category}.skills.{need.skill}", need.min_level)

    def require_known(self, skill: str, field_name: str) -> None:
        if skill not in self.known_skills:
            raise ValidationFailed(f"unknown skill {skill!r}; known: "
                                   + ", ".join(sorted(self.known_skills)),
                                   {field_name: f"unknown skill {skill}"})

    def require_known_all(self, skills: Iterable[str], field_name: str) -> None:
        for skill in skills:
            self.require_known(skill, field_name)

    def rule_for(self, category: str | None) -> CategoryRule:
        return self.categories.get(category or "", self.default)

    def requirements(self, ticket_id: int, category: str | None, channel: str,
                     arrived_at: float, **details: object) -> TicketRequirements:
        """A ticket's requirements from its category; ``details`` are the other fields."""
        rule = self.rule_for(category)
        fields: dict[str, Any] = {"tier": rule.tier, **details}
        return TicketRequirements(ticket_id, channel, arrived_at, rule.needs, **fields)
