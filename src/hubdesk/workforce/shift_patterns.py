"""The columns of the covering problem: every shift (or tour) allowed, and what it covers.

A pattern is a start interval and a break offset. A shift covers ``length_intervals``
consecutive intervals from its start except its break; a tour is that shift on
``tour_work_days`` consecutive days from the day of its start. In a cyclic horizon intervals
wrap round (the week repeats); otherwise a pattern must end inside the horizon.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from hubdesk.workforce.shift_instance import ShiftInstance

if TYPE_CHECKING:
    from scipy.sparse import csr_array

NO_BREAK = -1


@dataclass(frozen=True)
class Patterns:
    """``matrix[t, j]`` is 1 when pattern ``j`` (``starts[j]``, ``breaks[j]``) covers ``t``."""

    starts: NDArray[np.int64]
    breaks: NDArray[np.int64]
    matrix: csr_array

    def __len__(self) -> int:
        return len(self.starts)


def break_choices(instance: ShiftInstance) -> tuple[int, ...]:
    return instance.break_offsets or (NO_BREAK,)


def working_days(instance: ShiftInstance) -> int:
    return instance.tour_work_days if instance.mode == "tours" else 1


def covered_intervals(instance: ShiftInstance, start: int, break_offset: int) -> list[int] | None:
    """The intervals one pattern covers, or None if it does not fit a non-cyclic horizon."""
    last = start + (working_days(instance) - 1) * instance.intervals_per_day \
        + instance.length_intervals
    if not instance.cyclic and last > instance.horizon:
        return None
    cells = []
    for day in range(working_days(instance)):
        first = start + day * instance.intervals_per_day
        cells += [(first + offset) % instance.horizon
                  for offset in range(instance.length_intervals) if offset != break_offset]
    return cells


def build_patterns(instance: ShiftInstance) -> Patterns:
    starts: list[int] = []
    breaks: list[int] = []
    rows: list[int] = []
    columns: list[int] = []
    for start in range(instance.horizon):
        for break_offset in break_choices(instance):
            cells = covered_intervals(instance, start, break_offset)
            if cells is None:
                continue
            rows += cells
            columns += [len(starts)] * len(cells)
            starts.append(start)
            breaks.append(break_offset)
    from scipy.sparse import csr_array  # only when a solve runs: SciPy is large

    matrix = csr_array((np.ones(len(rows)), (rows, columns)),
                       shape=(instance.horizon, len(starts)))
    return Patterns(np.asarray(starts, dtype=np.int64), np.asarray(breaks, dtype=np.int64),
                    matrix)


def coverage(patterns: Patterns, counts: Sequence[int] | NDArray[np.int64]) -> NDArray[np.int64]:
    """Agents present in each interval when pattern ``j`` is worked ``counts[j]`` times."""
    present = patterns.matrix @ np.asarray(counts, dtype=np.float64)
    return np.rint(np.asarray(present, dtype=np.float64)).astype(np.int64)


def why_uncoverable(instance: ShiftInstance, interval: int) -> str:
    """Why no allowed pattern covers ``interval`` (it has been found that none does)."""
    spanning = [start for start in range(instance.horizon)
                if any((interval - start - day * instance.intervals_per_day)
                       % instance.horizon < instance.length_intervals
                       for day in range(working_days(instance)))]
    fitting = [s for s in spanning if covered_intervals(instance, s, NO_BREAK) is not None]
    if fitting:
        return "every shift that could cover it would have its break there (shift.break_offsets)"
    unit = "tours" if instance.mode == "tours" else "shifts"
    return (f"cyclic is false, so {unit} must start and end inside the {instance.days} days "
            "and none that does reaches it")
