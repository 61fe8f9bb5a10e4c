"""The console's rules page, on both databases: the rules in order, adding, changing,
switching and removing them through the use cases the API calls (a refused rule explained
beside its field, nothing saved), and a dry run for a ticket, for administrators and
managers only."""

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


def _manager_with_a_rule_on_new_tickets(hub, name, subject_contains, action):
    manager = factories.staff(hub, Role.MANAGER, with_password=True)
    hub.app.rules.create(manager.agent, {
        "name": name, "trigger": {"type": "event", "on": ["created"]},
        "conditions": {"all": [{"field": "ticket.subject", "op": "contains",
                                "value": subject_contains}]},
        "actions": [action]})
    return manager, factories.ticket(hub, manager.agent, subject="Parcel lost").ticket


def test_a_manager_sees_the_rules_and_a_dry_run_with_each_condition(hub, client):
    manager, ticket = _manager_with_a_rule_on_new_tickets(
        hub, "Urgent refunds", "refund", {"type": "set", "field": "priority", "value": "urgent"})
    sign_in(client, manager.agent)
    listing = client.get("/rules")
    assert listing.status_code == 200
    assert "Urgent refunds" in listing.text and "on created" in listing.text
    assert 'href="/rules"' in client.get("/tickets").text
    dry = client.get(f"/rules?ticket={ticket.id}")
    assert dry.status_code == 200
    assert "would not fire" in dry.text and "(was Parcel lost)" in dry.text
    missing = client.get("/rules?ticket=987654")
    assert missing.status_code == 404 and "987654 was not found" in missing.text


def test_other_roles_are_refused_the_rules_page(hub, client):
    lead = factories.staff(hub, Role.TEAM_LEAD, with_password=True)
    sign_in(client, lead.agent)
    assert client.get("/rules").status_code == 403
    assert 'href="/rules"' not in client.get("/tickets").text


URGENT_REFUNDS = {
    "name": "Urgent refunds", "position": "5", "enabled": "yes", "trigger_type": "event",
    "trigger_on": "created",
    "conditions": '{"all": [{"field": "ticket.subject", "op": "contains", "value": "refund"}]}',
    "actions": '[{"type": "set", "field": "priority", "value": "urgent"}]'}


def _manager(hub, client):
    manager = factories.staff(hub, Role.MANAGER, with_password=True).agent
    sign_in(client, manager)
    return manager


def test_a_manager_adds_changes_switches_and_removes_a_rule(hub, client):
    manager = _manager(hub, client)
    saved = post_form(client, "/rules", URGENT_REFUNDS, page="/rules")
    assert saved.status_code == 200 and "Rule “Urgent refunds” saved." in saved.text
    [rule] = hub.app.rules.list(manager)
    assert rule.to_dict() == {
        "id": rule.id, "name": "Urgent refunds", "position": 5, "enabled": True,
        "trigger": {"type": "event", "on": ["created"]},
        "conditions": {"all": [{"field": "ticket.subject", "op": "contains",
                                "value": "refund"}]},
        "actions": [{"type": "set", "field": "priority", "value": "urgent"}]}
    # a ticket opened now is changed by the rule the console saved
    opened = factories.ticket(hub, manager, subject="A refund please").ticket
    assert opened.priority.value == "urgent"

    edit = client.get(f"/rules/{rule.id}")
    assert edit.status_code == 200 and 'value="Urgent refunds"' in edit.text
    assert 'value="created" checked' in edit.text and "ticket.subject" in edit.text
    changed = post_form(client, f"/rules/{rule.id}", URGENT_REFUNDS | {
        "trigger_type": "time", "trigger_status": "pending", "trigger_hours": "72",
        "trigger_since": "status_changed", "trigger_calendar": "",
        "actions": '[{"type": "set", "field": "status", "value": "solved"}]'}, page="/rules")
    assert changed.status_code == 200
    trigger = hub.app.rules.get(manager, rule.id).to_dict()["trigger"]
    assert trigger == {"type": "time", "status": "pending", "hours": 72,
                       "since": "status_changed"}

    off = post_form(client, f"/rules/{rule.id}/enabled", {"enabled": "no"}, page="/rules")
    assert "Rule “Urgent refunds” disabled." in off.text
    assert hub.app.rules.get(manager, rule.id).enabled is False
    assert "Enable Urgent refunds" in off.text
    post_form(client, f"/rules/{rule.id}/enabled", {"enabled": "yes"}, page="/rules")
    assert hub.app.rules.get(manager, rule.id).enabled is True
    removed = post_form(client, f"/rules/{rule.id}/delete", {}, page="/rules")
    assert "Rule removed." in removed.text and hub.app.rules.list(manager) == []


