"""/api/v1/sla on both databases: managers and administrators manage policies and calendars,
bad input is refused with the field named and nothing stored, and tickets show their clocks."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Role
from tests import factories

OFFICE = {"timezone": "Europe/Berlin",
          "hours": {day: [["09:00", "12:00"], ["13:00", "17:00"]]
                    for day in ("mon", "tue", "wed", "thu", "fri")},
          "holidays": ["2026-12-24", {"date": "12-25", "yearly": True}]}
ICAL = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\n"
        "DTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270101\r\nSUMMARY:Closed\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n")


@pytest.fixture
def people(hub):
    return {"admin": factories.staff(hub, Role.ADMIN), "manager": factories.staff(
        hub, Role.MANAGER), "rep": factories.staff(hub, Role.REPRESENTATIVE)}


def test_calendars_and_policies_round_trip_and_tickets_show_their_clocks(client, people):
    manager = people["manager"].headers
    created = client.post("/api/v1/sla/calendars", headers=manager,
                          json={"name": "Berlin office", **OFFICE, "ical": ICAL})
    assert created.status_code == 201, created.text
    calendar = created.json()
    assert calendar["hours"]["mon"] == [["09:00", "12:00"], ["13:00", "17:00"]]
    assert {"date": "2026-12-31", "name": "Closed"} in calendar["holidays"]  # from the file
    policy = client.post("/api/v1/sla/policies", headers=manager, json={
        "name": "Standard", "calendar_id": calendar["id"],
        "targets": {"normal": {"first_response": 60, "resolution": 480}},
        "ladder": [{"at_percent": 80, "actions": ["notify_assignee"]}]})
    assert policy.status_code == 201, policy.text
    assert policy.json()["pause_statuses"] == ["on_hold", "pending"]
    assert [p["name"] for p in client.get("/api/v1/sla/policies",
                                          headers=manager).json()] == ["Standard"]

    ticket = client.post("/api/v1/tickets", headers=people["admin"].headers, json={
        "subject": "Parcel", "body": "Where is it?",
        "requester": {"email": "c@example.com"}}).json()
    assert {c["target"] for c in ticket["sla"]} == {"first_response", "resolution"}
    detail = client.get(f"/api/v1/tickets/{ticket['id']}", headers=manager).json()
    first = next(c for c in detail["sla"] if c["target"] == "first_response")
    assert first["status"] == "running" and first["paused"] is False
    assert first["risk"] in ("low", "medium", "high", "breached")
    assert first["business_seconds_left"] <= 3600
    sla = client.get(f"/api/v1/tickets/{ticket['id']}/sla", headers=manager).json()
    assert [h["kind"] for h in sla["history"]] == ["started", "started"]

    by_due = client.get("/api/v1/tickets?sort=due", headers=manager)
    assert [item["id"] for item in by_due.json()["items"]] == [ticket["id"]]
    client.patch(f"/api/v1/tickets/{ticket['id']}", headers=manager,
                 json={"status": "pending"})
    sla = client.get(f"/api/v1/tickets/{ticket['id']}/sla", headers=manager).json()
    assert all(c["paused"] for c in sla["clocks"])

    in_use = client.delete(f"/api/v1/sla/calendars/{calendar['id']}", headers=manager)
    assert in_use.status_code == 409
    assert client.delete(f"/api/v1/sla/policies/{policy.json()['id']}",
                         headers=manager).status_code == 204
    sla = client.get(f"/api/v1/tickets/{ticket['id']}/sla", headers=manager).json()
    assert {c["status"] for c in sla["clocks"]} == {"stopped"}


def test_a_holiday_on_a_weekday_of_the_month_round_trips_and_bad_ones_are_refused(client,
                                                                                  people):
    admin = people["admin"].headers
    thanksgiving = {"month": 11, "weekday": "thu", "nth": 4, "yearly": True,
                    "name": "Thanksgiving"}
    created = client.post("/api/v1/sla/calendars", headers=admin, json={
        "name": "New York", **OFFICE, "timezone": "America/New_York",
        "holidays": [thanksgiving, {"month": 5, "weekday": "mon", "nth": -1}]})
    assert created.status_code == 201, created.text
    assert created.json()["holidays"] == [
        thanksgiving, {"month": 5, "weekday": "mon", "nth": -1, "yearly": True}]
    again = client.put(f"/api/v1/sla/calendars/{created.json()['id']}", headers=admin,
                       json={k: v for k, v in created.json().items() if k != "id"})
    assert again.status_code == 200 and again.json() == created.json()
    for bad in ({**thanksgiving, "nth": 0}, {**thanksgiving, "weekday": "thursday"},
                {**thanksgiving, "month": 13}, {**thanksgiving, "yearly": False}):
        refused = client.post("/api/v1/sla/calendars", headers=admin,
                              json={"name": "Bad", **OFFICE, "holidays": [bad]})
        assert refused.status_code == 422, (bad, refused.text)
        assert all(e["field"].startswith("holidays") for e in refused.json()["errors"])


@pytest.mark.parametrize(("change", "field"), [
    ({"hours": {"mon": [["09:00", "12:00"], ["11:00", "17:00"]]}}, "hours.mon"),
    ({"hours": {"tue": [["17:00", "09:00"]]}}, "hours.tue"),
    ({"timezone": "Europe/Atlantis"}, "timezone"),
    ({"ical": "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:nonsense\r\n"}, "ical"),
])
def test_bad_calendars_are_refused_naming_the_field_and_nothing_is_stored(
        client, people, change, field):
    answer = client.post("/api/v1/sla/calendars", headers=people["admin"].headers,
                         json={"name": "Bad", **OFFICE, **change})
    assert answer.status_code == 422, answer.text
    assert field in [e["field"] for e in answer.json()["errors"]]
    assert client.get("/api/v1/sla/calendars", headers=people["admin"].headers).json() == []


def test_a_refused_policy_change_leaves_the_policy_as_it_was(client, people):
    admin = people["admin"].headers
    policy = client.post("/api/v1/sla/policies", headers=admin, json={
        "name": "Standard", "targets": {"normal": {"resolution": 480}}}).json()
    for body, field in [
            ({"name": "Standard", "targets": {"normal": {"resolution": 60}},
              "calendar_id": 999}, "calendar_id"),
            ({"name": "Standard", "targets": {"normal": {"resolution": 60}},
              "calendar": {"timezone": "UTC", "hours": {"mon": [["10:00", "09:00"]]}}},
             "calendar.hours.mon"),
            ({"name": "Standard", "targets": {"normal": {"resolution": 60}},
              "ladder": [{"at_percent": 50, "actions": ["notify_assignee"]},
                         {"at_percent": 50, "actions": ["raise_priority"]}]}, "ladder")]:
        answer = client.put(f"/api/v1/sla/policies/{policy['id']}", headers=admin, json=body)
        assert answer.status_code == 422, answer.text
        assert field in [e["field"] for e in answer.json()["errors"]]
    assert client.get(f"/api/v1/sla/policies/{policy['id']}", headers=admin).json() == policy


def test_only_managers_and_administrators_manage_slas(client, people):
    rep = people["rep"].headers
    assert client.get("/api/v1/sla/policies", headers=rep).status_code == 403
    assert client.post("/api/v1/sla/calendars", headers=rep,
                       json={"name": "x", **OFFICE}).status_code == 403


def test_at_risk_forecasts_waiting_tickets_for_those_who_watch_the_queues(client, hub, people):
    from tests.routing_desk import configure, ticket

    configure(hub)
    manager = people["manager"].headers
    assert client.post("/api/v1/sla/policies", headers=manager, json={
        "name": "Around the clock",
        "targets": {"normal": {"first_response": 60, "resolution": 480}}}).status_code == 201
    from datetime import UTC, datetime

    opened = ticket(hub, people["admin"].agent, at=datetime.now(UTC))  # nobody online: waits
    report = client.get("/api/v1/sla/at-risk", headers=manager)
    assert report.status_code == 200, report.text
    body = report.json()
    assert (body["waiting"], body["forecast"], body["at_risk"], body["breached"]) == (1, 1, 1, 0)
    [forecast] = body["forecasts"]
    assert forecast["ticket_id"] == opened.ticket.id and forecast["probability"] == 1.0
    assert forecast["expected_wait_s"] is None and forecast["target"] == "first_response"
    assert client.get("/api/v1/sla/at-risk?threshold=1.5",
                      headers=manager).status_code == 422
    assert client.get("/api/v1/sla/at-risk", headers=people["rep"].headers).status_code == 403


def test_a_ladder_may_escalate_and_an_unknown_step_is_refused_naming_it(client, people):
    manager = people["manager"].headers
    body = {"name": "Escalating", "targets": {"normal": {"resolution": 60}},
            "ladder": [{"at_percent": 100, "actions": ["escalate_tier",
                                                       "notify_coordinators"]}]}
    created = client.post("/api/v1/sla/policies", headers=manager, json=body)
    assert created.status_code == 201, created.text
    assert created.json()["ladder"] == body["ladder"]
    refused = client.put(f"/api/v1/sla/policies/{created.json()['id']}", headers=manager,
                         json={**body, "ladder": [{"at_percent": 100,
                                                   "actions": ["reassign_to_tier_2"]}]})
    assert refused.status_code == 422, refused.text
    assert "ladder.0.actions.0" in [e["field"] for e in refused.json()["errors"]]
    assert client.get(f"/api/v1/sla/policies/{created.json()['id']}",
                      headers=manager).json() == created.json()


def test_at_risk_forecasts_assigned_tickets_from_their_assignees_pile(client, hub, people):
    from datetime import UTC, datetime

    from tests.routing_desk import agent, configure, ticket

    configure(hub)
    manager = people["manager"].headers
    assert client.post("/api/v1/sla/policies", headers=manager, json={
        "name": "Around the clock",
        "targets": {"normal": {"first_response": 60, "resolution": 480}}}).status_code == 201
    busy = agent(hub, people["admin"].agent, {"billing": 4}, capacity=2,
                 channel_costs={"api": 1})
    opened = [ticket(hub, people["admin"].agent, at=datetime.now(UTC)) for _ in range(2)]
    body = client.get("/api/v1/sla/at-risk", headers=manager).json()
    assert (body["waiting"], body["assigned"], body["assigned_closed"]) == (0, 2, 0)
    piles = {f["ticket_id"]: f for f in body["assigned_forecasts"]}
    assert set(piles) == {t.ticket.id for t in opened}
    assert [piles[t.ticket.id]["ahead"] for t in opened] == [0, 1]
    assert {(f["assignee_id"], f["assignee_name"]) for f in piles.values()} == {
        (busy.agent.id, busy.agent.name)}
    assert piles[opened[0].ticket.id]["probability"] == 0.0
    assert 0 < piles[opened[1].ticket.id]["probability"] < body["threshold"]


def test_a_target_s_own_ladder_round_trips_and_a_bad_one_is_refused_naming_it(client, people):
    manager = people["manager"].headers
    body = {"name": "Per target", "targets": {"normal": {"first_response": 30,
                                                         "resolution": 60}},
            "ladder": [{"at_percent": 50, "actions": ["notify_assignee"]}],
            "ladders": {"resolution": [
                {"at_percent": 75, "actions": ["notify_assignee"]},
                {"at_percent": 100, "actions": ["escalate_tier", "notify_coordinators"]}],
                "next_response": []}}
    created = client.post("/api/v1/sla/policies", headers=manager, json=body)
    assert created.status_code == 201, created.text
    assert created.json()["ladders"] == body["ladders"]
    assert created.json()["ladder"] == body["ladder"]
    policy_id = created.json()["id"]
    assert client.get(f"/api/v1/sla/policies/{policy_id}",
                      headers=manager).json() == created.json()
    for ladders, field in [
            ({"resolution": [{"at_percent": 0, "actions": ["notify_assignee"]}]},
             "ladders.resolution.0.at_percent"),
            ({"resolution": [{"at_percent": 40, "actions": ["reassign"]}]},
             "ladders.resolution.0.actions.0"),
            ({"resolution": [{"at_percent": 40, "actions": ["notify_assignee"]},
                             {"at_percent": 40, "actions": ["raise_priority"]}]},
             "ladders.resolution"),
            ({"first_reply": []}, "ladders.first_reply")]:
        refused = client.put(f"/api/v1/sla/policies/{policy_id}", headers=manager,
                             json={**body, "ladders": ladders})
        assert refused.status_code == 422, refused.text
        assert field in [e["field"] for e in refused.json()["errors"]], refused.text
    assert client.get(f"/api/v1/sla/policies/{policy_id}",
                      headers=manager).json() == created.json()
    plain = client.put(f"/api/v1/sla/policies/{policy_id}", headers=manager,
                       json={k: v for k, v in body.items() if k != "ladders"})
    assert plain.status_code == 200 and plain.json()["ladders"] == {}


def test_a_file_spelling_out_more_holidays_than_a_calendar_holds_is_refused_by_name(client,
                                                                                   people):
    endless = ICAL.replace("DTEND;VALUE=DATE:20270101\r\n",
                           "DTEND;VALUE=DATE:20270101\r\nRRULE:FREQ=YEARLY;COUNT=99999999999\r\n")
    answer = client.post("/api/v1/sla/calendars", headers=people["admin"].headers,
                         json={"name": "Endless", **OFFICE, "ical": endless})
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"] == [{"field": "ical",
                                        "message": "spells out too many holidays"}]
    assert "at most 1000 holidays and closures" in answer.json()["detail"]


def test_a_weekly_closure_from_a_calendar_file_is_stored_as_its_closures(client, people):
    weekly = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
              "DTSTART;TZID=Europe/Berlin:20261204T140000\r\n"
              "DTEND;TZID=Europe/Berlin:20261204T170000\r\n"
              "RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=3\r\nSUMMARY:Training\r\n"
              "END:VEVENT\r\nEND:VCALENDAR\r\n")
    answer = client.post("/api/v1/sla/calendars", headers=people["manager"].headers,
                         json={"name": "Training Fridays", **OFFICE, "ical": weekly})
    assert answer.status_code == 201, answer.text
    assert [(h["start"], h["end"]) for h in answer.json()["holidays"]
            if isinstance(h, dict) and "start" in h] == [
        (f"2026-12-{day:02d}T14:00:00+01:00", f"2026-12-{day:02d}T17:00:00+01:00")
        for day in (4, 11, 18)]
