"""GET /api/v1/reports/flow on both databases: each day's arrivals, solves, merges and
reopenings, the backlog at each day's end, who solved, and the refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.tickets import Channel, Status
from hubdesk.services.tickets import NewTicket, open_ticket
from tests import factories

URL = "/api/v1/reports/flow"
PROBLEM = "application/problem+json"
DAY = datetime(2026, 6, 1, tzinfo=UTC)
WINDOW = {"since": "2026-06-01T00:00:00Z", "until": "2026-06-03T00:00:00Z"}


@pytest.fixture
def desk(hub):
    return {"admin": factories.staff(hub, Role.ADMIN),
            "coordinator": factories.staff(hub, Role.COORDINATOR),
            "manager": factories.staff(hub, Role.MANAGER),
            "rep": factories.staff(hub)}


@pytest.fixture
def flow(hub, desk):
    """Three tickets on 1 June (two e-mails and a chat), one solved and one merged that day;
    the solved one reopened and solved again on the 2nd by another agent."""
    admin, coordinator = desk["admin"].agent, desk["coordinator"].agent

    def opened(hours, email, channel=Channel.EMAIL):
        detail, _ = open_ticket(hub.uows, admin, NewTicket(
            subject="Parcel", body="Where is it?", requester_email=email, channel=channel),
            now=DAY + timedelta(hours=hours))
        return detail.ticket.id

    first, kept = opened(8, "ana@example.com"), opened(9, "bo@example.com", Channel.CHAT)
    duplicate = opened(10, "bo@example.com")
    hub.app.tickets.change_status(coordinator, first, Status.SOLVED,
                                  now=DAY + timedelta(hours=11))
    hub.app.tickets.merge(admin, duplicate, kept, now=DAY + timedelta(hours=12))
    hub.app.tickets.customer_wrote(first, "Still broken", now=DAY + timedelta(days=1, hours=8))
    hub.app.tickets.change_status(admin, first, Status.SOLVED,
                                  now=DAY + timedelta(days=1, hours=9))
    hub.app.tickets.change_status(admin, kept, Status.PENDING,
                                  now=DAY + timedelta(days=1, hours=10))
    return {"first": first, "kept": kept, "duplicate": duplicate}


def test_each_day_counts_its_flow_and_ends_with_its_backlog(client, desk, flow):
    response = client.get(URL, headers=desk["manager"].headers, params=WINDOW)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["time_zone"] == "UTC"
    assert [(date.fromisoformat(d["day"]), d["received"], d["solved"], d["merged"],
             d["reopened"], d["backlog"]) for d in body["days"]] == [
        (date(2026, 6, 1), 3, 1, 1, 0, {"with_desk": 1, "waiting": 0, "total": 1}),
        (date(2026, 6, 2), 0, 1, 0, 1, {"with_desk": 0, "waiting": 1, "total": 1})]
    assert (body["received"], body["solved"], body["merged"], body["reopened"]) == (3, 2, 1, 1)
    assert body["reopened_share"] == 0.5
    assert body["backlog_at_start"]["total"] == 0 and body["backlog_at_end"]["waiting"] == 1
    assert body["received_by_channel"] == {"email": 2, "chat": 1}
    admin, coordinator = desk["admin"].agent, desk["coordinator"].agent
    assert sorted((s["kind"], s["agent_id"], s["agent_name"], s["solved"])
                  for s in body["solved_by"]) == sorted([
        ("agent", admin.id, admin.name, 1), ("agent", coordinator.id, coordinator.name, 1)])


def test_until_in_the_future_stops_at_now_and_the_default_is_thirty_days(client, desk, flow):
    body = client.get(URL, headers=desk["coordinator"].headers, params={
        "since": "2026-06-01T00:00:00Z", "until": "2999-01-01T00:00:00Z"}).json()
    until = datetime.fromisoformat(body["until"])
    assert until <= datetime.now(UTC) and until > datetime.now(UTC) - timedelta(minutes=5)
    assert body["received"] == 3 and body["backlog_at_end"]["total"] == 1
    default = client.get(URL, headers=desk["manager"].headers).json()
    assert len(default["days"]) in (30, 31) and default["received"] == 0


def test_a_representative_is_refused(client, desk, flow):
    refused = client.get(URL, headers=desk["rep"].headers, params=WINDOW)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith(PROBLEM)
    assert client.get(URL, params=WINDOW).status_code == 401


def test_a_window_longer_than_400_days_keeps_its_last_400(client, desk, flow):
    body = client.get(URL, headers=desk["manager"].headers, params={
        "since": "0001-01-01T00:00:00Z", "until": "2026-06-03T00:00:00Z"}).json()
    assert datetime.fromisoformat(body["since"]) == DAY + timedelta(days=2 - 400)
    assert len(body["days"]) == 400 and body["received"] == 3


@pytest.mark.parametrize("query", [
    {"until": "0001-01-01T00:00:00Z"},
    {"since": "0001-01-01T00:00:00+14:00", "until": "0001-01-02T00:00:00-12:00"},
])
def test_a_window_at_the_calendars_start_answers_an_empty_flow(client, desk, flow, query):
    answer = client.get(URL, headers=desk["manager"].headers, params=query)
    assert answer.status_code == 200
    body = answer.json()
    assert body["since"] == body["until"] == "1970-01-01T00:00:00Z"
    assert body["days"] == [] and body["received"] == 0


@pytest.mark.parametrize("query,field", [
    ({"since": "2026-06-01T00:00:00"}, "since"),
    ({"since": "yesterday"}, "since"),
])
def test_a_time_without_an_offset_is_refused(client, desk, query, field):
    refused = client.get(URL, headers=desk["manager"].headers, params=query)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith(PROBLEM)
    assert refused.json()["errors"][0]["field"] == field


def test_a_teams_flow_names_the_team_and_an_unknown_team_is_not_found(hub, client, desk):
    team = factories.team(hub, "North")
    admin = desk["admin"].agent
    open_ticket(hub.uows, admin, NewTicket(
        subject="Parcel", body="Where is it?", requester_email="ana@example.com",
        team_id=team.id), now=DAY + timedelta(hours=8))
    open_ticket(hub.uows, admin, NewTicket(
        subject="Invoice", body="Wrong amount", requester_email="bo@example.com"),
        now=DAY + timedelta(hours=9))
    body = client.get(URL, headers=desk["manager"].headers,
                      params={**WINDOW, "team_id": team.id}).json()
    assert (body["team_id"], body["team_name"], body["received"]) == (team.id, "North", 1)
    assert body["backlog_at_end"]["total"] == 1
    desk_wide = client.get(URL, headers=desk["manager"].headers, params=WINDOW).json()
    assert (desk_wide["team_id"], desk_wide["team_name"], desk_wide["received"]) == (
        None, "", 2)
    missing = client.get(URL, headers=desk["manager"].headers,
                         params={**WINDOW, "team_id": team.id + 1000})
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith(PROBLEM)
