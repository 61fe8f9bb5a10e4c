"""Fewest shifts (or tours) covering a demand curve: a covering integer program solved by HiGHS.

Variables: x_j ≥ 0 whole, how many agents work pattern j (a start and a break offset; for
tours, that shift on consecutive days). Minimise Σ x_j subject to A·x ≥ demand, where
A[t, j] = 1 when pattern j covers interval t (Dantzig's set-covering model of shift
scheduling, with the break choice folded into the pattern).

The solve has three steps. The LP relaxation gives the lower bound (reported as
``lower_bound``); since the objective counts whole agents, ⌈LP⌉ is a lower bound too and is
added as a constraint, which spares the branch and bound from proving it again. The LP
solution rounded up is feasible (A ≥ 0) and is then thinned greedily: an incumbent that is
often already optimal, and proven so when it reaches ⌈LP⌉. Otherwise ``scipy.optimize.milp``
(HiGHS branch and cut) searches within the time limit and gap; the better of the two answers is
kept, its coverage checked against the demand, and ``optimal`` is true only when its size
equals a proven lower bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.shift_instance import ShiftInstance
from hubdesk.workforce.shift_patterns import (
    NO_BREAK,
    Patterns,
    build_patterns,
    coverage,
    why_uncoverable,
)

# LP values within this of a whole number are that number (HiGHS's feasibility tolerance).
TOLERANCE = 1e-6

if TYPE_CHECKING:
    from scipy.sparse import csr_array


class ScheduleInfeasible(ValidationFailed):
    """No schedule can meet the demand; the message names the interval and the rule."""


@dataclass(frozen=True)
class ScheduledShift:
    start: int
    break_offset: int | None
    count: int


@dataclass(frozen=True)
class ShiftSchedule:
    """The answer: ``agents`` patterns worked in all, ``shifts`` the non-zero ones."""

    agents: int
    lower_bound: float
    proven_bound: int
    optimal: bool
    shifts: tuple[ScheduledShift, ...]
    coverage: tuple[int, ...]
    method: str  # "rounding" (the LP rounded and thinned) or "milp"

    @property
    def gap(self) -> float:
        """Share of the answer above the LP bound."""
        return (self.agents - self.lower_bound) / self.agents if self.agents else 0.0


def check_coverable(instance: ShiftInstance, patterns: Patterns) -> None:
    reachable = patterns.matrix.sum(axis=1)
    for interval, needed in enumerate(instance.demand):
        if needed > 0 and reachable[interval] == 0:
            raise ScheduleInfeasible(
                f"{instance.describe_interval(interval)} needs {needed} agents but no allowed "
                f"{'tour' if instance.mode == 'tours' else 'shift'} covers it: "
                f"{why_uncoverable(instance, interval)}", {"demand": f"interval {interval}"})


def _lp_relaxation(matrix: csr_array, demand: NDArray[np.float64],
                   upper: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
    from scipy.optimize import Bounds, LinearConstraint, milp  # SciPy only when solving

    size = matrix.shape[1]
    result = milp(np.ones(size), constraints=LinearConstraint(matrix, lb=demand),
                  bounds=Bounds(0, upper), integrality=np.zeros(size, dtype=np.int64))
    if result.x is None:
        raise RuntimeError(f"the LP relaxation failed: {result.message}")
    return float(result.fun), np.asarray(result.x)


def _round_and_thin(matrix: csr_array, demand: NDArray[np.int64],
                    relaxed: NDArray[np.float64]) -> NDArray[np.int64]:
    """The LP solution rounded up, then any pattern whose cells all have spare agents is
    worked fewer times, the least-used patterns first."""
    counts = np.ceil(relaxed - TOLERANCE).astype(np.int64)
    spare = np.rint(matrix @ counts.astype(np.float64)).astype(np.int64) - demand
    columns = matrix.tocsc()
    for column in np.argsort(relaxed - np.floor(relaxed + TOLERANCE)):
        if counts[column] == 0:
            continue
        cells = columns.indices[columns.indptr[column]:columns.indptr[column + 1]]
        removable = min(int(counts[column]), int(spare[cells].min()) if len(cells) else 0)
        if removable > 0:
            counts[column] -= removable
            spare[cells] -= removable
    return counts


def _branch_and_bound(matrix: csr_array, demand: NDArray[np.float64],
                      upper: NDArray[np.float64], floor: int, time_limit_s: float,
                      gap: float) -> tuple[NDArray[np.int64] | None, float]:
    from scipy.optimize import Bounds, LinearConstraint, milp

    size = matrix.shape[1]
    result = milp(np.ones(size),
                  constraints=[LinearConstraint(matrix, lb=demand),
                               LinearConstraint(np.ones((1, size)), lb=floor)],
                  bounds=Bounds(0, upper), integrality=np.ones(size, dtype=np.int64),
                  options={"time_limit": time_limit_s, "mip_rel_gap": gap, "disp": False})
    bound = getattr(result, "mip_dual_bound", None)
    dual = float(bound) if bound is not None and math.isfinite(bound) else float(floor)
    if result.x is None:
        return None, dual
    return np.rint(result.x).astype(np.int64), dual


def solve_schedule(instance: ShiftInstance, *, time_limit_s: float = 60.0,
                   gap: float = 0.0) -> ShiftSchedule:
    """The fewest shifts (mode ``shifts``) or tours (mode ``tours``) meeting the demand."""
    if time_limit_s <= 0:
        raise ValidationFailed("time_limit must be above 0 seconds", {"time_limit": "not > 0"})
    if not 0 <= gap < 1:
        raise ValidationFailed("gap is a fraction between 0 and 1, e.g. 0.01",
                               {"gap": "out of range"})
    patterns = build_patterns(instance)
    check_coverable(instance, patterns)
    demand = np.asarray(instance.demand, dtype=np.int64)
    if not demand.any():
        return ShiftSchedule(0, 0.0, 0, True, (), tuple(int(v) for v in demand), "rounding")
    # No pattern is ever worth more agents than the largest demand. (Tighter bounds per
    # pattern, the largest demand it covers, were measured to slow HiGHS's search down.)
    upper = np.full(len(patterns), float(demand.max()))
    lower_bound, relaxed = _lp_relaxation(patterns.matrix, demand.astype(np.float64), upper)
    floor = math.ceil(lower_bound - TOLERANCE)
    counts = _round_and_thin(patterns.matrix, demand, relaxed)
    proven, method = floor, "rounding"
    if int(counts.sum()) > floor:
        found, dual = _branch_and_bound(patterns.matrix, demand.astype(np.float64), upper,
                                        floor, time_limit_s, gap)
        proven = max(floor, math.ceil(dual - TOLERANCE))
        if found is not None and found.sum() < counts.sum():
            counts, method = found, "milp"
    covered = coverage(patterns, counts)
    short = np.flatnonzero(covered < demand)
    if len(short):
        raise RuntimeError(f"the schedule leaves {instance.describe_interval(int(short[0]))} "
                           "short; this is a bug in the solver")
    shifts = tuple(
        ScheduledShift(int(patterns.starts[j]),
                       None if patterns.breaks[j] == NO_BREAK else int(patterns.breaks[j]),
                       int(counts[j]))
        for j in np.flatnonzero(counts))
    agents = int(counts.sum())
    return ShiftSchedule(agents, lower_bound, proven, agents <= proven, shifts,
                         tuple(int(v) for v in covered), method)
