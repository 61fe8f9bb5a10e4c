"""Handoffs in the console: opened, answered and closed from the ticket page; a liaison works
from the department queue and never sees another department's handoffs."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from hubdesk.domain.agents import Role
from hubdesk.server import create_app
from hubdesk.services.handoffs import OlaInput
from tests import factories
from tests.web.pages import post_form, sign_in


@pytest.fixture
def desk(hub, client):
    team = factories.team(hub, "Front line")
    billing, shipping = factories.department(hub, "Billing"), factories.department(hub,
                                                                                   "Shipping")
    rep = factories.staff(hub, teams=(team,), with_password=True)
    factories.staff(hub, tier=2)
    admin = factories.staff(hub, Role.ADMIN)
    hub.app.handoffs.set_ola(admin.agent, billing.id, OlaInput(target_minutes=240))
    ticket = factories.ticket(hub, rep.agent, subject="Charged twice", team_id=team.id).ticket
    return {"hub": hub, "rep": rep, "billing": billing, "shipping": shipping,
            "liaison": factories.staff(hub, Role.LIAISON, departments=(billing,),
                                       with_password=True),
            "other_liaison": factories.staff(hub, Role.LIAISON, departments=(shipping,),
                                             with_password=True),
            "url": f"/tickets/{ticket.id}", "ticket_id": ticket.id}


def _handoff_id(page: str) -> int:
    found = re.search(r'id="handoff-(\d+)"', page)
    assert found, "no handoff on the page"
    return int(found.group(1))


def test_a_handoff_goes_from_the_ticket_page_to_the_queue_and_back(hub, client, desk):
    sign_in(client, desk["rep"].agent)
    page = post_form(client, f"{desk['url']}/handoffs",
                     {"department_id": str(desk["billing"].id),
                      "request": "Please refund the second charge", "blocking": "yes"},
                     page=desk["url"])
    assert page.status_code == 200
    assert "Handed off to Billing (4 h 0 min left)" in page.text
    assert "Please refund the second charge" in page.text and "Blocks solving" in page.text
    handoff_id = _handoff_id(page.text)

    with TestClient(create_app(hub), raise_server_exceptions=False) as liaison:
        sign_in(liaison, desk["liaison"].agent)
        queue = liaison.get("/handoffs")
        assert f'href="/handoffs/{handoff_id}"' in queue.text and "Charged twice" in queue.text
        answered = post_form(liaison, f"/handoffs/{handoff_id}/transition",
                             {"status": "answered", "text": "Refunded today"},
                             page=f"/handoffs/{handoff_id}")
        assert answered.status_code == 200
        assert f"Handoff #{handoff_id} is answered." in answered.text
        assert liaison.get("/handoffs").text.count(f"/handoffs/{handoff_id}") == 0  # waiting only

    ticket_page = client.get(desk["url"]).text
    assert "Refunded today" in ticket_page and "Accept answer (done)" in ticket_page
    done = post_form(client, f"/handoffs/{handoff_id}/transition",
                     {"status": "done", "ticket_id": str(desk["ticket_id"])}, page=desk["url"])
    assert f"Handoff #{handoff_id} is done." in done.text
    assert "accepted a handoff&#39;s answer" in done.text or "accepted a handoff" in done.text


def test_sending_an_answer_back_from_the_ticket_page_asks_why(hub, client, desk):
    from hubdesk.domain.handoffs import HandoffStatus, SendBackCause
    from hubdesk.services.handoffs import NewHandoff

    handoff_id = hub.app.handoffs.open(desk["rep"].agent, desk["ticket_id"], NewHandoff(
        department_id=desk["billing"].id, request="Refund please")).handoff.id
    hub.app.handoffs.answer(desk["liaison"].agent, handoff_id, "Refunded")
    sign_in(client, desk["rep"].agent)
    page = client.get(desk["url"]).text
    form = page.split('class="stack send-back"', 1)[1].split("</form>", 1)[0]
    assert 'name="cause" required' in form
    assert {c.value for c in SendBackCause} == set(
        re.findall(r'<option value="([a-z_]+)">', form))
    refused = post_form(client, f"/handoffs/{handoff_id}/transition",
                        {"status": "in_progress", "ticket_id": str(desk["ticket_id"])},
                        page=desk["url"])
    assert "say why the answer goes back" in refused.text
    assert hub.app.handoffs.get(desk["rep"].agent, handoff_id).handoff.status \
        is HandoffStatus.ANSWERED
    back = post_form(client, f"/handoffs/{handoff_id}/transition",
                     {"status": "in_progress", "cause": "waiting_on_customer",
                      "ticket_id": str(desk["ticket_id"])}, page=desk["url"])
    assert f"Handoff #{handoff_id} is in progress." in back.text
    handoff = hub.app.handoffs.get(desk["rep"].agent, handoff_id).handoff
    assert handoff.send_back_cause is SendBackCause.WAITING_ON_CUSTOMER


def test_another_departments_liaison_sees_nothing_of_it(hub, client, desk):
    sign_in(client, desk["rep"].agent)
    page = post_form(client, f"{desk['url']}/handoffs",
                     {"department_id": str(desk["billing"].id), "request": "Refund please"},
                     page=desk["url"])
    handoff_id = _handoff_id(page.text)
    with TestClient(create_app(hub), raise_server_exceptions=False) as other:
        sign_in(other, desk["other_liaison"].agent)
        assert other.get(f"/handoffs/{handoff_id}").status_code == 404
        assert "Refund please" not in other.get("/handoffs?status=all").text
        assert other.get(f"/handoffs?department={desk['billing'].id}").status_code == 404


def test_a_refused_form_says_why(hub, client, desk):
    sign_in(client, desk["rep"].agent)
    page = post_form(client, f"{desk['url']}/handoffs",
                     {"department_id": str(desk["billing"].id), "request": "   "},
                     page=desk["url"])
    assert "the request is empty" in page.text
    assert re.search(r'id="handoff-\d+"', page.text) is None


def test_escalating_from_the_ticket_page(hub, client, desk):
    sign_in(client, desk["rep"].agent)
    post_form(client, f"{desk['url']}/update", {"assignee": str(desk["rep"].agent.id),
                                                "was_assignee": ""}, page=desk["url"])
    moved = post_form(client, f"{desk['url']}/tier", {"action": "escalate",
                                                      "reason": "Needs engineering"},
                      page=desk["url"])
    assert moved.status_code == 200
    assert "Escalated to tier 2" in moved.text
    assert hub.app.tickets.get(desk["rep"].agent, desk["ticket_id"]).tier == 2


def test_the_turnaround_report_names_the_bottleneck_for_those_who_read_reports(hub, client,
                                                                               desk):
    from datetime import UTC, datetime, timedelta

    from hubdesk.services.handoffs import NewHandoff

    opened_at = datetime.now(UTC) - timedelta(days=2)
    slow = hub.app.handoffs.open(desk["rep"].agent, desk["ticket_id"], NewHandoff(
        department_id=desk["billing"].id, request="Refund please"), now=opened_at)
    hub.app.handoffs.answer(desk["liaison"].agent, slow.handoff.id, "Refunded",
                            now=opened_at + timedelta(hours=5))
    quick = hub.app.handoffs.open(desk["rep"].agent, desk["ticket_id"], NewHandoff(
        department_id=desk["shipping"].id, request="Where is it?"), now=opened_at)
    hub.app.handoffs.answer(desk["other_liaison"].agent, quick.handoff.id, "On its way",
                            now=opened_at + timedelta(minutes=30))
    sign_in(client, desk["rep"].agent)
    assert client.get("/handoffs/report").status_code == 403
    client.cookies.clear()
    lead = factories.staff(hub, Role.COORDINATOR, with_password=True)
    sign_in(client, lead.agent)
    assert '<a href="/handoffs/report">' in client.get("/handoffs").text
    page = client.get("/handoffs/report?days=7").text
    billing = page.split("<td>Billing", 1)[1].split("</tr>", 1)[0]
    assert '<span class="tag">Bottleneck</span>' in billing
    months = client.get("/handoffs/report?days=last-month").text
    assert '<option value="last-month" selected>Last month</option>' in months
    assert "<td>5 h 0 min</td>" in billing and "<td>100 %</td>" in billing  # over its 4 h OLA
    shipping = page.split("<td>Shipping", 1)[1].split("</tr>", 1)[0]
    assert "Bottleneck" not in shipping and "<td>30 min</td>" in shipping


def test_the_turnaround_report_blames_a_send_back_on_the_team_that_sent_it(hub, client, desk):
    from datetime import UTC, datetime, timedelta

    from hubdesk.domain.handoffs import HandoffStatus, SendBackCause
    from hubdesk.services.handoffs import NewHandoff

    opened_at = datetime.now(UTC) - timedelta(days=2)
    rep, liaison = desk["rep"].agent, desk["liaison"].agent
    handoff_id = hub.app.handoffs.open(rep, desk["ticket_id"], NewHandoff(
        department_id=desk["billing"].id, request="Refund please"), now=opened_at).handoff.id
    hub.app.handoffs.answer(liaison, handoff_id, "Refunded", now=opened_at + timedelta(hours=1))
    hub.app.handoffs.transition(rep, handoff_id, HandoffStatus.IN_PROGRESS,
                                cause=SendBackCause.INCOMPLETE_REQUEST,
                                now=opened_at + timedelta(hours=3))
    hub.app.handoffs.answer(liaison, handoff_id, "And the fee",
                            now=opened_at + timedelta(hours=5))
    hub.app.handoffs.done(rep, handoff_id, now=opened_at + timedelta(hours=5, minutes=30))
    sign_in(client, factories.staff(hub, Role.COORDINATOR, with_password=True).agent)
    page = client.get("/handoffs/report?days=7").text
    billing = page.split("<td>Billing", 1)[1].split("</tr>", 1)[0]
    # its own hour, in time; 2 h 30 min waiting on the ticket's side and 2 h of rework
    assert "<td>1 h 0 min</td>" in billing and "<td>0 %</td>" in billing
    assert "<td>4 h 30 min</td>" in billing
    team = page.split("Rework caused, per originating team", 1)[1].split("<td>Front line", 1)[
        1].split("</tr>", 1)[0]
    cells = re.findall(r"<td>([^<]*)</td>", team)
    assert cells == ["1", "0", "1", "2 h 30 min", "2 h 0 min"]
