"""The coordinator's control room: the whole operation on one screen, read in one transaction.

Every team's queue (unresolved, waiting for an agent and for how long, breached clocks,
forecast breaches, arrivals in the last hour), every agent's presence, load and wellbeing
with their oldest tickets (to move to someone else),
the likeliest breaches, handoffs waiting on departments, unroutable tickets and quarantined
e-mail. Each part is one grouped query or one bounded read, whatever the desk's size.

The breach forecast is the costly part (`sla_risk.ForecastMemo` says why it is kept a few
seconds); everything else on the screen is read afresh each time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import PermissionDenied
from hubdesk.services.ports import UnitOfWorkFactory
from hubdesk.services.routing_admin import BOARD_ROLES, AgentBoardRow, board_in
from hubdesk.services.routing_records import TicketRoutingState
from hubdesk.services.sla_risk import BreachForecast, ForecastMemo, forecast_in
from hubdesk.services.views import AssignedTicket

ARRIVAL_WINDOW = timedelta(hours=1)
MOST_AT_RISK = 10
WORK_PER_AGENT = 5  # tickets listed under each agent on the team board, to move elsewhere
BREAK_LOOKBACK = timedelta(hours=16)  # a break before that belongs to another working day
UNROUTABLE_LISTED = 10


@dataclass(frozen=True)
class QueueLine:
    team_id: int | None
    team_name: str
    unresolved: int
    waiting: int
    oldest_wait: timedelta | None
    breached: int
    at_risk: int  # waiting tickets forecast to breach
    arrived_last_hour: int


@dataclass(frozen=True)
class ControlRoom:
    at: datetime
    lines: list[QueueLine]  # the longest oldest wait first
    agents: list[AgentBoardRow]
    work: dict[int, list[AssignedTicket]]  # agent id → their oldest unresolved tickets
    at_risk: list[BreachForecast]  # the likeliest breaches
    at_risk_total: int
    forecast_at: datetime  # when the breach forecast was made (see `ForecastMemo`)
    handoffs_waiting: int
    handoffs_overdue: int
    unroutable: int
    quarantined: int
    # agent id → when their latest break today ended (None: on one now); absent: no break
    last_breaks: dict[int, datetime | None]
    unroutable_tickets: list[TicketRoutingState]  # the first few, with why, to act on


def control_room(uows: UnitOfWorkFactory, actor: Agent, *, now: datetime,
                 memo: ForecastMemo | None = None) -> ControlRoom:
    if actor.role not in BOARD_ROLES:
        raise PermissionDenied("the control room is for team leads, coordinators, managers "
                               "and administrators")
    with uows(write=False) as uow:
        teams = {team.id: team.name for team in uow.structure.teams()}
        forecast_at, report = (memo or ForecastMemo(timedelta(0))).forecast(
            now, lambda: forecast_in(uow, now))
        likely = report.at_risk
        risky = Counter(f.team_id for f in likely)
        lines = [QueueLine(line.team_id, teams.get(line.team_id, "No team"),
                           line.unresolved, line.waiting,
                           now - line.oldest_waiting_since if line.oldest_waiting_since
                           else None, line.breached, risky.get(line.team_id, 0),
                           line.arrived)
                 for line in uow.tickets.team_lines(now, now - ARRIVAL_WINDOW)]
        handoffs, overdue = uow.handoffs.waiting_counts(now)
        work: dict[int, list[AssignedTicket]] = {}
        for ticket in uow.tickets.assigned_work(WORK_PER_AGENT):
            work.setdefault(ticket.assignee_id, []).append(ticket)
        room = ControlRoom(
            now, sorted(lines, key=lambda q: (-(q.oldest_wait or timedelta(0)).total_seconds(),
                                              q.team_name)),
            board_in(uow, now), work, likely[:MOST_AT_RISK], len(likely), forecast_at,
            handoffs, overdue,
            uow.routing.count_unroutable(), uow.mail.count_quarantined(),
            uow.workforce.last_breaks(now - BREAK_LOOKBACK),
            uow.routing.unroutable(UNROUTABLE_LISTED))
    return room
