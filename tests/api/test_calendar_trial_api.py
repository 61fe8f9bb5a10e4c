"""Trying a stored calendar through the API on both databases: when a target falls due and
the business time between two moments, local moments read on the calendar's clock; bad
moments and targets are 422 naming the field, an unknown calendar 404, and only those who
manage calendars may try them."""

from __future__ import annotations

from datetime import datetime

from hubdesk.domain.agents import Role
from tests import factories

OFFICE = {"name": "Berlin office", "timezone": "Europe/Berlin",
          "hours": {day: [["09:00", "12:00"], ["13:00", "17:00"]]
                    for day in ("mon", "tue", "wed", "thu", "fri")},
          "holidays": ["2026-12-24", {"date": "12-25", "yearly": True}]}


def test_a_calendar_is_tried_before_tickets_depend_on_it(hub, client):
    manager = factories.staff(hub, Role.MANAGER).headers
    created = client.post("/api/v1/sla/calendars", headers=manager, json=OFFICE)
    assert created.status_code == 201, created.text
    path = f"/api/v1/sla/calendars/{created.json()['id']}"

    due = client.get(f"{path}/due", headers=manager,
                     params={"start": "2026-12-23T16:30", "minutes": 240})
    assert due.status_code == 200, due.text
    # 30 minutes on the 23rd; the 24th and 25th closed; the rest from Monday the 28th: the
    # morning's three hours, then half an hour after lunch
    assert due.json() == {
        "timezone": "Europe/Berlin", "start": "2026-12-23T16:30:00+01:00", "minutes": 240.0,
        "counting_from": "2026-12-23T15:30:00Z", "due_at": "2026-12-28T12:30:00Z",
        "due_at_local": "2026-12-28T13:30:00+01:00"}
    at_lunch = client.get(f"{path}/due", headers=manager,
                          params={"start": "2026-12-21T11:15:00Z", "minutes": 60})
    assert at_lunch.json()["counting_from"] == "2026-12-21T12:00:00Z"  # 13:00 in Berlin
    assert at_lunch.json()["due_at"] == "2026-12-21T13:00:00Z"

    between = client.get(f"{path}/elapsed", headers=manager,
                         params={"start": "2026-12-23T16:30", "end": "2026-12-28T10:00+01:00"})
    assert between.status_code == 200, between.text
    assert between.json()["business_seconds"] == 5400.0  # 30 minutes and an hour
    assert (between.json()["open_at_start"], between.json()["open_at_end"]) == (True, True)

    for params, field in (({"start": "2026-02-30T10:00", "minutes": 5}, "start"),
                          ({"start": "0001-01-01T00:00", "minutes": 5}, "start"),
                          ({"start": "tomorrow", "minutes": 5}, "start"),
                          ({"start": "2026-12-21T10:00", "minutes": 0}, "minutes"),
                          ({"start": "2026-12-21T10:00", "minutes": "nan"}, "minutes")):
        refused = client.get(f"{path}/due", headers=manager, params=params)
        assert refused.status_code == 422, (params, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert field in refused.text
    backwards = client.get(f"{path}/elapsed", headers=manager,
                           params={"start": "2026-12-28T10:00", "end": "2026-12-23T10:00"})
    assert backwards.status_code == 422 and "before" in backwards.text
    missing = client.get("/api/v1/sla/calendars/999999/due", headers=manager,
                         params={"start": "2026-12-21T10:00", "minutes": 5})
    assert missing.status_code == 404
    representative = factories.staff(hub, Role.REPRESENTATIVE).headers
    assert client.get(f"{path}/due", headers=representative,
                      params={"start": "2026-12-21T10:00", "minutes": 5}).status_code == 403


def test_a_policys_targets_are_tried_as_its_clocks_count_them(hub, client):
    manager = factories.staff(hub, Role.MANAGER).headers
    calendar = client.post("/api/v1/sla/calendars", headers=manager, json=OFFICE).json()
    policy = client.post("/api/v1/sla/policies", headers=manager, json={
        "name": "Standard", "calendar_id": calendar["id"],
        "targets": {"normal": {"first_response": 60, "resolution": 480},
                    "urgent": {"first_response": 15}}})
    assert policy.status_code == 201, policy.text
    path = f"/api/v1/sla/policies/{policy.json()['id']}/due"

    tried = client.get(path, headers=manager,
                       params={"start": "2026-12-23T16:30", "priority": "normal"})
    assert tried.status_code == 200, tried.text
    assert tried.json()["timezone"] == "Europe/Berlin"
    assert tried.json()["start"] == "2026-12-23T16:30:00+01:00"
    assert [(t["target"], t["minutes"], t["due_at_local"]) for t in tried.json()["targets"]] \
        == [("first_response", 60, "2026-12-28T09:30:00+01:00"),
            ("resolution", 480, "2026-12-29T09:30:00+01:00")]
    untargeted = client.get(path, headers=manager,
                            params={"start": "2026-12-23T16:30", "priority": "low"})
    assert untargeted.status_code == 200 and untargeted.json()["targets"] == []

    # the same answer as the clocks of a ticket received now
    ticket = client.post("/api/v1/tickets", headers=manager, json={
        "subject": "Parcel", "body": "Where is it?", "requester": {"email": "c@example.com"}})
    assert ticket.status_code == 201, ticket.text
    clocks = {c["target"]: datetime.fromisoformat(c["due_at"]) for c in ticket.json()["sla"]}
    now = client.get(path, headers=manager, params={
        "start": ticket.json()["created_at"].replace("+00:00", "Z"), "priority": "normal"})
    assert {t["target"]: datetime.fromisoformat(t["due_at"])
            for t in now.json()["targets"]} == clocks

    for params in ({"start": "2026-12-23T16:30", "priority": "whenever"},
                   {"start": "later", "priority": "normal"}):
        assert client.get(path, headers=manager, params=params).status_code == 422
    assert client.get("/api/v1/sla/policies/999999/due", headers=manager, params={
        "start": "2026-12-23T16:30", "priority": "normal"}).status_code == 404
    assert client.get(path, headers=factories.staff(hub).headers, params={
        "start": "2026-12-23T16:30", "priority": "normal"}).status_code == 403
