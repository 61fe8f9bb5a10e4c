"""SLA countdowns carry the instants at which their colour changes, reckoned in business time
on the server, so `web/static/countdown.js` can change them without a request: running clocks
have them, paused clocks have none, breached clocks have nothing left ahead."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timedelta

from hubdesk.domain.agents import Role
from hubdesk.domain.clock import utcnow
from hubdesk.domain.tickets import Status
from hubdesk.services.tickets import NewTicket, TicketChanges, open_ticket
from tests import factories
from tests.web.pages import sign_in

MINUTE = timedelta(minutes=1)


def _desk(hub, client):
    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    hub.app.sla.create_policy(admin, {"name": "Around the clock", "targets": {
        "normal": {"first_response": 120, "resolution": 600}}})
    sign_in(client, admin)
    return admin


def _opened(hub, admin, ago: timedelta, subject: str):
    at = utcnow() - ago
    detail, _ = open_ticket(hub.uows, admin, NewTicket(
        subject=subject, body="Where is my parcel?", requester_email="ana@example.com"), now=at)
    return detail.ticket.id, at


def _countdowns(fragment: str) -> list[dict[str, str]]:
    """Each countdown's data attributes, unescaped."""
    found = []
    for tag in re.findall(r"<span [^>]*data-countdown[ >][^>]*>", fragment):
        found.append({name: html.unescape(double or single) for name, double, single
                      in re.findall(r"data-([\w-]+)=(?:\"([^\"]*)\"|'([^']*)')", tag)})
    return found


def _row(page: str, ticket_id: int) -> str:
    return page.split(f'href="/tickets/{ticket_id}"')[1].split("</tr>")[0]


def test_a_running_clock_carries_its_colour_changes_in_the_queue_and_on_the_ticket_page(
        hub, client):
    admin = _desk(hub, client)
    ticket_id, opened = _opened(hub, admin, 30 * MINUTE, "Running")
    before = utcnow()
    page = client.get("/tickets?view=all").text
    [queue] = _countdowns(_row(page, ticket_id))
    expected = [  # first response, two hours around the clock, half an hour used
        {"at": (opened + 60 * MINUTE).isoformat(), "risk": "medium", "left": 3600},
        {"at": (opened + 90 * MINUTE).isoformat(), "risk": "high", "left": 1800},
        {"at": (opened + 120 * MINUTE).isoformat(), "risk": "breached", "left": 0}]
    assert json.loads(queue["changes"]) == expected
    assert queue["risk"] == "low"
    read_at = _instant(queue["at"])
    assert before <= read_at <= utcnow()
    # the business time left when read, to the second
    assert int(queue["left"]) == int((opened + 120 * MINUTE - read_at).total_seconds())
    assert 'class="due-clock due-low"' in _row(page, ticket_id)

    ticket_page = client.get(f"/tickets/{ticket_id}").text
    first, resolution = _countdowns(ticket_page)
    assert json.loads(first["changes"]) == expected
    assert [c["risk"] for c in json.loads(resolution["changes"])] == [
        "medium", "high", "breached"]
    assert json.loads(resolution["changes"])[0]["at"] == (opened + 300 * MINUTE).isoformat()


def test_a_clock_past_half_its_goal_has_only_the_later_changes(hub, client):
    admin = _desk(hub, client)
    ticket_id, opened = _opened(hub, admin, 70 * MINUTE, "Medium")
    [queue] = _countdowns(_row(client.get("/tickets?view=all").text, ticket_id))
    assert queue["risk"] == "medium"
    assert [(c["risk"], c["at"]) for c in json.loads(queue["changes"])] == [
        ("high", (opened + 90 * MINUTE).isoformat()),
        ("breached", (opened + 120 * MINUTE).isoformat())]


def test_a_breached_clock_ticks_towards_nothing_and_a_paused_one_does_not_tick(hub, client):
    admin = _desk(hub, client)
    late, _ = _opened(hub, admin, 3 * 60 * MINUTE, "Late")
    waiting, _ = _opened(hub, admin, 10 * MINUTE, "Waiting on the customer")
    hub.app.tickets.update(admin, waiting, TicketChanges(
        frozenset({"status"}), status=Status.PENDING))
    page = client.get("/tickets?view=all").text
    [breached] = _countdowns(_row(page, late))
    assert breached["risk"] == "breached" and json.loads(breached["changes"]) == []
    assert int(breached["left"]) < 0 and "overdue 1 h" in _row(page, late)
    paused_row = _row(page, waiting)
    assert _countdowns(paused_row) == [] and "data-changes" not in paused_row
    assert 'class="due-clock due-paused"' in paused_row and ">paused</span>" in paused_row
    ticket_page = client.get(f"/tickets/{waiting}").text
    # The customer panel lists the requester's other open tickets, the late one among them,
    # with its own countdown; the ticket's own clocks are the rest of the page.
    before, panel = ticket_page.split('<section class="customer-panel"', 1)
    panel, after = panel.split("</section>", 1)
    assert _countdowns(before + after) == []
    assert (before + after).count('class="due-clock due-paused"') == 2  # both clocks
    assert [c["risk"] for c in _countdowns(panel)] == ["breached"]


def test_the_countdown_script_is_loaded_from_the_console_itself(hub, client):
    _desk(hub, client)
    page = client.get("/tickets")
    assert '<script src="/static/countdown.js" defer></script>' in page.text
    script = client.get("/static/countdown.js")
    assert script.status_code == 200 and "data-countdown" in script.text


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)
