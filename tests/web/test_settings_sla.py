"""The calendars and SLA policies settings screens on both databases: managers save them
through the SLA use cases; what the domain refuses is shown beside its field, and nothing is
stored."""

from __future__ import annotations

from hubdesk.domain.agents import Role
from tests import factories
from tests.web.pages import post_form, sign_in
from tests.web.test_settings import _error_beside

CALENDAR = {"name": "Berlin office", "timezone": "Europe/Berlin",
            "hours.mon": "08:00-12:00, 13:00-17:00", "hours.tue": "09:00-17:00",
            "hours.wed": "", "hours.thu": "", "hours.fri": "09:00-13:00",
            "hours.sat": "", "hours.sun": "",
            "holidays": "2026-12-24 Christmas Eve\n12-25 Christmas Day"}


def _manager(hub, client):
    manager = factories.staff(hub, Role.MANAGER, with_password=True).agent
    sign_in(client, manager)
    return manager


def test_a_manager_adds_a_calendar_with_split_days_and_holidays(hub, client):
    manager = _manager(hub, client)
    saved = post_form(client, "/settings/calendars", CALENDAR, page="/settings/calendars")
    assert saved.status_code == 200 and "Calendar “Berlin office” saved." in saved.text
    [named] = hub.app.sla.calendars(manager)
    plain = named.calendar.to_dict()
    assert plain["timezone"] == "Europe/Berlin"
    assert plain["hours"]["mon"] == [["08:00", "12:00"], ["13:00", "17:00"]]
    assert plain["hours"]["wed"] == []
    assert plain["holidays"] == [{"date": "2026-12-24", "name": "Christmas Eve"},
                                 {"date": "12-25", "yearly": True, "name": "Christmas Day"}]
    edit = client.get(f"/settings/calendars/{named.id}")
    assert 'value="08:00-12:00, 13:00-17:00"' in edit.text
    assert "12-25 Christmas Day" in edit.text
    changed = post_form(client, f"/settings/calendars/{named.id}",
                        CALENDAR | {"hours.sat": "10:00-14:00"}, page="/settings/calendars")
    assert changed.status_code == 200
    assert hub.app.sla.calendar(manager, named.id).calendar.to_dict()["hours"]["sat"] == [
        ["10:00", "14:00"]]


def test_a_holiday_on_a_weekday_of_the_month_is_typed_and_shown_back_as_a_line(hub, client):
    manager = _manager(hub, client)
    lines = "4th thu of 11 Thanksgiving\nlast mon of 05 Spring bank holiday"
    saved = post_form(client, "/settings/calendars", CALENDAR | {"holidays": lines},
                      page="/settings/calendars")
    assert saved.status_code == 200, saved.text
    [named] = hub.app.sla.calendars(manager)
    assert named.calendar.to_dict()["holidays"] == [
        {"month": 11, "weekday": "thu", "nth": 4, "yearly": True, "name": "Thanksgiving"},
        {"month": 5, "weekday": "mon", "nth": -1, "yearly": True,
         "name": "Spring bank holiday"}]
    edit = client.get(f"/settings/calendars/{named.id}")
    assert "4th thu of 11 Thanksgiving" in edit.text
    assert "last mon of 05 Spring bank holiday" in edit.text
    refused = post_form(client, "/settings/calendars",
                        CALENDAR | {"name": "Other", "holidays": "6th thu of 11 Never"},
                        page="/settings/calendars")
    assert refused.status_code == 422
    wrong = post_form(client, "/settings/calendars",
                      CALENDAR | {"name": "Other", "holidays": "4th thursday of 11 Late"},
                      page="/settings/calendars")
    assert wrong.status_code == 422
    assert "weekday" in _error_beside(wrong.text, "cal-holidays")
    assert [c.name for c in hub.app.sla.calendars(manager)] == ["Berlin office"]


def test_holidays_come_from_a_pasted_icalendar_file(hub, client):
    manager = _manager(hub, client)
    ical = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\n"
            "DTSTART;VALUE=DATE:20261231\r\nSUMMARY:Year end\r\nEND:VEVENT\r\n"
            "END:VCALENDAR\r\n")
    saved = post_form(client, "/settings/calendars", CALENDAR | {"ical": ical},
                      page="/settings/calendars")
    assert saved.status_code == 200
    [named] = hub.app.sla.calendars(manager)
    assert {"date": "2026-12-31", "name": "Year end"} in named.calendar.to_dict()["holidays"]
    broken = post_form(client, "/settings/calendars",
                       CALENDAR | {"name": "Other", "ical": "not a calendar"},
                       page="/settings/calendars")
    assert broken.status_code == 422
    assert _error_beside(broken.text, "cal-ical").startswith("ical:")
    assert [c.name for c in hub.app.sla.calendars(manager)] == ["Berlin office"]


