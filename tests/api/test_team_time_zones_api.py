"""A team's time zone through the API on both databases: set and cleared by an
administrator, refused to a manager and for an unknown name with nothing saved, and followed
by the team's staffing answer and chart."""

from __future__ import annotations

from hubdesk.domain.agents import Role
from tests import factories


def test_an_administrator_sets_and_clears_a_teams_time_zone(hub, client):
    admin, manager = factories.staff(hub, Role.ADMIN), factories.staff(hub, Role.MANAGER)
    created = client.post("/api/v1/teams", json={"name": "East", "time_zone": "Asia/Tokyo"},
                          headers=admin.headers)
    assert created.status_code == 201, created.text
    team = created.json()
    assert team["time_zone"] == "Asia/Tokyo"
    url = f"/api/v1/teams/{team['id']}"

    refused = client.patch(url, json={"time_zone": "Europe/Paris"}, headers=manager.headers)
    assert refused.status_code == 403
    unknown = client.patch(url, json={"time_zone": "Mars/Olympus", "description": "x"},
                           headers=admin.headers)
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [{"field": "time_zone", "message": "unknown"}]
    renamed = client.patch(url, json={"name": "Far East"}, headers=manager.headers).json()
    assert (renamed["time_zone"], renamed["description"]) == ("Asia/Tokyo", "")

    tokyo = client.get("/api/v1/wfm/staffing", headers=admin.headers,
                       params={"first_day": "2026-11-30", "team_id": team["id"]}).json()
    assert tokyo["timezone"] == "Asia/Tokyo"
    assert tokyo["intervals"][0]["start"].startswith("2026-11-29T15:00")  # midnight, JST
    chart = client.get("/api/v1/wfm/day", headers=admin.headers,
                       params={"day": "2026-11-30", "team_id": team["id"]}).json()
    assert chart["timezone"] == "Asia/Tokyo"

    cleared = client.patch(url, json={"time_zone": ""}, headers=admin.headers).json()
    assert cleared["time_zone"] is None
    listed = {t["id"]: t["time_zone"] for t in client.get(
        "/api/v1/teams", headers=admin.headers).json()}
    assert listed[team["id"]] is None
    desk = client.get("/api/v1/wfm/staffing", headers=admin.headers,
                      params={"first_day": "2026-11-30", "team_id": team["id"]}).json()
    assert desk["timezone"] == "UTC"
    assert desk["intervals"][0]["start"].startswith("2026-11-30T00:00")


def test_an_agents_own_days_follow_their_teams_clock(client, hub):
    from datetime import UTC, datetime

    from hubdesk.domain.schedules import ShiftInput

    admin = factories.staff(hub, Role.ADMIN)
    team = factories.team(hub, "East")
    hub.app.directory.update_team(admin.agent, team.id, time_zone="Asia/Tokyo")
    ada = factories.staff(hub, teams=(team,))
    week = hub.app.workforce.start_week(admin.agent, team.id, datetime(2026, 11, 30).date())
    # 07:00–09:00 on Tuesday 1 December in Tokyo is still Monday 30 November in UTC.
    early = datetime(2026, 11, 30, 22, tzinfo=UTC)
    hub.app.workforce.save_shift(admin.agent, week.id, ShiftInput(
        ada.agent.id, early, early.replace(hour=23, minute=59)))
    hub.app.workforce.publish(admin.agent, week.id)
    tuesday = client.get("/api/v1/wfm/my-shifts", headers=ada.headers,
                         params={"first_day": "2026-12-01", "days": 1})
    monday = client.get("/api/v1/wfm/my-shifts", headers=ada.headers,
                        params={"first_day": "2026-11-30", "days": 1})
    assert (len(tuesday.json()), len(monday.json())) == (1, 0)
