"""What a staffing plan must achieve, and the answer: agents on the phones and staff to roster."""

from __future__ import annotations

import math
from dataclasses import dataclass

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.load import require_finite

# A search that has not met its target by then is chasing an impossible one.
MAX_AGENTS = 100_000


@dataclass(frozen=True)
class Target:
    """Service goals for one interval; every goal given must be met.

    ``service_level`` of contacts answered within ``answer_within_s`` seconds (0.8 within 20 s),
    and/or a mean speed of answer of at most ``max_asa_s``; ``max_occupancy`` caps the share of
    time agents are busy (0.85 leaves them room to breathe); ``max_abandon`` caps the share of
    contacts that give up (only meaningful with customer patience, in Erlang A).
    """

    service_level: float | None = None
    answer_within_s: float = 20.0
    max_asa_s: float | None = None
    max_occupancy: float = 1.0
    max_abandon: float | None = None

    def __post_init__(self) -> None:
        if self.service_level is None and self.max_asa_s is None and self.max_abandon is None:
            raise ValidationFailed("give a service level, a mean speed of answer or an "
                                   "abandonment cap to staff for", {"target": "missing"})
        require_finite("answer_within_s", self.answer_within_s)
        if self.service_level is not None:
            _fraction("service_level", self.service_level)
            if self.service_level >= 1:
                raise ValidationFailed(
                    "a service level of 100 % cannot be reached while contacts arrive at "
                    "random: aim below 1 (for example 0.8)", {"service_level": "must be below 1"})
        if self.max_asa_s is not None:
            require_finite("max_asa_s", self.max_asa_s, positive=True)
        _fraction("max_occupancy", self.max_occupancy)
        if self.max_occupancy == 0:
            raise ValidationFailed("max_occupancy must be above 0", {"max_occupancy": "zero"})
        if self.max_abandon is not None:
            _fraction("max_abandon", self.max_abandon)


def _fraction(name: str, value: float) -> None:
    require_finite(name, value)
    if value > 1:
        raise ValidationFailed(f"{name} is a fraction between 0 and 1, not {value}",
                               {name: "must be between 0 and 1"})


@dataclass(frozen=True)
class Requirement:
    """Agents needed on the phones, and the staff to roster once shrinkage is allowed for.

    ``staff`` = ``agents`` / (1 − shrinkage): breaks, training and absence take that share of
    rostered time away from the phones. ``staff_rounded`` is the whole number to roster.
    """

    agents: int
    staff: float
    staff_rounded: int
    service_level: float
    asa_s: float
    occupancy: float
    p_wait: float
    p_abandon: float | None = None


def rostered_staff(agents: int, shrinkage: float) -> tuple[float, int]:
    require_finite("shrinkage", shrinkage)
    if shrinkage >= 1:
        raise ValidationFailed("shrinkage is the share of rostered time lost, below 1 (0.3 for "
                               "30 %)", {"shrinkage": "must be below 1"})
    staff = agents / (1 - shrinkage)
    # 14.000000000000002 staff is 14 people, not 15.
    return staff, math.ceil(round(staff, 9))
