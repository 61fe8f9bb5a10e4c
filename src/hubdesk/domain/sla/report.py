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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from hubdesk.domain.sla.policies import SlaTarget
from hubdesk.domain.tickets import Priority

GroupKey = int | str | None


class Dimension(StrEnum):
    DESK = "desk"
    TEAM = "team"
    CHANNEL = "channel"
    PRIORITY = "priority"


@dataclass(frozen=True)
class OutcomeCount:
    """How many cycles of one target, on tickets of one team, channel and priority, left one
    mark in the window: their deadline passing (``missed``, and whether met since), or met
    (in time or ``late``)."""

    target: SlaTarget
    team_id: int | None
    channel: str
    priority: str
    kind: str  # MISSED or MET
    late: bool
    answered: bool
    count: int


MISSED, MET = "missed", "met"


@dataclass(frozen=True)
class AnswerTimes:
    """The median and 90th percentile (nearest rank, `domain.percentiles.percentile`) of the
    business time the cycles met in the window took, for one target and group."""

    target: SlaTarget
    dimension: Dimension
    key: GroupKey
    median: timedelta
    p90: timedelta


# The share of decided cycles met in time below which a group is flagged to its readers.
MET_SHARE_GOAL = 0.8


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

    @property
    def short_of_goal(self) -> bool:
        share = self.met_share
        return share is not None and share < MET_SHARE_GOAL


@dataclass(frozen=True)
class ReportGroup:
    """The figures of one team, channel or priority (``key`` None: tickets of no team)."""

    key: GroupKey
    targets: tuple[TargetFigures, ...]


@dataclass(frozen=True)
class SlaReport:
    overall: tuple[TargetFigures, ...]
    teams: tuple[ReportGroup, ...]
    channels: tuple[ReportGroup, ...]
    priorities: tuple[ReportGroup, ...]


_PRESSING = {priority.value: rank for rank, priority in enumerate(Priority, start=1)}
_KEYS: dict[Dimension, Callable[[OutcomeCount], GroupKey]] = {
    Dimension.TEAM: lambda row: row.team_id,
    Dimension.CHANNEL: lambda row: row.channel,
    Dimension.PRIORITY: lambda row: row.priority,
}


def sla_report(counts: Iterable[OutcomeCount], times: Iterable[AnswerTimes]) -> SlaReport:
    counts = list(counts)
    timed = {(row.dimension, row.key, row.target): row for row in times}
    return SlaReport(
        overall=_figures(counts, _times_in(timed, Dimension.DESK, None)),
        teams=_groups(counts, Dimension.TEAM, timed),
        channels=_groups(counts, Dimension.CHANNEL, timed),
        priorities=_groups(counts, Dimension.PRIORITY, timed))


def _groups(counts: list[OutcomeCount], dimension: Dimension,
            timed: dict[tuple[Dimension, GroupKey, SlaTarget], AnswerTimes]
            ) -> tuple[ReportGroup, ...]:
    grouped: dict[GroupKey, list[OutcomeCount]] = defaultdict(list)
    for row in counts:
        grouped[_KEYS[dimension](row)].append(row)
    # Priorities the most pressing first; other keys in their order, tickets of no team last.
    pressing = _PRESSING if dimension is Dimension.PRIORITY else {}
    order = sorted(grouped, key=lambda k: (k is None, -pressing.get(str(k), 0),
                                           str(k) if k is not None else ""))
    return tuple(ReportGroup(key, _figures(grouped[key], _times_in(timed, dimension, key)))
                 for key in order)


def _times_in(timed: dict[tuple[Dimension, GroupKey, SlaTarget], AnswerTimes],
              dimension: Dimension, key: GroupKey
              ) -> Callable[[SlaTarget], AnswerTimes | None]:
    return lambda target: timed.get((dimension, key, target))


def _figures(counts: list[OutcomeCount],
             times_of: Callable[[SlaTarget], AnswerTimes | None]) -> tuple[TargetFigures, ...]:
    rows = []
    for target in SlaTarget:
        mine = [row for row in counts if row.target is target]
        if not mine:
            continue
        missed = [row for row in mine if row.kind == MISSED]
        met = [row for row in mine if row.kind == MET]
        in_time = sum(row.count for row in met if not row.late)
        times = times_of(target)
        rows.append(TargetFigures(
            target=target, decided=in_time + sum(row.count for row in missed),
            met_in_time=in_time, missed=sum(row.count for row in missed),
            missed_unanswered=sum(row.count for row in missed if not row.answered),
            met=sum(row.count for row in met),
            median=times.median if times else None, p90=times.p90 if times else None))
    return tuple(rows)