def test_a_bad_interval_or_time_zone_is_refused_beside_the_field(hub, client):
    manager = _manager(hub, client)
    backwards = post_form(client, "/settings/calendars",
                          CALENDAR | {"hours.tue": "17:00-09:00"}, page="/settings/calendars")
    assert backwards.status_code == 422
    assert "hours.tue" in _error_beside(backwards.text, "hours-tue")
    assert 'value="17:00-09:00"' in backwards.text
    nowhere = post_form(client, "/settings/calendars", CALENDAR | {"timezone": "Mars/Olympus"},
                        page="/settings/calendars")
    assert nowhere.status_code == 422
    assert "Mars/Olympus" in _error_beside(nowhere.text, "cal-timezone")
    never = post_form(client, "/settings/calendars",
                      {**CALENDAR, **{f"hours.{d}": "" for d in
                                      ("mon", "tue", "wed", "thu", "fri")}},
                      page="/settings/calendars")
    assert never.status_code == 422 and "no opening hours" in never.text
    assert hub.app.sla.calendars(manager) == []


def test_a_manager_adds_and_changes_a_policy_on_a_calendar(hub, client):
    manager = _manager(hub, client)
    post_form(client, "/settings/calendars", CALENDAR, page="/settings/calendars")
    [calendar] = hub.app.sla.calendars(manager)
    saved = post_form(client, "/settings/sla", {
        "name": "Premium", "position": "1", "active": "yes",
        "conditions.customer_tier": "premium", "targets.urgent.first_response": "30",
        "targets.urgent.resolution": "240", "targets.normal.first_response": "120",
        "calendar_id": str(calendar.id), "pause_statuses": "pending",
        "ladder": "80: notify_assignee\n100: notify_coordinators, raise_priority"},
        page="/settings/sla")
    assert saved.status_code == 200 and "SLA policy “Premium” saved." in saved.text
    [policy] = hub.app.sla.policies(manager)
    plain = policy.to_dict()
    assert plain["targets"] == {"urgent": {"first_response": 30, "resolution": 240},
                                "normal": {"first_response": 120}}
    assert plain["conditions"] == {"customer_tier": ["premium"]}
    assert plain["calendar_id"] == calendar.id and plain["pause_statuses"] == ["pending"]
    assert plain["ladder"] == [{"at_percent": 80, "actions": ["notify_assignee"]},
                               {"at_percent": 100, "actions": ["notify_coordinators",
                                                               "raise_priority"]}]
    edit = client.get(f"/settings/sla/{policy.id}").text
    assert 'name="targets.urgent.resolution"' in edit and 'value="240"' in edit
    row = client.get("/settings/calendars").text.split("Berlin office</a>", 1)[1]
    assert row.split("</tr>", 1)[0].count("<td>Premium</td>") == 1  # used by the policy


def test_an_invalid_policy_is_refused_beside_its_field_and_nothing_is_saved(hub, client):
    manager = _manager(hub, client)
    no_targets = post_form(client, "/settings/sla", {"name": "Empty", "active": "yes"},
                           page="/settings/sla")
    assert no_targets.status_code == 422
    assert "targets map priorities" in _error_beside(no_targets.text, "targets")
    bad_step = post_form(client, "/settings/sla", {
        "name": "Steps", "targets.normal.first_response": "60",
        "ladder": "150: notify_assignee"}, page="/settings/sla")
    assert bad_step.status_code == 422
    assert "at_percent is from 1 to 100" in _error_beside(bad_step.text, "policy-ladder")
    assert 'value="Steps"' in bad_step.text
    words = post_form(client, "/settings/sla", {
        "name": "Words", "targets.normal.first_response": "an hour"}, page="/settings/sla")
    assert words.status_code == 422 and "whole number of business minutes" in words.text
    assert hub.app.sla.policies(manager) == []


def test_a_coordinator_is_told_calendars_and_policies_are_for_managers(hub, client):
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True).agent
    sign_in(client, coordinator)
    for url in ("/settings/calendars", "/settings/sla"):
        page = client.get(url)
        assert page.status_code == 403
        assert "managed by managers and administrators" in page.text


