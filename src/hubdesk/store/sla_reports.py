"""What the SLA report counts, aggregated in SQL from the clocks' history.

The history keeps every cycle's deadline passing (``breached``, at the deadline) and its end
(``met``, with the business time it ran and whether it was late); a partial index on the
instants of those two kinds makes a window's marks an index range however long the history.
The database counts them per target, team, channel, priority and outcome, and ranks the
business times of the cycles met per target and group (PostgreSQL with ``percentile_disc`` over
grouping sets, in one pass; SQLite with window functions), so only the counts and two ranked
times per group leave it, however many tickets the window holds.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    String,
    Subquery,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import array

from hubdesk.domain.sla.policies import SlaTarget
from hubdesk.domain.sla.report import (
    MET,
    MISSED,
    AnswerTimes,
    Dimension,
    GroupKey,
    OutcomeCount,
)
from hubdesk.store import tables as t

# The history's names for the marks the report reads.
_DEADLINE_PASSED, _MET = "breached", "met"


class SlaReportQueries:
    db: Connection
    _tuned_for_a_report = False

    def outcome_counts(self, since: datetime, until: datetime) -> list[OutcomeCount]:
        """Deadlines passed and cycles met in [since, until), counted per target, the team,
        channel and priority of the ticket now, and outcome."""
        self._tune_for_a_report()
        marks = _marks(since, until)
        columns = (marks.c.target, marks.c.team_id, marks.c.channel, marks.c.priority,
                   marks.c.kind, marks.c.late, marks.c.answered)
        rows = self.db.execute(select(*columns, func.count().label("cycles"))
                               .group_by(*columns))
        return [OutcomeCount(
            target=SlaTarget(row.target), team_id=row.team_id, channel=str(row.channel),
            priority=str(row.priority), kind=MET if row.kind == _MET else MISSED,
            late=bool(row.late), answered=bool(row.answered), count=int(row.cycles))
            for row in rows]

    def answer_times(self, since: datetime, until: datetime) -> list[AnswerTimes]:
        """The median and 90th percentile business time of the cycles met in [since, until),
        per target, for the desk and per team, channel and priority: nearest rank, as
        `domain.percentiles.percentile` reads it (rank ⌈n/2⌉ and ⌈9n/10⌉ of n)."""
        self._tune_for_a_report()
        marks = _marks(since, until)
        met = select(marks).where(marks.c.kind == _MET).subquery("met")
        ranked = (self._ranked_in_groups(met) if self.db.dialect.name == "postgresql"
                  else self._ranked_by_windows(met))
        return [AnswerTimes(target=SlaTarget(target), dimension=dimension,
                            key=_key(dimension, key), median=timedelta(seconds=float(median)),
                            p90=timedelta(seconds=float(p90)))
                for dimension, target, key, median, p90 in ranked]

    def _ranked_in_groups(self, met: Subquery) -> list[tuple[Dimension, str, Any, Any, Any]]:
        """PostgreSQL: one pass, each group's percentiles by ``percentile_disc``, whose
        answer is the nearest rank (the first value at or past the fraction)."""
        grouped = func.grouping(met.c.team_id, met.c.channel, met.c.priority)
        rows = self.db.execute(
            select(met.c.target, met.c.team_id, met.c.channel, met.c.priority, grouped,
                   func.percentile_disc(array([0.5, 0.9])).within_group(met.c.seconds))
            .group_by(met.c.target, func.grouping_sets(
                tuple_(), met.c.team_id, met.c.channel, met.c.priority)))
        # GROUPING's bits: 4 team, 2 channel, 1 priority, set where a column is not grouped.
        dimensions = {7: (Dimension.DESK, None), 3: (Dimension.TEAM, 1),
                      5: (Dimension.CHANNEL, 2), 6: (Dimension.PRIORITY, 3)}
        found = []
        for row in rows:
            dimension, at = dimensions[row[4]]
            found.append((dimension, row[0], row[at] if at else None, *row[5]))
        return found

    def _ranked_by_windows(self, met: Subquery) -> list[tuple[Dimension, str, Any, Any, Any]]:
        """SQLite (no percentile aggregates): each value's rank within its group by window
        functions, keeping the two ranks wanted."""
        parts = []
        for dimension, key in ((Dimension.DESK, null()), (Dimension.TEAM, met.c.team_id),
                               (Dimension.CHANNEL, met.c.channel),
                               (Dimension.PRIORITY, met.c.priority)):
            group = (met.c.target,) if dimension is Dimension.DESK else (met.c.target, key)
            parts.append(select(
                literal(dimension.value).label("dimension"), met.c.target,
                cast(key, String).label("key"), met.c.seconds,
                func.row_number().over(partition_by=group, order_by=met.c.seconds)
                .label("rank"),
                func.count().over(partition_by=group).label("n")))
        ranked = union_all(*parts).subquery("ranked")
        half, ninth = (ranked.c.n + 1) // 2, (9 * ranked.c.n + 9) // 10
        rows = self.db.execute(select(ranked.c.dimension, ranked.c.target, ranked.c.key,
                                      ranked.c.seconds, ranked.c.rank == half,
                                      ranked.c.rank == ninth)
                               .where(or_(ranked.c.rank == half, ranked.c.rank == ninth)))
        found: dict[tuple[str, str, Any], dict[str, Any]] = {}
        for dimension, target, key, seconds, is_median, is_p90 in rows:
            at = found.setdefault((dimension, target, key), {})
            if is_median:
                at["median"] = seconds
            if is_p90:
                at["p90"] = seconds
        return [(Dimension(dimension), target, key, times["median"], times["p90"])
                for (dimension, target, key), times in found.items()]

    def _tune_for_a_report(self) -> None:
        """For this transaction only, on PostgreSQL (once, in one statement): no JIT
        compilation, which a year's window would trigger and which cost more than the query
        itself (1.3 of 3.6 s over 300,000 answers), and room to sort the answers in memory
        rather than on disk."""
        if self.db.dialect.name != "postgresql" or self._tuned_for_a_report:
            return
        self.db.execute(select(func.set_config("jit", "off", True),
                               func.set_config("work_mem", REPORT_WORK_MEM, True)))
        self._tuned_for_a_report = True  # a repository lives for one transaction


# Enough to sort a year's answers of a busy desk in memory (about 40 bytes each).
REPORT_WORK_MEM = "64MB"


def _marks(since: datetime, until: datetime) -> Subquery:
    h, c, tk = t.ticket_sla_clock_history, t.ticket_sla_clocks, t.tickets
    later = t.ticket_sla_clock_history.alias("later")
    # A count rather than EXISTS: PostgreSQL would hash EXISTS over every cycle ever met,
    # where this looks up the few deadlines passed in the window by their ticket.
    answered = select(func.count()).where(
        later.c.ticket_id == h.c.ticket_id, later.c.clock_id == h.c.clock_id,
        later.c.cycle == h.c.cycle, later.c.kind == _MET).scalar_subquery() > 0
    met = h.c.kind == _MET
    return (select(c.c.target, tk.c.team_id, tk.c.channel, tk.c.priority, h.c.kind,
                   case((met, func.coalesce(h.c.data["late"].as_boolean(), false())),
                        else_=literal(True)).label("late"),
                   case((met, literal(True)), else_=answered).label("answered"),
                   case((met, h.c.data["elapsed_seconds"].as_float()),
                        else_=null()).label("seconds"))
            .select_from(h.join(c, c.c.id == h.c.clock_id).join(tk, tk.c.id == h.c.ticket_id))
            .where(and_(h.c.kind.in_([_DEADLINE_PASSED, _MET]), h.c.at >= since,
                        h.c.at < until))
            .subquery("marks"))


def _key(dimension: Dimension, key: Any) -> GroupKey:
    if dimension is Dimension.TEAM:
        return int(key) if key is not None else None
    return None if dimension is Dimension.DESK else str(key)
