"""The demo's workforce: this week's published schedule for the two frontline teams, drafted
from the demo's own tickets, and the presence their agents logged on the shifts so far, so
the workforce page has a staffing chart, a week and adherence to show.

The frontline agents get a routing profile to carry their presence, paused so that routing
hands them nothing by itself: the rest of the demo's tickets stay as the stories left them.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from hubdesk.bootstrap import Hub
from hubdesk.demo.organisation import Structure
from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import DomainError
from hubdesk.domain.routing import Presence
from hubdesk.domain.schedules import PlannedShift
from hubdesk.services.routing_records import ProfileChange
from hubdesk.services.workforce_plan import StaffingGoal

SCHEDULED_TEAMS = ("Frontline EN", "Frontline DE/FR")  # no agent belongs to both


def add_schedules(hub: Hub, structure: Structure, rng: random.Random, now: datetime) -> None:
    planner = structure.admin
    for name in SCHEDULED_TEAMS:
        team = structure.teams[name]
        assert team.id is not None
        try:
            draft = hub.app.workforce.draft(planner, team.id, now.date(), StaffingGoal(),
                                            time_limit_s=10, now=now)
            week = hub.app.workforce.publish(planner, draft.week.id or 0, now=now)
        except DomainError:
            continue  # a team the scheduler cannot cover keeps no week; the page says so
        for agent_id in {s.agent_id for s in week.shifts}:
            hub.app.routing.update_profile(planner, agent_id, ProfileChange(
                skills={"general": 3}, paused=True), now=now - timedelta(days=7))
            _log_presence(hub, planner, agent_id, sorted(
                (s for s in week.shifts if s.agent_id == agent_id and s.starts_at < now),
                key=lambda s: s.starts_at), rng, now)


def _log_presence(hub: Hub, planner: Agent, agent_id: int, shifts: list[PlannedShift],
                  rng: random.Random, now: datetime) -> None:
    """Mostly on time, sometimes late back from a break or gone early."""
    changes: list[tuple[datetime, Presence]] = []
    for shift in shifts:
        changes.append((shift.starts_at + timedelta(minutes=rng.choice((0, 0, 2, 5, 15))),
                        Presence.ONLINE))
        if shift.break_starts_at and shift.break_ends_at:
            changes.append((shift.break_starts_at, Presence.ON_BREAK))
            changes.append((shift.break_ends_at + timedelta(minutes=rng.choice((0, 0, 5, 10))),
                            Presence.ONLINE))
        changes.append((shift.ends_at - timedelta(minutes=rng.choice((0, 0, 0, 20))),
                        Presence.OFFLINE))
    for moment, presence in changes:
        if moment < now:
            hub.app.routing.set_presence(planner, agent_id, presence, now=moment)
