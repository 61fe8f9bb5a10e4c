"""A handoff's OLA clock read like an SLA clock: how much of the department's business time is
used, so its risk takes the same colours as a ticket's deadlines (half used, three quarters,
past the deadline), and the instants ahead at which that risk rises.

An OLA clock runs from the handoff's opening to its deadline without pausing (a send-back
keeps the deadline), so every instant follows from the opening, the target and the calendar
the handoff was opened under."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hubdesk.domain.handoffs import Handoff
from hubdesk.domain.sla.clocks import RISK_FROM, ZERO, Risk, RiskChange


@dataclass(frozen=True)
class OlaReading:
    """A running OLA clock at ``read_at``: business time left (negative past the deadline),
    its risk, and the rises of risk still to come."""

    read_at: datetime
    due_at: datetime
    left: timedelta
    risk: Risk
    changes: tuple[RiskChange, ...]


def read_ola(handoff: Handoff, now: datetime) -> OlaReading | None:
    """None when nothing runs: no OLA, or the department is no longer awaited."""
    ola, due_at, left = handoff.ola, handoff.due_at, handoff.time_left(now)
    if ola is None or due_at is None or left is None or not handoff.awaits_department:
        return None
    calendar = ola.business_calendar
    shares = [(ola.target * percent // 100, risk) for percent, risk in RISK_FROM]
    used = ola.target - left
    risk = Risk.BREACHED if left <= ZERO else next(
        (risk for share, risk in reversed(shares) if used >= share), Risk.LOW)
    ahead = [RiskChange(calendar.add(handoff.opened_at, share), risk, ola.target - share)
             for share, risk in shares]
    ahead.append(RiskChange(due_at, Risk.BREACHED, ZERO))
    return OlaReading(now, due_at, left, risk,
                      tuple(change for change in ahead if change.at > now))
