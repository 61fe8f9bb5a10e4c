"""A bad calendar or policy sent to replace one that running clocks use is refused naming the
field, on both databases, and the clocks (deadlines, history) are exactly as they were."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from hubdesk.domain.agents import Role
from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.clock import utcnow
from hubdesk.domain.sla import NamedCalendar
from hubdesk.server import create_app
from hubdesk.services.sla_sweep import sweep_due
from hubdesk.store import tables as t
from tests import factories

OFFICE = {"timezone": "Europe/Berlin",
          "hours": {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}}
POLICY = {"name": "Standard", "targets": {"normal": {"first_response": 60, "resolution": 480}}}


@pytest.fixture
def running(hub):
    admin = factories.staff(hub, Role.ADMIN)
    with TestClient(create_app(hub), raise_server_exceptions=False) as client:
        calendar = client.post("/api/v1/sla/calendars", headers=admin.headers,
                               json={"name": "Office", **OFFICE}).json()
        policy = client.post("/api/v1/sla/policies", headers=admin.headers,
                             json={**POLICY, "calendar_id": calendar["id"]}).json()
        ticket = client.post("/api/v1/tickets", headers=admin.headers, json={
            "subject": "Parcel", "body": "Where is it?",
            "requester": {"email": "c@example.com"}}).json()
        assert {c["target"] for c in ticket["sla"]} == {"first_response", "resolution"}
        yield client, admin.headers, calendar, policy


def _clocks_as_stored(hub):
    with hub.engine.connect() as db:
        clocks = db.execute(select(t.ticket_sla_clocks).order_by(t.ticket_sla_clocks.c.id))
        history = db.execute(select(t.ticket_sla_clock_history)
                             .order_by(t.ticket_sla_clock_history.c.id))
        return [tuple(row) for row in clocks], [tuple(row) for row in history]


@pytest.mark.parametrize(("change", "field"), [
    ({"hours": {"mon": [["09:00", "12:00"], ["11:00", "17:00"]]}}, "hours.mon"),
    ({"timezone": "Europe/Atlantis"}, "timezone"),
    ({"hours": {"tue": [["17:00", "09:00"]]}}, "hours.tue"),
])
def test_a_bad_calendar_for_running_clocks_is_refused_and_the_clocks_stay(
        hub, running, change, field):
    client, headers, calendar, _ = running
    before = _clocks_as_stored(hub)
    assert before[0] and before[1]
    answer = client.put(f"/api/v1/sla/calendars/{calendar['id']}", headers=headers,
                        json={"name": "Office", **OFFICE, **change})
    assert answer.status_code == 422, answer.text
    assert field in [e["field"] for e in answer.json()["errors"]]
    assert client.get(f"/api/v1/sla/calendars/{calendar['id']}",
                      headers=headers).json() == calendar
    assert _clocks_as_stored(hub) == before


@pytest.mark.parametrize(("change", "field"), [
    ({"calendar_id": 999}, "calendar_id"),
    ({"targets": {"normal": {"resolution": 0}}}, "targets.normal.resolution"),
    ({"conditions": {"mood": ["angry"]}}, "conditions.mood"),
])
def test_a_bad_policy_for_running_clocks_is_refused_and_the_clocks_stay(
        hub, running, change, field):
    client, headers, _, policy = running
    before = _clocks_as_stored(hub)
    body = {key: value for key, value in policy.items() if key != "id"}
    answer = client.put(f"/api/v1/sla/policies/{policy['id']}", headers=headers,
                        json={**body, **change})
    assert answer.status_code == 422, answer.text
    assert field in [e["field"] for e in answer.json()["errors"]]
    assert client.get(f"/api/v1/sla/policies/{policy['id']}", headers=headers).json() == policy
    assert _clocks_as_stored(hub) == before


def test_a_good_replacement_answers_how_many_tickets_were_matched_again(hub, running):
    client, headers, calendar, policy = running
    before = _clocks_as_stored(hub)
    body = {key: value for key, value in policy.items() if key != "id"}
    answer = client.put(f"/api/v1/sla/policies/{policy['id']}", headers=headers,
                        json={**body, "targets": {"normal": {"resolution": 240}}})
    assert answer.status_code == 200, answer.text
    assert answer.headers["Hubdesk-Tickets-Rematched"] == "1"
    assert answer.headers["Hubdesk-Tickets-Rematching"] == "0"
    assert _clocks_as_stored(hub) != before
    replaced = client.put(f"/api/v1/sla/calendars/{calendar['id']}", headers=headers,
                          json={"name": "Office", "timezone": "UTC", "always_open": True})
    assert replaced.status_code == 200, replaced.text
    assert replaced.headers["Hubdesk-Tickets-Rematched"] == "1"


THIN = {"timezone": "UTC", "hours": {"mon": [["09:00", "09:01"]]}}  # a minute a week
YEAR = 366 * 24 * 60  # the longest target a policy may have, in business minutes


def test_a_target_its_calendar_cannot_reach_is_refused_before_any_ticket_needs_it(hub):
    """On a calendar open a minute a week, a year of business time ends some ten thousand
    years later: a policy or calendar that asks for it is refused naming the field, even
    when no open ticket would show it, and intake goes on under what was kept."""
    admin = factories.staff(hub, Role.ADMIN)
    with TestClient(create_app(hub), raise_server_exceptions=False) as client:
        def post(path, body):
            return client.post(path, headers=admin.headers, json=body)

        thin = post("/api/v1/sla/calendars", {"name": "Thin", **THIN}).json()
        long_targets = {"normal": {"first_response": 60, "resolution": YEAR}}
        for calendar in ({"calendar_id": thin["id"]}, {"calendar": THIN}):
            refused = post("/api/v1/sla/policies", {"name": "Slow", "targets": long_targets,
                                                    **calendar})
            assert refused.status_code == 422, refused.text
            assert [e["field"] for e in refused.json()["errors"]] == ["targets"]
            assert "after the year 9997" in refused.json()["detail"]
        short = post("/api/v1/sla/policies", {"name": "Slow", "calendar_id": thin["id"],
                                              "targets": {"normal": {"resolution": 60}}})
        assert short.status_code == 201, short.text
        body = {k: v for k, v in short.json().items() if k != "id"}
        longer = client.put(f"/api/v1/sla/policies/{short.json()['id']}", headers=admin.headers,
                            json={**body, "targets": long_targets})
        assert longer.status_code == 422
        assert [e["field"] for e in longer.json()["errors"]] == ["targets"]

        office = post("/api/v1/sla/calendars", {"name": "Office", **OFFICE}).json()
        kept = post("/api/v1/sla/policies", {"name": "Yearly", "calendar_id": office["id"],
                                             "position": -1, "targets": long_targets})
        assert kept.status_code == 201, kept.text
        thinned = client.put(f"/api/v1/sla/calendars/{office['id']}", headers=admin.headers,
                             json={"name": "Office", **THIN})
        assert thinned.status_code == 422
        assert [e["field"] for e in thinned.json()["errors"]] == ["hours"]
        assert "'Yearly'" in thinned.json()["detail"]
        assert client.get(f"/api/v1/sla/calendars/{office['id']}",
                          headers=admin.headers).json() == office

        ticket = post("/api/v1/tickets", {"subject": "Parcel", "body": "Where is it?",
                                          "requester": {"email": "c@example.com"}})
        assert ticket.status_code == 201, ticket.text
        assert {c["target"] for c in ticket.json()["sla"]} == {"first_response", "resolution"}


def test_a_deadline_its_calendar_no_longer_reaches_never_refuses_the_ticket(hub):
    """A calendar narrowed before targets were checked against it (written here straight to
    the store, as an older version let it be saved) leaves a year-long target unreachable:
    tickets are still opened, with that clock running and no deadline, the history saying
    why, and the sweep goes on with the clocks it can time."""
    admin = factories.staff(hub, Role.ADMIN)
    with TestClient(create_app(hub), raise_server_exceptions=False) as client:
        def post(path, body):
            return client.post(path, headers=admin.headers, json=body)

        office = post("/api/v1/sla/calendars", {"name": "Office", **OFFICE}).json()
        policy = post("/api/v1/sla/policies", {
            "name": "Yearly", "calendar_id": office["id"],
            "targets": {"normal": {"first_response": 60, "resolution": YEAR}}})
        assert policy.status_code == 201, policy.text
        with hub.uows() as uow:
            uow.sla.save_calendar(NamedCalendar(office["id"], "Office",
                                                BusinessCalendar.from_dict(THIN)), utcnow())
            uow.commit()

        opened = post("/api/v1/tickets", {"subject": "Parcel", "body": "Where is it?",
                                          "requester": {"email": "c@example.com"}})
        assert opened.status_code == 201, opened.text
        clocks = {c["target"]: c for c in opened.json()["sla"]}
        assert clocks["first_response"]["due_at"] is not None
        assert clocks["resolution"]["due_at"] is None
        assert clocks["resolution"]["status"] == "running"
        shown = client.get(f"/api/v1/tickets/{opened.json()['id']}/sla",
                           headers=admin.headers)
        assert shown.status_code == 200, shown.text
        assert [(h["target"], h["kind"]) for h in shown.json()["history"]
                if h["kind"] == "unreachable"] == [("resolution", "unreachable")]
        sweep_due(hub.uows, utcnow())  # nothing due, nothing refused