def test_a_calendar_in_use_is_kept_and_a_policy_is_removed(hub, client):
    manager = _manager(hub, client)
    post_form(client, "/settings/calendars", CALENDAR, page="/settings/calendars")
    [calendar] = hub.app.sla.calendars(manager)
    policy = hub.app.sla.create_policy(manager, {
        "name": "Office hours", "calendar_id": calendar.id,
        "targets": {"normal": {"first_response": 60}}})
    kept = post_form(client, f"/settings/calendars/{calendar.id}/delete", {},
                     page="/settings/calendars")
    assert "the calendar is used by the policy &#39;Office hours&#39;" in kept.text
    assert [c.id for c in hub.app.sla.calendars(manager)] == [calendar.id]
    removed = post_form(client, f"/settings/sla/{policy.id}/delete", {}, page="/settings/sla")
    assert "SLA policy removed." in removed.text and hub.app.sla.policies(manager) == []
    gone = post_form(client, f"/settings/calendars/{calendar.id}/delete", {},
                     page="/settings/calendars")
    assert "Calendar removed." in gone.text and hub.app.sla.calendars(manager) == []
    assert client.get(f"/settings/calendars/{calendar.id}").status_code == 404


def test_a_policy_with_a_calendar_of_its_own_keeps_it_when_changed(hub, client):
    import html
    import re

    manager = _manager(hub, client)
    own = {"timezone": "Asia/Tokyo", "hours": {"mon": [["09:00", "18:00"]]}}
    policy = hub.app.sla.create_policy(manager, {
        "name": "Tokyo", "calendar": own, "targets": {"high": {"first_response": 30}}})
    page = client.get(f"/settings/sla/{policy.id}").text
    assert '<option value="own" selected>' in page
    carried = html.unescape(re.search(r'name="calendar" value="([^"]*)"', page)[1])
    changed = post_form(client, f"/settings/sla/{policy.id}", {
        "name": "Tokyo office", "active": "yes", "targets.high.first_response": "45",
        "calendar_id": "own", "calendar": carried, "pause_statuses": "pending",
        "ladder": "100: notify_coordinators"}, page="/settings/sla")
    assert changed.status_code == 200
    [saved] = hub.app.sla.policies(manager)
    assert saved.name == "Tokyo office" and saved.calendar_id is None
    assert dict(saved.calendar or {})["timezone"] == "Asia/Tokyo"
    assert saved.to_dict()["targets"] == {"high": {"first_response": 45}}


def test_a_ladder_step_escalates_to_the_next_tier_and_an_unknown_one_is_named(hub, client):
    manager = _manager(hub, client)
    saved = post_form(client, "/settings/sla", {
        "name": "Escalating", "targets.normal.resolution": "60",
        "ladder": "75: notify_assignee\n100: escalate_tier, notify_coordinators"},
        page="/settings/sla")
    assert saved.status_code == 200, saved.text
    [policy] = hub.app.sla.policies(manager)
    assert policy.ladder[-1].to_dict() == {"at_percent": 100, "actions": [
        "escalate_tier", "notify_coordinators"]}
    assert "escalate_tier" in client.get(f"/settings/sla/{policy.id}").text
    refused = post_form(client, f"/settings/sla/{policy.id}", {
        "name": "Escalating", "targets.normal.resolution": "60",
        "ladder": "100: reassign_to_tier_2"}, page="/settings/sla")
    assert refused.status_code == 422
    assert "escalate_tier" in _error_beside(refused.text, "policy-ladder")
    assert hub.app.sla.policies(manager) == [policy]


