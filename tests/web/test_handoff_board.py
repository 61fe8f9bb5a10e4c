"""The handoffs board: a section per department with its counts, each awaited handoff's OLA
clock counting down in the browser, and the board following changes live, also for the
department's members who may not see the ticket itself."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.services.handoffs import NewHandoff, OlaInput
from hubdesk.web import live
from tests import factories
from tests.web.pages import sign_in
from tests.web.test_live import _frames


@pytest.fixture
def desk(hub):
    team = factories.team(hub, "Front line")
    billing, shipping = (factories.department(hub, name) for name in ("Billing", "Shipping"))
    admin = factories.staff(hub, Role.ADMIN).agent
    hub.app.handoffs.set_ola(admin, billing.id, OlaInput(target_minutes=240))
    rep = factories.staff(hub, teams=(team,))
    now = datetime.now(UTC)

    def handed(department, subject: str, ago: timedelta) -> int:
        ticket = factories.ticket(hub, rep.agent, subject=subject, team_id=team.id).ticket
        view = hub.app.handoffs.open(rep.agent, ticket.id, NewHandoff(
            department_id=department.id, request=f"Please help with {subject}"), now=now - ago)
        assert view.handoff.id is not None
        return view.handoff.id

    fresh = handed(billing, "Fresh", timedelta(minutes=10))
    late = handed(billing, "Late", timedelta(hours=3, minutes=10))  # 3 of 4 hours used
    overdue = handed(billing, "Overdue", timedelta(hours=5))
    answered = handed(billing, "Answered", timedelta(hours=1))
    shipped = handed(shipping, "Parcel", timedelta(hours=1))
    hub.app.handoffs.start(admin, late)
    hub.app.handoffs.answer(admin, answered, "Done it")
    return {"billing": billing, "shipping": shipping, "team": team, "rep": rep, "admin": admin,
            "fresh": fresh, "late": late, "overdue": overdue, "answered": answered,
            "shipped": shipped}


def _section(page: str, department) -> str:
    return page.split(f'id="department-{department.id}-title"', 1)[1].split("</section>", 1)[0]


def _row(page: str, handoff_id: int) -> str:
    return page.split(f'<a href="/handoffs/{handoff_id}">', 1)[1].split("</tr>", 1)[0]


def test_the_board_has_a_section_per_department_with_its_counts(hub, client, desk):
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True)
    sign_in(client, coordinator.agent)
    page = client.get("/handoffs").text
    assert '<main id="main" data-live="refresh">' in page
    billing, shipping = _section(page, desk["billing"]), _section(page, desk["shipping"])
    counts = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", billing.split("</ul>", 1)[0]))
    assert "2 open 1 in progress 1 answered 1 overdue" in counts
    assert 'class="overdue-count"' in billing
    assert "0 overdue" in re.sub(r"<[^>]+>", "", shipping)
    for handoff_id in ("fresh", "late", "overdue"):
        assert f'href="/handoffs/{desk[handoff_id]}"' in billing
    assert f'href="/handoffs/{desk["answered"]}"' not in billing  # waiting ones only
    assert f'href="/handoffs/{desk["shipped"]}"' in shipping
    assert page.index(f'/handoffs/{desk["overdue"]}"') < page.index(f'/handoffs/{desk["late"]}"') \
        < page.index(f'/handoffs/{desk["fresh"]}"')  # the first due on top
    answered = _section(client.get("/handoffs?status=answered").text, desk["billing"])
    assert f'href="/handoffs/{desk["answered"]}"' in answered
    one = client.get(f"/handoffs?department={desk['shipping'].id}").text
    assert f'id="department-{desk["billing"].id}-title"' not in one
    assert f'id="department-{desk["shipping"].id}-title"' in one


def test_each_awaited_handoff_has_an_ola_countdown_coloured_by_risk(hub, client, desk):
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True)
    sign_in(client, coordinator.agent)
    page = client.get("/handoffs").text
    fresh, late, overdue = (_row(page, desk[name]) for name in ("fresh", "late", "overdue"))
    assert 'data-risk="low"' in fresh and "due-low" in fresh
    assert 'data-risk="high"' in late and "due-high" in late
    assert 'data-risk="breached"' in overdue and "overdue 1 h 0 min" in overdue
    left = int(re.search(r'data-left="(-?\d+)"', fresh).group(1))
    assert 3 * 3600 + 45 * 60 <= left <= 3 * 3600 + 50 * 60
    changes = json.loads(re.search(r"data-changes='([^']*)'", fresh).group(1))
    assert [c["risk"] for c in changes] == ["medium", "high", "breached"]
    assert [c["left"] for c in changes] == [7200, 3600, 0]
    assert json.loads(re.search(r"data-changes='([^']*)'", late).group(1))[0]["risk"] \
        == "breached"
    assert "data-countdown" not in _row(page, desk["shipped"])  # Shipping has no OLA


def test_a_liaison_sees_only_their_departments_section(hub, client, desk):
    liaison = factories.staff(hub, Role.LIAISON, departments=(desk["shipping"],),
                              with_password=True)
    sign_in(client, liaison.agent)
    page = client.get("/handoffs").text
    assert f'id="department-{desk["shipping"].id}-title"' in page
    assert f'id="department-{desk["billing"].id}-title"' not in page
    assert "Overdue" not in page
    assert client.get(f"/handoffs?department={desk['billing'].id}").status_code == 404


def test_a_departments_stream_hears_of_its_handoffs_only(hub, client, desk, monkeypatch):
    monkeypatch.setattr(live, "STREAM_SECONDS", 10.0)
    liaison = factories.staff(hub, Role.LIAISON, departments=(desk["shipping"],),
                              with_password=True)
    other = factories.team(hub, "Back office")
    rep = factories.staff(hub, teams=(other,))
    hub.app.relay_outbox()
    sign_in(client, liaison.agent)
    with client.stream("GET", "/events") as response:
        lines = response.iter_lines()
        assert _frames(lines, 1) == [("ready", {})]
        billing_ticket = factories.ticket(hub, rep.agent, team_id=other.id).ticket
        hub.app.handoffs.open(rep.agent, billing_ticket.id, NewHandoff(
            department_id=desk["billing"].id, request="Not for shipping"))
        shipping_ticket = factories.ticket(hub, rep.agent, team_id=other.id).ticket
        hub.app.handoffs.open(rep.agent, shipping_ticket.id, NewHandoff(
            department_id=desk["shipping"].id, request="Where is it?"))
        hub.app.relay_outbox()
        frames = _frames(lines, 1)
    assert [(kind, data["ticket_id"], data["kind"]) for kind, data in frames] == [
        ("ticket", shipping_ticket.id, "handoff_opened")]
