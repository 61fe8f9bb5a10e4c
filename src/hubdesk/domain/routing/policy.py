"""The knobs of routing: score weights per team, wellbeing guards, relaxation after a wait."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.routing.profiles import LOWEST_PROFICIENCY, require_tier
from hubdesk.domain.routing.requirements import SkillNeed, TicketRequirements


def _non_negative(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or value < 0:
        raise ValidationFailed(f"{name} must be a finite number, zero or more, not {value!r}",
                               {name: "negative"})


@dataclass(frozen=True, slots=True)
class ScoreWeights:
    """How much each part of the score counts; every part is between 0 and 1."""

    skill_fit: float = 3.0
    spare_capacity: float = 2.0
    readiness: float = 1.0
    idle_time: float = 1.0
    affinity: float = 2.0
    wellbeing: float = 2.0
    # Wellbeing weighs more when the contact is difficult: that is when it protects someone.
    difficult_wellbeing: float = 6.0
    idle_horizon_s: float = 900.0  # idle this long counts fully

    def __post_init__(self) -> None:
        for name in ("skill_fit", "spare_capacity", "readiness", "idle_time", "affinity",
                     "wellbeing", "difficult_wellbeing"):
            _non_negative(f"weights.{name}", getattr(self, name))
        _non_negative("weights.idle_horizon_s", self.idle_horizon_s)
        if self.idle_horizon_s == 0:
            raise ValidationFailed("idle_horizon_s must be above zero",
                                   {"weights.idle_horizon_s": "zero"})


@dataclass(frozen=True, slots=True)
class WellbeingPolicy:
    """Guards for people who take difficult contacts.

    After ``difficult_limit`` difficult contacts within ``window_s`` an agent is *guarded*: the
    next difficult contact goes to someone else if anyone else is eligible, and in pull mode a
    guarded agent leaves a difficult ticket to others unless it has waited ``hold_s``. After
    ``streak_limit_s`` of handling without a gap a cool-down break is suggested.
    """

    difficult_limit: int = 3
    window_s: float = 3600.0
    streak_limit_s: float = 7200.0
    hold_s: float = 60.0

    def __post_init__(self) -> None:
        if isinstance(self.difficult_limit, bool) or not isinstance(self.difficult_limit, int) \
                or self.difficult_limit < 1:
            raise ValidationFailed("difficult_limit must be a whole number of at least 1",
                                   {"wellbeing.difficult_limit": "below 1"})
        for name in ("window_s", "streak_limit_s", "hold_s"):
            _non_negative(f"wellbeing.{name}", getattr(self, name))


class Relax(StrEnum):
    LOWER_PROFICIENCY = "lower_proficiency"  # every minimum level one lower (not below 1)
    SKILLS_BY_TIER = "skills_by_tier"  # skill needs dropped; any agent of the given tier or up
    FALLBACK_LANGUAGE = "fallback_language"  # the given language instead of the customer's


@dataclass(frozen=True, slots=True)
class RelaxationStep:
    after_s: float
    kind: Relax
    value: str | int | None = None

    def __post_init__(self) -> None:
        _non_negative("relaxation.after_s", self.after_s)
        if self.kind is Relax.SKILLS_BY_TIER:
            require_tier("relaxation.value", self.value)  # type: ignore[arg-type]
        if self.kind is Relax.FALLBACK_LANGUAGE and not isinstance(self.value, str):
            raise ValidationFailed("a fallback language needs a language code",
                                   {"relaxation.value": "missing"})

    def apply(self, ticket: TicketRequirements) -> TicketRequirements:
        note = self.describe(ticket)
        relaxations = (*ticket.relaxations, note)
        if self.kind is Relax.LOWER_PROFICIENCY:
            needs = tuple(SkillNeed(n.skill, max(LOWEST_PROFICIENCY, n.min_level - 1))
                          for n in ticket.needs)
            return replace(ticket, needs=needs, relaxations=relaxations)
        if self.kind is Relax.SKILLS_BY_TIER:
            tier = max(ticket.tier, int(self.value or 1))
            return replace(ticket, needs=(), tier=tier, relaxations=relaxations)
        return replace(ticket, language=str(self.value), relaxations=relaxations)

    def describe(self, ticket: TicketRequirements) -> str:
        after = f"after {self.after_s:g} s"
        if self.kind is Relax.LOWER_PROFICIENCY:
            levels = ", ".join(f"{n.skill} {n.min_level}→{max(1, n.min_level - 1)}"
                               for n in ticket.needs)
            return f"{after}: minimum proficiency lowered ({levels or 'no skills'})"
        if self.kind is Relax.SKILLS_BY_TIER:
            return f"{after}: any agent of tier {self.value} or up speaking the language"
        return f"{after}: language {ticket.language} → {self.value}"


@dataclass(frozen=True)
class RoutingPolicy:
    """Everything routing decides by; ``team_weights`` override ``weights`` for a ticket's team."""

    weights: ScoreWeights = ScoreWeights()
    team_weights: Mapping[str, ScoreWeights] = field(default_factory=dict)
    wellbeing: WellbeingPolicy = WellbeingPolicy()
    relaxation: tuple[RelaxationStep, ...] = ()
    affinity_grace_s: float = 7 * 86400.0
    top_candidates: int = 5

    def __post_init__(self) -> None:
        _non_negative("affinity_grace_s", self.affinity_grace_s)
        waits = [step.after_s for step in self.relaxation]
        if waits != sorted(waits):
            raise ValidationFailed("relaxation steps must come in the order of their waits",
                                   {"relaxation": "out of order"})
        if self.top_candidates < 1:
            raise ValidationFailed("top_candidates must be at least 1",
                                   {"top_candidates": "below 1"})

    def weights_for(self, team: str | None) -> ScoreWeights:
        return self.team_weights.get(team, self.weights) if team else self.weights

    def steps_due(self, waited_s: float) -> int:
        """How many relaxation steps apply after a wait of ``waited_s``."""
        count = 0
        for step in self.relaxation:
            if step.after_s > waited_s:
                break
            count += 1
        return count

    def relaxed(self, ticket: TicketRequirements, steps: int) -> TicketRequirements:
        """``ticket`` with the relaxation steps up to ``steps`` applied that it lacks."""
        for step in self.relaxation[len(ticket.relaxations):steps]:
            ticket = step.apply(ticket)
        return ticket

    def next_relaxation_at(self, ticket: TicketRequirements, steps: int) -> float:
        if steps >= len(self.relaxation):
            return math.inf
        return ticket.arrived_at + self.relaxation[steps].after_s
