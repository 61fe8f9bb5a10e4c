"""The console's SLA report: the figures of `GET /api/v1/reports/sla` for the roles that may
read reports, a refusal for the others."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from hubdesk.domain.agents import Role
from hubdesk.services.sla_sweep import sweep_due
from hubdesk.services.tickets import NewTicket, add_message, open_ticket
from tests import factories
from tests.web.pages import sign_in


def test_the_report_page_shows_each_target_per_team_and_channel(hub, client):
    admin = factories.staff(hub, Role.ADMIN).agent
    hub.app.sla.create_policy(admin, {"name": "Round the clock", "ladder": [], "targets": {
        "normal": {"first_response": 60, "resolution": 480}}})
    team = factories.team(hub, "Front line")
    rep = factories.staff(hub, Role.REPRESENTATIVE, teams=(team,), with_password=True).agent
    opened = datetime.now(UTC) - timedelta(days=2)
    answered, _ = (open_ticket(hub.uows, rep, NewTicket(
        subject="Where is my parcel?", body="It did not come.", requester_email=email,
        team_id=team.id), now=opened)[0].ticket.id
        for email in ("ann@example.com", "bo@example.com"))
    add_message(hub.uows, rep, answered, "On its way.", now=opened + timedelta(minutes=20))
    sweep_due(hub.uows, opened + timedelta(hours=2))

    sign_in(client, rep)
    assert client.get("/reports").status_code == 403
    client.cookies.clear()
    lead = factories.staff(hub, Role.TEAM_LEAD, teams=(team,), with_password=True).agent
    sign_in(client, lead)
    page = client.get("/reports?days=7").text
    assert '<a href="/reports">Reports</a>' in page
    assert '<a href="/handoffs/report">' in page
    assert '<a href="/reports">SLA report</a>' in client.get("/handoffs/report").text
    whole = page.split("Whole desk", 1)[1].split("</tr>", 1)[0]
    assert re.findall(r"<td[^>]*>([^<]*)</td>", whole) == [
        "First response", "2", "50.0 %", "1", "1", "1", "20 min", "20 min"]
    per_team = page.split("<h2>Per team</h2>", 1)[1].split("</table>", 1)[0]
    assert "Front line" in per_team and 'class="overdue"' in per_team
    assert "API" in page.split("<h2>Per channel</h2>", 1)[1]


def test_a_window_with_nothing_decided_says_so(hub, client):
    sign_in(client, factories.staff(hub, Role.MANAGER, with_password=True).agent)
    page = client.get("/reports?days=not-a-number").text
    assert "No SLA deadline was met or missed in this window." in page
    assert '<option value="30" selected>' in page
    page = client.get("/reports?days=last-month").text
    assert '<option value="last-month" selected>Last month</option>' in page
    assert 'href="/reports.csv?days=last-month"' in page
    download = client.get("/reports.csv?days=last-month")
    assert "sla-report-last-month.csv" in download.headers["content-disposition"]


def test_the_report_downloads_as_csv_with_names_that_cannot_run_as_formulas(hub, client):
    admin = factories.staff(hub, Role.ADMIN).agent
    hub.app.sla.create_policy(admin, {"name": "Round the clock", "ladder": [], "targets": {
        "normal": {"first_response": 60}}})
    team = factories.team(hub, '=HYPERLINK("http://evil.example","Open")')
    rep = factories.staff(hub, Role.REPRESENTATIVE, teams=(team,), with_password=True).agent
    opened = datetime.now(UTC) - timedelta(days=1)
    ticket = open_ticket(hub.uows, rep, NewTicket(
        subject="Where is my parcel?", body="It did not come.",
        requester_email="ann@example.com", team_id=team.id), now=opened)[0].ticket.id
    add_message(hub.uows, rep, ticket, "On its way.", now=opened + timedelta(minutes=90))

    sign_in(client, rep)
    assert client.get("/reports.csv").status_code == 403
    client.cookies.clear()
    sign_in(client, factories.staff(hub, Role.COORDINATOR, with_password=True).agent)
    assert 'href="/reports.csv?days=7"' in client.get("/reports?days=7").text
    response = client.get("/reports.csv?days=7")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "sla-report-last-7-days.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["scope"], r["group"]) for r in rows] == [
        ("Whole desk", ""), ("Team", "'" + team.name), ("Channel", "API"),
        ("Priority", "Normal")]
    assert all((r["target"], r["decided"], r["met_in_time"], r["missed"], r["met_share"],
                r["answered"], r["median_seconds"]) == (
        "first_response", "1", "0", "1", "0.0000", "1", "5400") for r in rows)


def test_calendar_months_are_the_desks_own():
    from zoneinfo import ZoneInfo

    from hubdesk.web.report_windows import chosen_window

    berlin = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 4, 2, 10, tzinfo=UTC)  # summer time since 29 March
    assert chosen_window("this-month", now, berlin) == (
        datetime(2026, 3, 31, 22, tzinfo=UTC), now)
    assert chosen_window("last-month", now, berlin) == (
        datetime(2026, 2, 28, 23, tzinfo=UTC), datetime(2026, 3, 31, 22, tzinfo=UTC))
    january = datetime(2026, 1, 15, tzinfo=UTC)
    assert chosen_window("last-month", january, berlin) == (
        datetime(2025, 11, 30, 23, tzinfo=UTC), datetime(2025, 12, 31, 23, tzinfo=UTC))
    # Just after midnight on the first, Berlin is in the new month while UTC is not.
    first = datetime(2026, 5, 31, 22, 30, tzinfo=UTC)
    assert chosen_window("this-month", first, berlin)[0] == datetime(2026, 5, 31, 22,
                                                                       tzinfo=UTC)
    assert chosen_window("7", now, berlin) == (now - timedelta(days=7), now)
