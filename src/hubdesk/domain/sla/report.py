"""The SLA report: how often each target was met in a window, and how long answers took in
business time, overall and per team, channel and priority.

A clock's cycle (a ticket's first response, each next response, its resolution) is counted
once, in the window where it was decided: where it was met in time, or where its deadline
passed. A deadline missed counts as missed whether or not the ticket was answered later, so a
month's figures do not improve when its late tickets are answered the next month, and a
ticket still waiting past its deadline counts as missed rather than being left out until it
is answered. Cycles stopped before either (a ticket solved by the customer's own word, a
policy removed) are not decisions and are not counted.

Times to answer are the business time the clock ran (pending time and closed hours left out),
for every cycle met in the window, on time or late.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from hubdesk.domain.percentiles import percentile
from hubdesk.domain.sla.policies import SlaTarget


@dataclass(frozen=True)
class CycleMark:
    """One mark in a clock cycle's history inside the window: its deadline passing
    (``missed``), or the cycle met (``met``, with the business time it ran and whether its
    deadline had passed by then)."""

    target: SlaTarget
    kind: str  # "missed" or "met"
    at: datetime
    team_id: int | None
    channel: str
    priority: str
    late: bool = False
    business_time: timedelta | None = None
    answered: bool = True  # for "missed": whether the cycle was met since


MISSED, MET = "missed", "met"


@dataclass(frozen=True)
class TargetFigures:
    target: SlaTarget
    decided: int  # cycles decided in the window
    met_in_time: int
    missed: int
    missed_unanswered: int  # missed in the window and not met since (still waiting, or stopped)
    met: int  # cycles met in the window, in time or late: the answers timed below
    median: timedelta | None
    p90: timedelta | None

    @property
    def met_share(self) -> float | None:
        """Met in time among the cycles decided, a fraction between 0 and 1."""
        return self.met_in_time / self.decided if self.decided else None


@dataclass(frozen=True)
class ReportGroup:
    """The figures of one team, channel or priority (``key`` None: the whole desk, or
    tickets of no team)."""

    key: int | str | None
    targets: tuple[TargetFigures, ...]


@dataclass(frozen=True)
class SlaReport:
    overall: tuple[TargetFigures, ...]
    teams: tuple[ReportGroup, ...]
    channels: tuple[ReportGroup, ...]
    priorities: tuple[ReportGroup, ...]


def sla_report(marks: Iterable[CycleMark]) -> SlaReport:
    marks = list(marks)
    return SlaReport(
        overall=_figures(marks),
        teams=_groups(marks, lambda mark: mark.team_id),
        channels=_groups(marks, lambda mark: mark.channel),
        priorities=_groups(marks, lambda mark: mark.priority))


def _groups(marks: list[CycleMark], key: Callable[[CycleMark], Hashable]
            ) -> tuple[ReportGroup, ...]:
    grouped: dict[Hashable, list[CycleMark]] = defaultdict(list)
    for mark in marks:
        grouped[key(mark)].append(mark)
    # Groups with a key first, in its order; tickets of no team last.
    order = sorted(grouped, key=lambda k: (k is None, str(k) if k is not None else ""))
    return tuple(ReportGroup(k, _figures(grouped[k])) for k in order)  # type: ignore[arg-type]


def _figures(marks: list[CycleMark]) -> tuple[TargetFigures, ...]:
    rows = []
    for target in SlaTarget:
        mine = [mark for mark in marks if mark.target is target]
        if not mine:
            continue
        missed = [mark for mark in mine if mark.kind == MISSED]
        met = [mark for mark in mine if mark.kind == MET]
        in_time = sum(1 for mark in met if not mark.late)
        times = sorted(mark.business_time for mark in met if mark.business_time is not None)
        rows.append(TargetFigures(
            target=target, decided=in_time + len(missed), met_in_time=in_time,
            missed=len(missed),
            missed_unanswered=sum(1 for mark in missed if not mark.answered),
            met=len(met),
            median=percentile(times, 0.5) if times else None,
            p90=percentile(times, 0.9) if times else None))
    return tuple(rows)
