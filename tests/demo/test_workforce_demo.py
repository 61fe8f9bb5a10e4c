"""The demo's workforce: this week published for the frontline teams, drafted from the demo's
tickets, with presence logged on the shifts so far, so the workforce page has something to
show."""

from __future__ import annotations

from datetime import UTC, datetime

from hubdesk.bootstrap import Hub
from hubdesk.demo.seeder import seed_demo
from hubdesk.demo.workforce import SCHEDULED_TEAMS
from hubdesk.domain.agents import Role
from hubdesk.domain.schedules import ScheduleStatus
from hubdesk.services.auth import LOCAL_OPERATOR

NOW = datetime(2024, 6, 5, 15, 30, tzinfo=UTC)  # a Wednesday afternoon


def test_the_frontline_weeks_are_published_with_presence_so_far(hub: Hub) -> None:
    seed_demo(hub, scale=0.06, now=NOW)
    admin = next(a for a in hub.app.directory.agents(LOCAL_OPERATOR) if a.role is Role.ADMIN)
    teams = {t.name: t for t in hub.app.directory.teams(admin)}
    for name in SCHEDULED_TEAMS:
        week = hub.app.workforce.week(admin, teams[name].id, NOW.date())
        assert week is not None and week.status is ScheduleStatus.PUBLISHED
        assert week.week_start.isoformat() == "2024-06-03"
        report = hub.app.workforce.adherence(admin, teams[name].id, NOW.date(), now=NOW)
        assert report.total.scheduled_minutes > 0
        assert report.total.adherent_minutes > 0  # presence was logged on the shifts
        assert 0 < (report.total.fraction or 0) <= 1
