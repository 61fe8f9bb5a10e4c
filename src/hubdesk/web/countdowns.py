"""Clocks other than a ticket's SLA clocks in the shape the countdown template reads
(`templates/_countdown.html`, as `services/sla_reads.ClockView` has it), so they tick and
change colour in the browser like the queue's deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain.handoff_clock import read_ola
from hubdesk.domain.handoffs import Handoff
from hubdesk.domain.sla.clocks import Risk, RiskChange


@dataclass(frozen=True)
class OlaClock:
    read_at: datetime
    due_at: datetime
    business_seconds_left: float
    risk: Risk
    changes: tuple[RiskChange, ...]
    paused: bool = False  # an OLA clock never pauses
    target: str = "department's answer"


def ola_clock(handoff: Handoff, now: datetime) -> OlaClock | None:
    """The running OLA clock of a handoff its department still owes an answer, else None."""
    reading = read_ola(handoff, now)
    if reading is None:
        return None
    return OlaClock(reading.read_at, reading.due_at, reading.left.total_seconds(),
                    reading.risk, reading.changes)