def test_a_time_rule_counts_business_hours_on_a_stored_calendar(hub, client):
    manager = _manager(hub, client)
    office = {"timezone": "Europe/Berlin",
              "hours": {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu",
                                                              "fri")}}
    hub.app.sla.create_calendar(manager, NamedCalendar(
        None, "Berlin office", BusinessCalendar.from_dict(office)))
    page = client.get("/rules").text
    [choice] = re.findall(r'<option value="([^"]*)">Business hours of Berlin office', page)
    saved = post_form(client, "/rules", URGENT_REFUNDS | {
        "name": "Remind", "trigger_type": "time", "trigger_status": "pending",
        "trigger_hours": "1.5", "trigger_since": "updated",
        "trigger_calendar": html.unescape(choice),
        "actions": '[{"type": "add_tags", "tags": ["reminded"]}]'}, page="/rules")
    assert saved.status_code == 200, saved.text
    [rule] = hub.app.rules.list(manager)
    trigger = rule.to_dict()["trigger"]
    assert trigger["hours"] == 1.5 and trigger["since"] == "updated"
    assert trigger["calendar"]["hours"]["mon"] == [["09:00", "17:00"]]
    edit = client.get(f"/rules/{rule.id}").text
    assert re.search(r'<option value="[^"]*" selected>Business hours of Berlin office', edit)


def test_a_refused_rule_is_explained_beside_its_field_and_nothing_is_saved(hub, client):
    manager = _manager(hub, client)
    unknown = post_form(client, "/rules", URGENT_REFUNDS | {
        "conditions": '{"all": [{"field": "ticket.colour", "op": "=", "value": "red"}]}'},
        page="/rules")
    assert unknown.status_code == 422
    assert "ticket.colour" in _error_beside(unknown.text, "rule-conditions")
    assert 'value="Urgent refunds"' in unknown.text  # what was typed is kept
    broken = post_form(client, "/rules", URGENT_REFUNDS | {"actions": '[{"type": "set",'},
                       page="/rules")
    assert broken.status_code == 422
    assert "not valid JSON" in _error_beside(broken.text, "rule-actions")
    no_event = post_form(client, "/rules", URGENT_REFUNDS | {"trigger_on": []},
                         page="/rules")
    assert no_event.status_code == 422
    assert "event kinds" in _error_beside(no_event.text, "trigger-on")
    hours = post_form(client, "/rules", URGENT_REFUNDS | {
        "trigger_type": "time", "trigger_status": "pending", "trigger_hours": "soon"},
        page="/rules")
    assert hours.status_code == 422
    assert "number of hours" in _error_beside(hours.text, "trigger-hours")
    assert hub.app.rules.list(manager) == []


def test_the_editor_offers_message_and_custom_field_conditions_and_explains_a_bad_one(
        hub, client):
    manager = _manager(hub, client)
    page = client.get("/rules").text
    assert "<code>message.body</code>" in page and "custom_fields.&lt;key&gt;" in page
    assert "&lt;= " in page and "&gt;=" in page
    custom = ('{"all": [{"field": "message.body", "op": "contains", "value": "refund"}, '
              '{"field": "custom_fields.order_total", "op": ">=", "value": 100}]}')
    saved = post_form(client, "/rules", URGENT_REFUNDS | {"conditions": custom},
                      page="/rules")
    assert saved.status_code == 200
    [rule] = hub.app.rules.list(manager)
    assert rule.fields == {"message.body", "custom_fields.order_total"}
    refused = post_form(client, "/rules", URGENT_REFUNDS | {
        "name": "Other",
        "conditions": '{"all": [{"field": "custom_fields.total", "op": "<", "value": "9"}]}'},
        page="/rules")
    assert refused.status_code == 422
    assert "custom_fields.total < compares with a number" in \
        _error_beside(refused.text, "rule-conditions")
    assert [r.name for r in hub.app.rules.list(manager)] == ["Urgent refunds"]


def test_rules_that_would_loop_are_refused_and_the_other_stays_as_it_was(hub, client):
    manager = _manager(hub, client)
    to_high = {**URGENT_REFUNDS, "name": "Up", "trigger_on": "updated", "conditions": "{}",
               "actions": '[{"type": "set", "field": "priority", "value": "high"}]'}
    assert post_form(client, "/rules", to_high, page="/rules").status_code == 200
    looping = post_form(client, "/rules", to_high | {
        "name": "Down", "actions": '[{"type": "set", "field": "priority", "value": "low"}]'},
        page="/rules")
    assert looping.status_code == 422
    assert "rules 'Up' and 'Down' would loop" in html.unescape(looping.text)
    [up] = hub.app.rules.list(manager)
    # disabled, the second may be saved; switching it on again is refused the same way
    saved = post_form(client, "/rules", to_high | {
        "name": "Down", "enabled": "", "actions": '[{"type": "set", "field": "priority", '
                                                  '"value": "low"}]'}, page="/rules")
    assert saved.status_code == 200
    down = next(r for r in hub.app.rules.list(manager) if r.name == "Down")
    refused = post_form(client, f"/rules/{down.id}/enabled", {"enabled": "yes"},
                        page="/rules")
    assert "rules 'Up' and 'Down' would loop" in html.unescape(refused.text)
    assert hub.app.rules.get(manager, down.id).enabled is False
    assert hub.app.rules.get(manager, up.id) == up


