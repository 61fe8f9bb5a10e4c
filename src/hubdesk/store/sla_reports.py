"""The marks the SLA report counts, read from the clocks' history in SQL.

The history keeps every cycle's deadline passing (``breached``, at the deadline) and its end
(``met``, with the business time it ran and whether it was late); a partial index on the
instants of those two kinds makes a window's marks an index range however long the history.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, exists, select

from hubdesk.domain.sla.policies import SlaTarget
from hubdesk.domain.sla.report import MET, MISSED, CycleMark
from hubdesk.store import tables as t

# The history's names for the marks the report reads.
_DEADLINE_PASSED, _MET = "breached", "met"


class SlaReportQueries:
    db: Connection

    def cycle_marks(self, since: datetime, until: datetime) -> list[CycleMark]:
        """Every deadline passed and every cycle met in [since, until), with the team,
        channel and priority its ticket has now."""
        h, c, tk = t.ticket_sla_clock_history, t.ticket_sla_clocks, t.tickets
        later = t.ticket_sla_clock_history.alias("later")
        answered = exists().where(later.c.ticket_id == h.c.ticket_id,
                                  later.c.clock_id == h.c.clock_id,
                                  later.c.cycle == h.c.cycle, later.c.kind == _MET)
        rows = self.db.execute(
            select(c.c.target, h.c.kind, h.c.at, h.c.data, tk.c.team_id, tk.c.channel,
                   tk.c.priority, answered.label("answered"))
            .select_from(h.join(c, c.c.id == h.c.clock_id).join(tk, tk.c.id == h.c.ticket_id))
            .where(h.c.kind.in_([_DEADLINE_PASSED, _MET]), h.c.at >= since, h.c.at < until))
        marks = []
        for row in rows:
            met = row.kind == _MET
            seconds = row.data.get("elapsed_seconds") if met else None
            marks.append(CycleMark(
                target=SlaTarget(row.target), kind=MET if met else MISSED, at=row.at,
                team_id=row.team_id, channel=str(row.channel), priority=str(row.priority),
                late=bool(row.data.get("late")) if met else True,
                business_time=timedelta(seconds=seconds) if seconds is not None else None,
                answered=bool(row.answered)))
        return marks
