"""Who can take work: an agent's routing profile, validated once when it is built.

Instants are seconds since the epoch (UTC) as floats, so that the engine compares numbers on
its hot path; `instant` turns an aware datetime into one and refuses naive ones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from hubdesk.domain.errors import ValidationFailed

LOWEST_PROFICIENCY = 1
HIGHEST_PROFICIENCY = 5
TIERS = (1, 2, 3)
LONGEST_SHIFT_S = 16 * 3600.0
# What one contact of each channel costs out of an agent's capacity, unless a team says otherwise.
DEFAULT_CHANNEL_COSTS: Mapping[str, int] = {"phone": 10, "chat": 3, "email": 1}


class Presence(StrEnum):
    ONLINE = "online"
    AWAY = "away"
    ON_BREAK = "on_break"
    OFFLINE = "offline"


def instant(moment: datetime) -> float:
    if moment.tzinfo is None:
        raise ValidationFailed("routing needs timezone-aware instants", {"instant": "naive"})
    return moment.timestamp()


def require_level(name: str, level: int) -> int:
    if isinstance(level, bool) or not isinstance(level, int) \
            or not LOWEST_PROFICIENCY <= level <= HIGHEST_PROFICIENCY:
        raise ValidationFailed(f"{name} must be a proficiency from {LOWEST_PROFICIENCY} to "
                               f"{HIGHEST_PROFICIENCY}, not {level!r}", {name: "out of range"})
    return level


def require_tier(name: str, tier: int) -> int:
    if tier not in TIERS or isinstance(tier, bool):
        raise ValidationFailed(f"{name} must be one of {TIERS}, not {tier!r}", {name: "unknown"})
    return tier


@dataclass(frozen=True, slots=True)
class Shift:
    """The stretch of time an agent works; ``ends_at`` is exclusive."""

    starts_at: float
    ends_at: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.starts_at) and math.isfinite(self.ends_at)):
            raise ValidationFailed("a shift needs a finite start and end", {"shift": "not finite"})
        if self.ends_at <= self.starts_at:
            raise ValidationFailed("the shift ends before it starts",
                                   {"shift": "ends before start"})
        if self.ends_at - self.starts_at > LONGEST_SHIFT_S:
            raise ValidationFailed(f"a shift may last at most {LONGEST_SHIFT_S / 3600:g} hours",
                                   {"shift": "too long"})

    def covers(self, now: float) -> bool:
        return self.starts_at <= now < self.ends_at


@dataclass(frozen=True, slots=True)
class AgentProfile:
    """What routing knows of an agent that changes only when a coordinator changes it.

    ``skills`` maps a skill to its proficiency (1–5); ``capacity`` is in units, and
    ``channel_costs`` says what one contact of each channel costs (a channel missing from it is
    one the agent does not take). Presence, load and wellbeing change all day and live in the
    roster's `AgentState`.
    """

    agent_id: int
    skills: Mapping[str, int]
    languages: frozenset[str] = frozenset()
    tier: int = 1
    teams: frozenset[str] = frozenset()
    capacity: int = 10
    channel_costs: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_CHANNEL_COSTS))
    shift: Shift | None = None
    # Derived once, read on every decision: how many skills, and the distinct channel costs.
    breadth: int = field(init=False, repr=False, compare=False)
    cost_levels: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.skills:
            raise ValidationFailed(f"agent {self.agent_id} has no skills; give at least one",
                                   {"skills": "empty"})
        for skill, level in self.skills.items():
            require_level(f"skills.{skill}", level)
        require_tier("tier", self.tier)
        if isinstance(self.capacity, bool) or not isinstance(self.capacity, int) \
                or self.capacity < 0:
            raise ValidationFailed(f"capacity must be a whole number of units, zero or more, "
                                   f"not {self.capacity!r}", {"capacity": "negative"})
        for channel, cost in self.channel_costs.items():
            if isinstance(cost, bool) or not isinstance(cost, int) or cost <= 0:
                raise ValidationFailed(f"a {channel} contact must cost a whole number of units "
                                       f"above zero, not {cost!r}",
                                       {f"channel_costs.{channel}": "not positive"})
        object.__setattr__(self, "breadth", len(self.skills))
        object.__setattr__(self, "cost_levels", tuple(sorted(set(self.channel_costs.values()))))

    def cost_of(self, channel: str) -> int | None:
        """Units one contact of ``channel`` takes, or None when the agent cannot take it."""
        cost = self.channel_costs.get(channel)
        return cost if cost is not None and cost <= self.capacity else None