def test_the_dry_run_may_ask_as_if_one_event_happened(hub, client):
    manager = _manager(hub, client)
    post_form(client, "/rules", URGENT_REFUNDS, page="/rules")
    ticket = factories.ticket(hub, manager, subject="A refund please").ticket
    as_created = client.get(f"/rules?ticket={ticket.id}&event=created")
    assert as_created.status_code == 200 and "would fire" in as_created.text
    as_noted = client.get(f"/rules?ticket={ticket.id}&event=noted")
    assert "would not fire" in as_noted.text


def test_the_dry_run_may_suppose_fields_just_changed(hub, client):
    manager = _manager(hub, client)
    post_form(client, "/rules", URGENT_REFUNDS | {
        "name": "Solved", "trigger_on": "status_changed",
        "conditions": '{"all": [{"field": "ticket.status", "op": "changed_to", '
                      '"value": "solved"}]}'}, page="/rules")
    ticket = factories.ticket(hub, manager, subject="A refund please").ticket
    plain = html.unescape(client.get(f"/rules?ticket={ticket.id}&event=status_changed").text)
    assert "would not fire" in plain and "a dry run changes no field" in plain
    supposed = client.get(f"/rules?ticket={ticket.id}&event=status_changed"
                          "&changed=ticket.status%3Dsolved")
    assert supposed.status_code == 200
    said = html.unescape(supposed.text)
    assert "would fire" in said and "as if ticket.status had just changed to solved" in said
    assert 'value="ticket.status=solved"' in said  # what was asked is kept
    refused = client.get(f"/rules?ticket={ticket.id}&changed=ticket.channel")
    assert refused.status_code == 422 and "ticket.channel" in html.unescape(refused.text)


def test_other_roles_may_not_change_rules(hub, client):
    manager = factories.staff(hub, Role.MANAGER).agent
    rule = hub.app.rules.create(manager, {
        "name": "Tag", "trigger": {"type": "event", "on": ["created"]},
        "actions": [{"type": "add_tags", "tags": ["seen"]}]})
    lead = factories.staff(hub, Role.TEAM_LEAD, with_password=True)
    sign_in(client, lead.agent)
    page = "/tickets"
    assert post_form(client, "/rules", URGENT_REFUNDS, page=page).status_code == 403
    post_form(client, f"/rules/{rule.id}/delete", {}, page=page)
    post_form(client, f"/rules/{rule.id}/enabled", {"enabled": "no"}, page=page)
    assert hub.app.rules.list(manager) == [rule]


def test_the_rules_page_with_a_dry_run_is_read_in_one_unit_of_work(hub, client):
    manager = _manager(hub, client)
    post_form(client, "/rules", URGENT_REFUNDS, page="/rules")
    ticket = factories.ticket(hub, manager, subject="A refund please").ticket
    with count_transactions(hub.engine) as begun:
        page = client.get(f"/rules?ticket={ticket.id}")
    assert page.status_code == 200 and "would fire" in page.text
    assert len(begun) == 2  # the session check, then everything the page shows


def test_the_form_s_rule_is_tried_without_saving_and_shown_beside_the_form(hub, client):
    manager = _manager(hub, client)
    refund = factories.ticket(hub, manager, subject="Refund for order 7").ticket
    factories.ticket(hub, manager, subject="Where is my parcel")
    page = client.get("/rules").text
    assert 'formaction="/rules/try#tryout"' in page and "Try without saving" in page
    tried = post_form(client, "/rules/try", URGENT_REFUNDS, page="/rules")
    assert tried.status_code == 200
    beside = tried.text.split('<div class="beside">', 1)[1]
    form, result = beside.split('<section class="tryout"', 1)
    assert 'value="Urgent refunds"' in form  # the form keeps what was typed
    assert "would fire on <strong>1</strong> of the 2 tickets" in result
    assert f'href="/tickets/{refund.id}">#{refund.id}</a> Refund for order 7' in result
    assert "<code>priority</code>: normal → urgent" in result
    assert "Where is my parcel" in result.split("<details>", 1)[1]  # under would not fire
    # nothing saved or changed
    assert hub.app.rules.list(manager) == []
    assert hub.app.tickets.get(manager, refund.id).ticket.priority.value == "normal"


