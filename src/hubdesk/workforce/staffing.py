"""Staff a forecast: the agents and rostered staff each interval needs to meet a target."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from hubdesk.workforce import erlang_a
from hubdesk.workforce.erlang_c_many import required_agents_many
from hubdesk.workforce.load import Load, require_finite
from hubdesk.workforce.targets import Requirement, Target


@dataclass(frozen=True)
class IntervalStaffing:
    start: datetime
    arrivals: float
    requirement: Requirement


@dataclass(frozen=True)
class StaffingPlan:
    model: str  # "erlang_c" or "erlang_a"
    intervals: list[IntervalStaffing]

    @property
    def peak_staff(self) -> int:
        return max((i.requirement.staff_rounded for i in self.intervals), default=0)

    @property
    def staff_hours(self) -> float:
        """Rostered staff hours, counting each interval's fractional staff."""
        if len(self.intervals) < 2:
            return 0.0
        length_h = (self.intervals[1].start - self.intervals[0].start).total_seconds() / 3600
        return sum(i.requirement.staff for i in self.intervals) * length_h


def staff_intervals(arrivals: Sequence[tuple[datetime, float]], interval_s: float, aht_s: float,
                    target: Target, shrinkage: float = 0.0,
                    patience_s: float | None = None) -> StaffingPlan:
    """Erlang C per interval, or Erlang A when customers' mean ``patience_s`` is given."""
    require_finite("aht_s", aht_s, positive=True)
    if patience_s is not None:
        require_finite("patience_s", patience_s, positive=True)
    loads = [Load(arrivals=count, interval_s=interval_s, aht_s=aht_s) for _, count in arrivals]
    if patience_s is None:  # every interval searched together (`erlang_c_many`)
        requirements = required_agents_many(loads, target, shrinkage)[0]
    else:
        requirements = [erlang_a.required_agents(load, target, patience_s, shrinkage)
                        for load in loads]
    intervals = [IntervalStaffing(start, count, requirement)
                 for (start, count), requirement in zip(arrivals, requirements, strict=True)]
    return StaffingPlan("erlang_c" if patience_s is None else "erlang_a", intervals)