def test_a_manager_gives_a_target_its_own_ladder_and_a_bad_step_is_shown_beside_it(hub, client):
    manager = _manager(hub, client)
    form = {"name": "Per target", "active": "yes", "targets.normal.first_response": "30",
            "targets.normal.resolution": "60", "ladder": "50: notify_assignee",
            "ladders.resolution.own": "yes",
            "ladders.resolution": "75: notify_assignee\n100: escalate_tier, notify_coordinators",
            "ladders.next_response.own": "yes", "ladders.next_response": ""}
    saved = post_form(client, "/settings/sla", form, page="/settings/sla")
    assert saved.status_code == 200 and "SLA policy “Per target” saved." in saved.text
    [policy] = hub.app.sla.policies(manager)
    assert policy.to_dict()["ladders"] == {
        "next_response": [],
        "resolution": [{"at_percent": 75, "actions": ["notify_assignee"]},
                       {"at_percent": 100, "actions": ["escalate_tier",
                                                       "notify_coordinators"]}]}
    assert policy.to_dict()["ladder"] == [{"at_percent": 50, "actions": ["notify_assignee"]}]
    edit = client.get(f"/settings/sla/{policy.id}").text
    own = edit.split('name="ladders.resolution.own"', 1)[1].split(">", 1)[0]
    assert "checked" in own
    assert "100: escalate_tier, notify_coordinators</textarea>" in edit
    first = edit.split('name="ladders.first_response.own"', 1)[1].split(">", 1)[0]
    assert "checked" not in first

    bad = post_form(client, f"/settings/sla/{policy.id}",
                    form | {"ladders.resolution": "75: notify_assignee\n120: escalate_tier"},
                    page="/settings/sla")
    assert bad.status_code == 422
    said = _error_beside(bad.text, "policy-ladders-resolution")
    assert "ladders.resolution.1.at_percent is from 1 to 100" in said
    assert "120: escalate_tier</textarea>" in bad.text  # what was typed is kept
    assert hub.app.sla.policies(manager)[0] == policy  # nothing saved

    # steps typed without ticking the box are a ladder of its own all the same; unticked
    # and empty, the target goes back to the default ladder
    typed = post_form(client, f"/settings/sla/{policy.id}",
                      {k: v for k, v in form.items() if not k.endswith(".own")}
                      | {"ladders.first_response": "90: raise_priority"},
                      page="/settings/sla")
    assert typed.status_code == 200
    assert set(hub.app.sla.policies(manager)[0].to_dict()["ladders"]) == {
        "first_response", "resolution"}


def _saved_calendar(hub, client):
    """A manager signed in, and CALENDAR saved through the console."""
    manager = _manager(hub, client)
    post_form(client, "/settings/calendars", CALENDAR, page="/settings/calendars")
    [calendar] = hub.app.sla.calendars(manager)
    return manager, calendar


def test_a_manager_tries_a_saved_calendar_on_its_page(hub, client):
    _, named = _saved_calendar(hub, client)
    page = f"/settings/calendars/{named.id}"
    assert 'id="try-start"' in client.get(page).text

    # Tuesday 16:30: half an hour that day; Wednesday and Thursday closed; Friday from 09:00
    tried = client.get(page, params={"start": "2026-12-01T16:30", "minutes": "90"})
    assert tried.status_code == 200
    assert "fall due <strong>Fri 04 Dec 2026 10:00</strong>" in tried.text
    assert "(2026-12-04 09:00 UTC)" in tried.text
    assert 'value="2026-12-01T16:30"' in tried.text  # what was asked stays in the form
    closed = client.get(page, params={"start": "2026-12-02T10:00", "minutes": "30"})
    assert "closed then: the clock starts Fri 04 Dec 09:00" in closed.text
    assert "fall due <strong>Fri 04 Dec 2026 09:30</strong>" in closed.text

    for start, minutes in (("soon", "30"), ("2026-12-02T10:00", "-3"),
                           ("2026-12-02T10:00", "9999999")):
        refused = client.get(page, params={"start": start, "minutes": minutes})
        assert refused.status_code == 422, (start, minutes)
        assert 'role="alert" id="try-error"' in refused.text
        assert 'id="try-result"' not in refused.text


def test_a_manager_tries_a_saved_policy_on_its_page(hub, client):
    manager, calendar = _saved_calendar(hub, client)
    post_form(client, "/settings/sla", {
        "name": "Premium", "position": "1", "active": "yes",
        "targets.urgent.first_response": "30", "targets.urgent.resolution": "240",
        "calendar_id": str(calendar.id)}, page="/settings/sla")
    [policy] = hub.app.sla.policies(manager)
    page = f"/settings/sla/{policy.id}"
    assert 'id="try-priority"' in client.get(page).text

    # Tuesday 16:30 in Berlin: half an hour that day; Wednesday and Thursday closed
    tried = client.get(page, params={"start": "2026-12-01T16:30", "priority": "urgent"})
    assert tried.status_code == 200
    assert "Received Tue 01 Dec 2026 16:30 (Europe/Berlin)" in tried.text
    assert "First response, 30 business minutes: due <strong>Tue 01 Dec 2026 17:00" \
        in tried.text
    assert "Resolution, 240 business minutes: due <strong>Fri 04 Dec 2026 12:30" \
        in tried.text
    assert '<option value="urgent" selected>' in tried.text
    untimed = client.get(page, params={"start": "2026-12-01T16:30", "priority": "low"})
    assert "sets no target for this priority" in untimed.text

    for start, priority in (("soon", "urgent"), ("2026-12-01T16:30", "whenever")):
        refused = client.get(page, params={"start": start, "priority": priority})
        assert refused.status_code == 422, (start, priority)
        assert 'role="alert" id="try-error"' in refused.text
