"""The reports of the API, and drafting a week, taken in turns: an agent (or a script with
their token) whose reports and drafts under way take all their turns is answered 429 with
``Retry-After`` at once, as problem+json, while another agent's reports still answer."""

from __future__ import annotations

from hubdesk.domain.agents import Role
from tests import factories

REPORTS = ("/api/v1/reports/sla", "/api/v1/reports/satisfaction", "/api/v1/reports/flow",
           "/api/v1/reports/handoffs")


def test_a_report_beyond_the_agents_turns_is_refused_with_a_wait(hub, client):
    manager = factories.staff(hub, Role.MANAGER)
    colleague = factories.staff(hub, Role.MANAGER)
    share = hub.app.deps.heavy_reads
    with share.turn(manager.agent), share.turn(manager.agent):
        for url in REPORTS:
            refused = client.get(url, headers=manager.headers)
            assert refused.status_code == 429, (url, refused.text)
            assert refused.headers["content-type"] == "application/problem+json"
            assert int(refused.headers["retry-after"]) >= 1
            assert "being prepared" in refused.json()["detail"]
            assert client.get(url, headers=colleague.headers).status_code == 200, url
    for url in REPORTS:
        assert client.get(url, headers=manager.headers).status_code == 200, url


def test_drafting_a_week_beyond_the_agents_turns_is_refused_and_nothing_saved(hub, client):
    team = factories.team(hub)
    coordinator = factories.staff(hub, Role.COORDINATOR)
    factories.staff(hub, teams=(team,))
    week = {"team_id": team.id, "week_start": "2026-06-01"}
    share = hub.app.deps.heavy_reads
    with share.turn(coordinator.agent), share.turn(coordinator.agent):
        refused = client.post("/api/v1/wfm/schedules", headers=coordinator.headers, json=week)
        assert refused.status_code == 429, refused.text
        assert int(refused.headers["retry-after"]) >= 1
    assert client.get(f"/api/v1/wfm/schedules?team_id={team.id}&week_start=2026-06-01",
                      headers=coordinator.headers).status_code == 404
    drafted = client.post("/api/v1/wfm/schedules", headers=coordinator.headers, json=week)
    assert drafted.status_code in (201, 422), drafted.text  # its turn: the solver answers
