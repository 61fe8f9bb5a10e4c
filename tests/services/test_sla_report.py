"""The SLA report through the real use cases, on both databases: clocks met, met late and
missed, in business time, read back by window; and who may read it, over the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from hubdesk.api.report_window import EARLIEST, LATEST
from hubdesk.domain.agents import Role
from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.errors import PermissionDenied
from hubdesk.domain.sla import NamedCalendar
from hubdesk.domain.tickets import Status
from hubdesk.server import create_app
from hubdesk.services.sla_sweep import sweep_due
from hubdesk.services.tickets import NewTicket, add_message, change_status, open_ticket
from tests import factories

MONDAY_9 = datetime(2026, 6, 1, 7, tzinfo=UTC)  # 09:00 in Berlin (summer time)
MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)
BERLIN_OFFICE = {"timezone": "Europe/Berlin",
                 "hours": {day: [["09:00", "17:00"]]
                           for day in ("mon", "tue", "wed", "thu", "fri")},
                 "holidays": []}


@pytest.fixture
def desk(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    calendar = hub.app.sla.create_calendar(
        admin, NamedCalendar(None, "Berlin office", BusinessCalendar.from_dict(BERLIN_OFFICE)))
    hub.app.sla.create_policy(admin, {
        "name": "Standard", "calendar_id": calendar.id, "ladder": [],
        "targets": {"normal": {"first_response": 60, "resolution": 480}}})
    north, south = factories.team(hub, "North"), factories.team(hub, "South")
    return {"admin": admin, "north": north, "south": south,
            "rep": factories.staff(hub, Role.REPRESENTATIVE, teams=(north, south)).agent}


def _open(hub, desk, team, at):
    detail, _ = open_ticket(hub.uows, desk["rep"], NewTicket(
        subject="Parcel never arrived", body="Where is my order?",
        requester_email="customer@example.com", team_id=desk[team].id), now=at)
    return detail.ticket.id


def _first_response(result):
    [row] = [row for row in result.report.overall if row.target.value == "first_response"]
    return row


def test_the_report_counts_each_deadline_once_in_business_time(hub, desk):
    in_time = _open(hub, desk, "north", MONDAY_9)
    late = _open(hub, desk, "north", MONDAY_9)
    _open(hub, desk, "north", MONDAY_9)  # never answered
    overnight = _open(hub, desk, "south", MONDAY_9 + 7.5 * HOUR)  # 16:30 Berlin
    add_message(hub.uows, desk["rep"], in_time, "On it.", now=MONDAY_9 + 30 * MINUTE)
    sweep_due(hub.uows, MONDAY_9 + 70 * MINUTE)  # two deadlines passed at 10:00
    add_message(hub.uows, desk["rep"], late, "Sorry for the wait.", now=MONDAY_9 + 90 * MINUTE)
    change_status(hub.uows, desk["rep"], in_time, Status.SOLVED, now=MONDAY_9 + 2 * HOUR)
    # 30 business minutes on Monday and 15 on Tuesday: 16 h 45 min on the wall
    add_message(hub.uows, desk["rep"], overnight, "Good morning!",
                now=MONDAY_9 + 24 * HOUR + 15 * MINUTE)

    whole = hub.app.sla.report(desk["admin"], MONDAY_9 - HOUR, MONDAY_9 + 3 * 24 * HOUR)
    first = _first_response(whole)
    assert (first.decided, first.met_in_time, first.missed, first.missed_unanswered,
            first.met) == (4, 2, 2, 1, 3)
    assert first.met_share == 0.5
    assert (first.median, first.p90) == (45 * MINUTE, 90 * MINUTE)
    [resolution] = [row for row in whole.report.overall if row.target.value == "resolution"]
    assert (resolution.decided, resolution.met_in_time, resolution.median) == (1, 1, 2 * HOUR)
    teams = {group.key: group for group in whole.report.teams}
    assert set(teams) == {desk["north"].id, desk["south"].id}
    assert whole.team_names[desk["south"].id] == "South"
    [south_first] = [row for row in teams[desk["south"].id].targets
                     if row.target.value == "first_response"]
    assert (south_first.decided, south_first.met_share) == (1, 1.0)

    # After the two deadlines passed: the late answer is timed, not decided again here.
    after = _first_response(hub.app.sla.report(desk["admin"], MONDAY_9 + 61 * MINUTE,
                                               MONDAY_9 + 3 * 24 * HOUR))
    assert (after.decided, after.met_in_time, after.missed, after.met) == (1, 1, 0, 2)
    # Up to the deadlines: the two misses, one of them answered since, whatever came later.
    before = _first_response(hub.app.sla.report(desk["admin"], MONDAY_9 - HOUR,
                                                MONDAY_9 + 61 * MINUTE))
    assert (before.decided, before.met_in_time, before.missed,
            before.missed_unanswered) == (3, 1, 2, 1)
    assert not hub.app.sla.report(desk["admin"], MONDAY_9, MONDAY_9).report.overall
    # The widest window either database can be asked about.
    ever = _first_response(hub.app.sla.report(desk["admin"], EARLIEST, LATEST))
    assert (ever.decided, ever.met) == (first.decided, first.met)


def test_representatives_may_not_read_the_report(hub, desk):
    with pytest.raises(PermissionDenied):
        hub.app.sla.report(desk["rep"], MONDAY_9, MONDAY_9 + HOUR)


def test_the_report_over_the_api(hub, desk):
    with TestClient(create_app(hub), raise_server_exceptions=False) as client:
        _ask_over_the_api(hub, desk, client)


def _ask_over_the_api(hub, desk, client):
    ticket = _open(hub, desk, "north", MONDAY_9)
    add_message(hub.uows, desk["rep"], ticket, "On it.", now=MONDAY_9 + 20 * MINUTE)
    lead = factories.staff(hub, Role.TEAM_LEAD, teams=(desk["north"],))
    response = client.get("/api/v1/reports/sla", headers=lead.headers, params={
        "since": "2026-06-01T00:00:00Z", "until": "2026-06-02T00:00:00+02:00"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["since"].startswith("2026-06-01T00:00:00")
    [first] = [row for row in body["overall"] if row["target"] == "first_response"]
    assert (first["decided"], first["met_share"], first["median_seconds"]) == (1, 1.0, 1200)
    assert body["teams"][0]["team_name"] == "North"
    assert body["channels"][0]["key"] == "api"
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    assert client.get("/api/v1/reports/sla", headers=rep.headers).status_code == 403
    bad = client.get("/api/v1/reports/sla", headers=lead.headers,
                     params={"since": "2026-06-01T00:00:00"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "since"
