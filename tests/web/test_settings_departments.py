"""The departments settings screen on both databases: an administrator adds and changes a
department with its OLA (target, calendar, lead) in one transaction; what is refused is
shown beside its field and nothing is saved; other roles are told it is not theirs."""

from __future__ import annotations

import html
import re

from hubdesk.domain.agents import Role
from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.sla import NamedCalendar
from tests import factories
from tests.web.pages import post_form, sign_in
from tests.web.test_settings import _error_beside
from tests.web.test_units_of_work import count_transactions

OFFICE = {"timezone": "Europe/Berlin",
          "hours": {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}}
BILLING = {"name": "Billing", "description": "Invoices and refunds",
           "email": "billing@example.com", "target_minutes": "240", "calendar": "",
           "lead_id": "", "coordinator_after_minutes": "120"}


def _admin(hub, client):
    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    sign_in(client, admin)
    return admin


def _office_choice(client) -> str:
    page = client.get("/settings/departments").text
    [choice] = re.findall(r'<option value="([^"]*)">Business hours of Berlin office', page)
    return html.unescape(choice)


def test_an_administrator_adds_a_department_with_its_ola_and_changes_it(hub, client):
    admin = _admin(hub, client)
    hub.app.sla.create_calendar(admin, NamedCalendar(
        None, "Berlin office", BusinessCalendar.from_dict(OFFICE)))
    lead = factories.staff(hub, Role.REPRESENTATIVE).agent
    saved = post_form(client, "/settings/departments", BILLING | {
        "calendar": _office_choice(client), "lead_id": str(lead.id)},
        page="/settings/departments")
    assert saved.status_code == 200 and "Department “Billing” saved." in saved.text
    [billing] = hub.app.directory.departments(admin)
    assert (billing.description, billing.email) == ("Invoices and refunds",
                                                    "billing@example.com")
    ola = hub.app.handoffs.ola(admin, billing.id).to_dict()
    assert ola["target_minutes"] == 240 and ola["coordinator_after_minutes"] == 120
    assert ola["lead_id"] == lead.id and ola["calendar"]["hours"]["mon"] == [["09:00",
                                                                            "17:00"]]
    row = saved.text.split(">Billing</a>", 1)[1].split("</tr>", 1)[0]
    assert "<td>240</td>" in row and "Berlin office" in row and lead.name in row

    edit = client.get(f"/settings/departments/{billing.id}").text
    assert 'value="240"' in edit
    assert re.search(r'<option value="[^"]*" selected>Business hours of Berlin office', edit)
    changed = post_form(client, f"/settings/departments/{billing.id}", BILLING | {
        "name": "Billing and refunds", "target_minutes": "60"}, page="/settings/departments")
    assert changed.status_code == 200
    [renamed] = hub.app.directory.departments(admin)
    assert renamed.name == "Billing and refunds"
    ola = hub.app.handoffs.ola(admin, billing.id).to_dict()
    assert ola["target_minutes"] == 60 and ola["calendar"] is None and ola["lead_id"] is None
    # a blank target removes the OLA: handoffs to it have no deadline
    post_form(client, f"/settings/departments/{billing.id}", BILLING | {"target_minutes": ""},
              page="/settings/departments")
    assert hub.app.handoffs.ola(admin, billing.id) is None


def test_a_refused_ola_is_shown_beside_its_field_and_nothing_is_saved(hub, client):
    admin = _admin(hub, client)
    zero = post_form(client, "/settings/departments", BILLING | {"target_minutes": "0"},
                     page="/settings/departments")
    assert zero.status_code == 422
    assert "positive" in _error_beside(zero.text, "department-target")
    assert 'value="Billing"' in zero.text
    words = post_form(client, "/settings/departments", BILLING | {"target_minutes": "soon"},
                      page="/settings/departments")
    assert words.status_code == 422
    assert "whole number" in _error_beside(words.text, "department-target")
    # Nine digits fit the form, not an OLA: every handoff's deadline is counted up to it.
    endless = post_form(client, "/settings/departments", BILLING | {
        "target_minutes": "999999999"}, page="/settings/departments")
    assert endless.status_code == 422
    assert "at most 527040" in _error_beside(endless.text, "department-target")
    late = post_form(client, "/settings/departments", BILLING | {
        "coordinator_after_minutes": "999999999"}, page="/settings/departments")
    assert late.status_code == 422
    assert "from 0 to 527040" in _error_beside(late.text, "department-after")
    unknown = post_form(client, "/settings/departments", BILLING | {"lead_id": "987654"},
                         page="/settings/departments")
    assert unknown.status_code == 422
    assert "active agent" in _error_beside(unknown.text, "department-lead")
    mail = post_form(client, "/settings/departments", BILLING | {"email": "not an address"},
                     page="/settings/departments")
    assert mail.status_code == 422
    assert "not an e-mail address" in _error_beside(mail.text, "department-email")
    # the department is not created when its OLA is refused
    assert hub.app.directory.departments(admin) == []


