"""Turnaround of handoffs per department: which department is the bottleneck.

Turnaround is business time on the handoff's own OLA calendar (round the clock without one)
from opening to the department's answer, or to its end when it was finished without one.
Shares are fractions between 0 and 1.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from hubdesk.domain.handoffs import ROUND_THE_CLOCK, Handoff, HandoffStatus


@dataclass(frozen=True)
class DepartmentTurnaround:
    department_id: int
    handoffs: int
    finished: int  # answered, done or rejected: a turnaround is known
    median: timedelta | None
    p90: timedelta | None
    overdue_share: float  # of handoffs with a deadline: answered late or still awaited past it
    rejected_share: float


@dataclass(frozen=True)
class TurnaroundReport:
    departments: list[DepartmentTurnaround]

    @property
    def bottleneck(self) -> DepartmentTurnaround | None:
        """The department that keeps work longest: highest p90, then most often late."""
        timed = [d for d in self.departments if d.p90 is not None]
        if not timed:
            return None
        return max(timed, key=lambda d: (d.p90, d.overdue_share, -d.department_id))


def turnaround(handoff: Handoff) -> timedelta | None:
    """Business time the department took, or None while it is still awaited."""
    end = handoff.answered_at or (handoff.closed_at
                                  if handoff.status is HandoffStatus.REJECTED else None)
    if end is None:
        end = handoff.closed_at if handoff.status is HandoffStatus.DONE else None
    if end is None:
        return None
    calendar = handoff.ola.business_calendar if handoff.ola else ROUND_THE_CLOCK
    return calendar.elapsed(handoff.opened_at, end)


def percentile(sorted_values: list[timedelta], fraction: float) -> timedelta:
    """The nearest-rank percentile: the smallest value with at least ``fraction`` of the
    values at or below it."""
    rank = max(1, -(-round(fraction * 1000) * len(sorted_values) // 1000))
    return sorted_values[rank - 1]


def turnaround_report(handoffs: list[Handoff], now: datetime) -> TurnaroundReport:
    by_department: dict[int, list[Handoff]] = defaultdict(list)
    for handoff in handoffs:
        by_department[handoff.department_id].append(handoff)
    rows = []
    for department_id, group in sorted(by_department.items()):
        times = sorted(t for t in (turnaround(h) for h in group) if t is not None)
        with_deadline = [h for h in group if h.due_at is not None]
        overdue = sum(1 for h in with_deadline if h.is_overdue(now))
        rejected = sum(1 for h in group if h.status is HandoffStatus.REJECTED)
        rows.append(DepartmentTurnaround(
            department_id=department_id, handoffs=len(group), finished=len(times),
            median=percentile(times, 0.5) if times else None,
            p90=percentile(times, 0.9) if times else None,
            overdue_share=overdue / len(with_deadline) if with_deadline else 0.0,
            rejected_share=rejected / len(group)))
    return TurnaroundReport(rows)
