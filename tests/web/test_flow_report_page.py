"""/reports/flow and /reports/flow.csv in the console: each day's flow and backlog on the
desk's clock, the totals, who solved, and who may read it."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

from hubdesk.domain.agents import Role
from hubdesk.domain.ticket_flow import Backlog, FlowDay
from hubdesk.domain.tickets import Channel, Status
from hubdesk.services.tickets import NewTicket, open_ticket
from hubdesk.web.flow_chart import HEIGHT, WIDTH, flow_chart
from tests import factories
from tests.web.pages import sign_in


def _opened(hub, admin, at, email, channel=Channel.EMAIL):
    detail, _ = open_ticket(hub.uows, admin, NewTicket(
        subject="Parcel", body="Where is it?", requester_email=email, channel=channel), now=at)
    return detail.ticket.id


def _flow(hub):
    """Yesterday noon (UTC): two e-mails and a chat arrive; the coordinator solves one, which
    the customer reopens two hours later; the chat is put on hold."""
    admin = factories.staff(hub, Role.ADMIN).agent
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    noon = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(
        days=1)
    first = _opened(hub, admin, noon, "ana@example.com")
    _opened(hub, admin, noon + timedelta(minutes=5), "bo@example.com")
    chat = _opened(hub, admin, noon + timedelta(minutes=10), "cy@example.com", Channel.CHAT)
    hub.app.tickets.change_status(coordinator, first, Status.SOLVED,
                                  now=noon + timedelta(hours=1))
    hub.app.tickets.customer_wrote(first, "Not yet", now=noon + timedelta(hours=3))
    hub.app.tickets.change_status(coordinator, chat, Status.ON_HOLD,
                                  now=noon + timedelta(hours=4))
    return noon, coordinator


def _cells(page, day_label):
    row = page.split(f'<th scope="row">{day_label}</th>', 1)[1].split("</tr>", 1)[0]
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_page_shows_each_day_and_who_solved(hub, client):
    noon, coordinator = _flow(hub)
    sign_in(client, factories.staff(hub, Role.MANAGER, with_password=True).agent)
    assert '<a href="/reports/flow">Ticket flow</a>' in client.get("/reports").text
    response = client.get("/reports/flow?days=7")
    assert response.status_code == 200
    page = response.text
    assert '<option value="7" selected>' in page and "(UTC)" in page
    assert _cells(page, noon.strftime("%a %d %b %Y")) == [
        "3", "1", "0", "1", "3 (2 with the desk, 1 waiting)"]
    assert "E-mail: 2" in page and "Chat: 1" in page
    assert f"{coordinator.name}: 1" in page
    assert re.search(r"Reopened</dt><dd>1 <span class=\"muted\">\(100.0 % of solves\)", page)


def test_the_csv_holds_a_row_per_day(hub, client):
    noon, _ = _flow(hub)
    sign_in(client, factories.staff(hub, Role.TEAM_LEAD, with_password=True).agent)
    response = client.get("/reports/flow.csv?days=7")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="ticket-flow-last-7-days.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 8  # seven days back from now touch eight dates
    day = next(row for row in rows if row["day"] == noon.date().isoformat())
    assert (day["received"], day["solved"], day["reopened"], day["backlog_total"]) == (
        "3", "1", "1", "3")
    assert rows[-1]["backlog_waiting"] == "1"


def test_a_quiet_window_says_so_and_a_representative_is_refused(hub, client):
    sign_in(client, factories.staff(hub, Role.COORDINATOR, with_password=True).agent)
    page = client.get("/reports/flow?days=last-month").text
    assert "No ticket arrived in this window." in page
    assert "No ticket was solved in this window." in page
    client.cookies.clear()
    sign_in(client, factories.staff(hub, with_password=True).agent)
    refused = client.get("/reports/flow")
    assert refused.status_code == 403 and "Not for your role" in refused.text
    assert client.get("/reports/flow.csv").status_code == 403


def test_the_chart_draws_each_days_backlog_and_flow_to_one_scale():
    assert flow_chart([]) is None
    days = [FlowDay(date(2026, 6, 1), received=10, solved=0, merged=0, reopened=0,
                    backlog=Backlog(10, 0)),
            FlowDay(date(2026, 6, 2), received=0, solved=20, merged=0, reopened=0,
                    backlog=Backlog(0, 0)),
            FlowDay(date(2026, 6, 3), received=5, solved=0, merged=0, reopened=0,
                    backlog=Backlog(2, 3))]
    chart = flow_chart(days)
    assert chart.top == 20 and (chart.width, chart.height) == (WIDTH, HEIGHT)
    first, empty, last = chart.bars
    assert (first.desk_h, first.waiting_h) == (HEIGHT / 2, 0)
    assert (empty.desk_h, empty.waiting_h) == (0, 0)
    assert (last.desk_h, last.waiting_h) == (HEIGHT * 2 / 20, HEIGHT * 3 / 20)
    assert last.waiting_y + last.waiting_h == last.desk_y  # waiting stacked on the desk's
    assert first.x < empty.x < last.x and last.x + last.width <= WIDTH
    assert chart.solved.split()[1] == f"{WIDTH / 2:g},0"  # the highest point, mid-chart
    assert "3 Jun: 5 received, 0 solved, backlog 5 (2 with the desk, 3 waiting)" in last.tip


def test_the_page_draws_the_chart_with_a_text_alternative(hub, client):
    noon, _ = _flow(hub)
    sign_in(client, factories.staff(hub, Role.MANAGER, with_password=True).agent)
    page = client.get("/reports/flow?days=7").text
    assert '<svg class="chart" role="img" aria-labelledby="flow-chart-title"' in page
    assert f"{noon:%a %d %b}: 3 received, 1 solved, backlog 3 (2 with the desk, 1 waiting)" \
        in page
    quiet = client.get("/reports/flow?days=last-month")
    assert quiet.status_code == 200


def test_a_team_is_chosen_on_the_page_and_its_csv_keeps_the_choice(hub, client):
    team = factories.team(hub, "North")
    admin = factories.staff(hub, Role.ADMIN).agent
    at = datetime.now(UTC) - timedelta(hours=3)
    open_ticket(hub.uows, admin, NewTicket(subject="Parcel", body="Where is it?",
                                           requester_email="ana@example.com",
                                           team_id=team.id), now=at)
    _opened(hub, admin, at, "bo@example.com")
    sign_in(client, factories.staff(hub, Role.MANAGER, with_password=True).agent)
    page = client.get(f"/reports/flow?days=7&team={team.id}").text
    assert "<h1>Ticket flow: North</h1>" in page
    assert f'<option value="{team.id}" selected>North (in it now)</option>' in page
    assert f'href="/reports/flow.csv?days=7&amp;team={team.id}"' in page
    assert re.search(r"Received</dt><dd>1<", page)
    csv_answer = client.get(f"/reports/flow.csv?days=7&team={team.id}")
    assert f'filename="ticket-flow-team-{team.id}-last-7-days.csv"' in \
        csv_answer.headers["content-disposition"]
    assert sum(int(row["received"]) for row in csv.DictReader(io.StringIO(csv_answer.text))) == 1
    assert re.search(r"Received</dt><dd>2<", client.get("/reports/flow?days=7").text)
    missing = client.get(f"/reports/flow?days=7&team={team.id + 1000}")
    assert missing.status_code == 404 and "was not found" in missing.text