def test_a_refused_ola_leaves_a_stored_department_as_it_was(hub, client):
    admin = _admin(hub, client)
    post_form(client, "/settings/departments", BILLING, page="/settings/departments")
    [billing] = hub.app.directory.departments(admin)
    refused = post_form(client, f"/settings/departments/{billing.id}", BILLING | {
        "name": "Renamed", "target_minutes": "0"}, page="/settings/departments")
    assert refused.status_code == 422
    assert [d.name for d in hub.app.directory.departments(admin)] == ["Billing"]
    assert hub.app.handoffs.ola(admin, billing.id).to_dict()["target_minutes"] == 240
    taken = post_form(client, "/settings/departments", BILLING | {"target_minutes": "30"},
                      page="/settings/departments")
    assert taken.status_code == 409 and "already exists" in taken.text


def test_the_screen_is_read_in_one_unit_of_work_and_only_for_administrators(hub, client):
    _admin(hub, client)
    for name in ("Billing", "Shipping", "Sales"):
        post_form(client, "/settings/departments", BILLING | {"name": name},
                  page="/settings/departments")
    with count_transactions(hub.engine) as begun:
        page = client.get("/settings/departments")
    assert page.status_code == 200 and page.text.count("<td>240</td>") == 3
    assert len(begun) == 2
    manager = factories.staff(hub, Role.MANAGER, with_password=True).agent
    sign_in(client, manager)
    assert client.get("/settings/departments").status_code == 403
    refused = post_form(client, "/settings/departments", BILLING | {"name": "Legal"},
                        page="/settings/sla")
    assert refused.status_code == 403
    assert sorted(d.name for d in hub.app.directory.departments(manager)) == [
        "Billing", "Sales", "Shipping"]


def test_a_department_is_deleted_from_its_page_once_confirmed(hub, client):
    admin = _admin(hub, client)
    post_form(client, "/settings/departments", BILLING, page="/settings/departments")
    [billing] = hub.app.directory.departments(admin)
    page = client.get(f"/settings/departments/{billing.id}").text
    form = page.split('class="stack settings-form delete-department"', 1)[1].split(
        "</form>", 1)[0]
    assert 'name="confirmed" value="yes" required' in form
    unconfirmed = post_form(client, f"/settings/departments/{billing.id}/delete", {},
                            page="/settings/departments")
    assert "Tick the box to confirm" in unconfirmed.text
    assert [d.id for d in hub.app.directory.departments(admin)] == [billing.id]
    factories.staff(hub, Role.LIAISON, departments=(billing,))
    busy = post_form(client, f"/settings/departments/{billing.id}/delete",
                     {"confirmed": "yes"}, page="/settings/departments")
    assert "cannot be deleted: 1 member still refer" in html.unescape(busy.text)
    assert [d.id for d in hub.app.directory.departments(admin)] == [billing.id]
    spare = factories.department(hub, "Spare")
    done = post_form(client, f"/settings/departments/{spare.id}/delete",
                     {"confirmed": "yes"}, page="/settings/departments")
    assert "Department deleted." in done.text
    assert [d.id for d in hub.app.directory.departments(admin)] == [billing.id]


def test_a_departments_escalation_ladder_is_set_shown_and_refused_beside_its_field(hub, client):
    admin = _admin(hub, client)
    post_form(client, "/settings/departments", BILLING, page="/settings/departments")
    [billing] = hub.app.directory.departments(admin)
    # none chosen: the default ladder, shown as such with its coordinator step
    ola = hub.app.handoffs.ola(admin, billing.id)
    assert ola.ladder is None and [s.name for s in ola.steps] == ["75%", "100%",
                                                                  "deadline+120m"]
    listed = client.get("/settings/departments").text
    row = listed.split(">Billing</a>", 1)[1].split("</tr>", 1)[0]
    assert "The assignee told at 75 % of its time" in row and "(default)" in row
    assert "120 business minutes past the deadline" in row
    saved = post_form(client, f"/settings/departments/{billing.id}", BILLING | {
        "ladder": "50%: assignee\n\n+30 min: department_lead, coordinators\n150: coordinators"},
        page="/settings/departments")
    assert saved.status_code == 200
    ola = hub.app.handoffs.ola(admin, billing.id)
    assert [step.to_dict() for step in ola.steps] == [
        {"at_percent": 50, "notify": ["assignee"]},
        {"after_deadline_minutes": 30, "notify": ["department_lead", "coordinators"]},
        {"at_percent": 150, "notify": ["coordinators"]}]
    edit = client.get(f"/settings/departments/{billing.id}").text
    assert ("50%: assignee\n+30: department_lead, coordinators\n150%: coordinators"
            in html.unescape(edit))
    for ladder, said in (("75%: boss", "ladder.0.notify"),
                         ("75%: assignee\nsoon: coordinators", "ladder.1.at_percent"),
                         ("+a while: coordinators", "ladder.0.after_deadline_minutes"),
                         ("150%: assignee\n+120: coordinators", "ladder.1 comes at the same")):
        refused = post_form(client, f"/settings/departments/{billing.id}", BILLING | {
            "ladder": ladder}, page="/settings/departments")
        assert refused.status_code == 422, ladder
        assert said in _error_beside(refused.text, "department-ladder")
        assert html.escape(ladder.split("\n")[0], quote=False) in refused.text
    # nothing refused was stored
    assert [s.name for s in hub.app.handoffs.ola(admin, billing.id).steps] == [
        "50%", "deadline+30m", "150%"]
    # blank again: back to the default ladder
    post_form(client, f"/settings/departments/{billing.id}", BILLING,
              page="/settings/departments")
    assert hub.app.handoffs.ola(admin, billing.id).ladder is None