def test_a_rule_tried_with_a_mistake_is_explained_beside_its_field(hub, client):
    _manager(hub, client)
    broken = {**URGENT_REFUNDS, "conditions": '{"all": [{"field": "ticket.mood", "op": "="'}
    page = post_form(client, "/rules/try", broken, page="/rules")
    assert page.status_code == 422
    assert 'class="tryout"' not in page.text
    assert "conditions" in _error_beside(page.text, "rule-conditions")


def test_a_manager_picks_a_macro_for_a_rule_and_an_unknown_one_is_refused_beside_the_list(
        hub, client):
    from datetime import UTC, datetime

    from hubdesk.domain.macros import Macro
    from hubdesk.domain.tickets import Status

    manager = _manager(hub, client)
    macro = hub.app.macros.create(manager, Macro(
        None, "Tracking link", "Hi {{customer.first_name}}", then_status=Status.PENDING,
        add_tags=("tracking",)), now=datetime(2026, 3, 2, tzinfo=UTC))
    page = client.get("/rules").text
    assert f'<option value="{macro.id}">Tracking link (then pending) [tracking]</option>' \
        in page
    saved = post_form(client, "/rules", URGENT_REFUNDS | {"macro_id": str(macro.id)},
                      page="/rules")
    assert saved.status_code == 200 and "Rule “Urgent refunds” saved." in saved.text
    [rule] = hub.app.rules.list(manager)
    assert rule.to_dict()["actions"] == [
        {"type": "set", "field": "priority", "value": "urgent"},
        {"type": "macro", "macro_id": macro.id}]
    edit = client.get(f"/rules/{rule.id}").text
    assert f'<option value="{macro.id}" selected>Tracking link' in edit
    shown = html.unescape(edit.split('name="actions"', 1)[1].split("</textarea>", 1)[0])
    assert '"macro"' not in shown  # the picked macro is the list's, not the JSON's

    factories.ticket(hub, manager, subject="Where is it")
    tried = post_form(client, "/rules/try", URGENT_REFUNDS | {
        "macro_id": str(macro.id), "conditions": '{"all": []}'}, page="/rules")
    assert tried.status_code == 200
    assert "would reply with the macro “Tracking link”" in html.unescape(tried.text)

    gone = post_form(client, f"/rules/{rule.id}", URGENT_REFUNDS | {
        "macro_id": str(macro.id + 40)}, page="/rules")
    assert gone.status_code == 422
    assert _error_beside(gone.text, "rule-macro") == \
        f"the macro picked: unknown macro {macro.id + 40}"
    assert f"Macro #{macro.id + 40}, which no longer exists" in gone.text
    assert hub.app.rules.list(manager) == [rule]  # nothing saved


def test_a_tickets_trail_names_the_rule_that_fired_and_what_it_did(hub, client):
    manager, ticket = _manager_with_a_rule_on_new_tickets(
        hub, "Tag parcels", "parcel", {"type": "add_tags", "tags": ["parcel"]})
    sign_in(client, manager.agent)
    page = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ",
                                                    client.get(f"/tickets/{ticket.id}").text)))
    assert "Rule “Tag parcels” fired" in page
    assert "Rule “Tag parcels” updated the ticket" in page
    assert "System fired" not in page


def test_the_rules_page_says_how_often_each_rule_fired(hub, client):
    manager, _ = _manager_with_a_rule_on_new_tickets(
        hub, "Tag refunds", "refund", {"type": "add_tags", "tags": ["refund"]})
    hub.app.rules.create(manager.agent, {
        "name": "Never fires", "trigger": {"type": "event", "on": ["created"]},
        "conditions": {"all": [{"field": "ticket.subject", "op": "contains",
                                "value": "nothing like this"}]},
        "actions": [{"type": "add_tags", "tags": ["x"]}]})
    for subject in ("Refund for order 1", "Refund for order 2"):
        factories.ticket(hub, manager.agent, subject=subject)
    while hub.app.relay_outbox():
        pass
    sign_in(client, manager.agent)
    page = client.get("/rules").text
    rows = {name: row for row in re.findall(r"<tr>.*?</tr>", page, re.S)
            for name in ("Tag refunds", "Never fires") if f">{name}</a>" in row}
    assert re.search(r"2 · 2 · 2<br><small>last \d{4}-\d\d-\d\d \d\d:\d\d UTC", rows["Tag refunds"])
    assert "not in 30 days" in rows["Never fires"]
