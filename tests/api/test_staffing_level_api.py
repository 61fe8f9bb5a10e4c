"""The staffing answer on both databases follows a change of volume a planner dates
(`level_from`): forecast from the level since, however few days it has run; a day it cannot
measure from, or no day at all, is a 422 naming the field."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hubdesk.domain.agents import Role
from hubdesk.services.tickets import NewTicket
from tests import factories

MONDAY = date(2026, 11, 30)
LAUNCH = MONDAY - timedelta(days=4)  # Thursday: three times the tickets since


def tickets_tripled_since_launch(hub, opener, team) -> None:
    """Seven weeks before MONDAY: two tickets a day, six from LAUNCH on."""
    number = 0
    for back in range(49, 0, -1):
        day = MONDAY - timedelta(days=back)
        hours = (9, 11, 13, 15, 16, 17) if day >= LAUNCH else (9, 14)
        for hour in hours:
            number += 1
            hub.app.tickets.open(opener, NewTicket(
                subject=f"Parcel {number}", body="Where is my parcel?",
                requester_email=f"c{number}@example.com", team_id=team.id),
                now=datetime.combine(day, datetime.min.time(), tzinfo=UTC).replace(hour=hour))


def forecast_total(answer: dict) -> float:
    return sum(interval["forecast"] for interval in answer["intervals"])


def test_a_dated_change_of_volume_is_forecast_from_the_level_since(hub, client):
    coordinator = factories.staff(hub, Role.COORDINATOR)
    team = factories.team(hub, "Front")
    tickets_tripled_since_launch(hub, coordinator.agent, team)

    def staffing(**extra: str) -> dict:
        answer = client.get("/api/v1/wfm/staffing", headers=coordinator.headers,
                            params={"first_day": MONDAY.isoformat(), "team_id": team.id,
                                    "aht_s": 600, **extra})
        assert answer.status_code == 200, answer.text
        return answer.json()

    plain = staffing()
    given = staffing(level_from=LAUNCH.isoformat())
    assert forecast_total(plain) < 3.5
    assert 5 < forecast_total(given) < 7.5
    assert any(f"since {LAUNCH}" in note and "as given" in note for note in given["notes"])
    assert max(i["required"] for i in given["intervals"]) >= 1

    for wrong, reason in ((MONDAY.isoformat(), "after the history"),
                          ("2026-01-01", "before the history")):
        refused = client.get("/api/v1/wfm/staffing", headers=coordinator.headers,
                             params={"first_day": MONDAY.isoformat(), "team_id": team.id,
                                     "level_from": wrong})
        assert refused.status_code == 422, refused.text
        assert {"field": "level_from", "message": reason} in refused.json()["errors"]
    malformed = client.get("/api/v1/wfm/staffing", headers=coordinator.headers,
                           params={"first_day": MONDAY.isoformat(), "level_from": "soon"})
    assert malformed.status_code == 422
    assert "level_from" in malformed.text


def test_the_day_chart_and_a_drafted_week_take_the_dated_change_too(hub, client):
    coordinator = factories.staff(hub, Role.COORDINATOR)
    team = factories.team(hub, "Front")
    factories.staff(hub, teams=(team,))
    tickets_tripled_since_launch(hub, coordinator.agent, team)

    day = {"day": MONDAY.isoformat(), "team_id": team.id, "aht_s": 600}
    plain = client.get("/api/v1/wfm/day", headers=coordinator.headers, params=day)
    given = client.get("/api/v1/wfm/day", headers=coordinator.headers,
                       params={**day, "level_from": LAUNCH.isoformat()})
    assert plain.status_code == given.status_code == 200, (plain.text, given.text)
    assert forecast_total(plain.json()) < 3.5 < 5 < forecast_total(given.json()) < 7.5

    def draft(**extra: object):
        # A minute a contact: one agent covers the week at either level.
        return client.post("/api/v1/wfm/schedules", headers=coordinator.headers,
                           json={"team_id": team.id, "week_start": MONDAY.isoformat(),
                                 "aht_s": 60, **extra})

    refused = draft(level_from=MONDAY.isoformat())
    assert refused.status_code == 422, refused.text
    assert {"field": "level_from", "message": "after the history"} in refused.json()["errors"]
    assert draft(level_from="Thursday").status_code == 422
    drafted = draft(level_from=LAUNCH.isoformat())
    assert drafted.status_code == 201, drafted.text
    assert any(f"since {LAUNCH}" in note and "as given" in note
               for note in drafted.json()["notes"])
