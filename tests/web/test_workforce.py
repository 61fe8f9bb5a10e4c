"""The workforce pages on both databases: a coordinator starts a week, adds shifts (a bad one
refused beside its field), publishes; the agent sees their shift on My schedule and asks for a
change, which the coordinator sees; agents cannot open the coordinator's page; the page is
read in one unit of work."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from hubdesk.domain.agents import Role
from hubdesk.domain.schedules import ShiftInput
from hubdesk.server import create_app
from hubdesk.services.tickets import NewTicket
from tests import factories
from tests.web.pages import csrf, post_form, sign_in
from tests.web.test_query_counts import count_queries
from tests.web.test_units_of_work import count_transactions


def _today():
    return datetime.now(UTC).date()


def _desk(hub):
    team = factories.team(hub, "Front")
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True).agent
    rep = factories.staff(hub, teams=(team,), with_password=True).agent
    return team, coordinator, rep


def test_a_coordinator_builds_and_publishes_a_week_that_the_agent_sees(hub, client):
    team, coordinator, rep = _desk(hub)
    sign_in(client, coordinator)
    today = _today().isoformat()
    view = {"team_id": str(team.id), "day": today}
    page = client.get(f"/workforce?team_id={team.id}&day={today}")
    assert page.status_code == 200
    assert "Staffing on" in page.text and "No schedule for this week yet." in page.text
    assert 'role="img"' in page.text  # the chart
    started = post_form(client, "/workforce/schedules", {**view, "generate": "no"},
                        page="/workforce", follow=False)
    assert started.status_code == 303
    assert started.headers["location"] == f"/workforce?team_id={team.id}&day={today}#week"
    schedule = hub.app.workforce.week(coordinator, team.id, _today())
    assert schedule is not None and schedule.shifts == ()

    bad = post_form(client, f"/workforce/schedules/{schedule.id}/shifts", {
        **view, "agent_id": str(rep.id), "starts_at": f"{today}T17:00",
        "ends_at": f"{today}T09:00"}, page="/workforce")
    assert bad.status_code == 422
    assert 'id="shift-ends_at-error">reversed<' in bad.text
    assert 'aria-describedby="shift-ends_at-error"' in bad.text
    assert hub.app.workforce.schedule(coordinator, schedule.id).shifts == ()

    added = post_form(client, f"/workforce/schedules/{schedule.id}/shifts", {
        **view, "agent_id": str(rep.id), "starts_at": f"{today}T09:00",
        "ends_at": f"{today}T17:00", "break_starts_at": f"{today}T12:00",
        "break_ends_at": f"{today}T12:30"}, page="/workforce")
    assert added.status_code == 200 and "Shift saved." in added.text
    assert "09:00–17:00" in added.text
    published = post_form(client, f"/workforce/schedules/{schedule.id}/publish", view,
                          page="/workforce")
    assert "Published: the team sees its week." in published.text

    with TestClient(create_app(hub), raise_server_exceptions=False) as theirs:
        sign_in(theirs, rep)
        mine = theirs.get("/my-schedule")
        assert mine.status_code == 200
        assert _today().strftime("%A %d %B") in mine.text and "12:00–12:30" in mine.text
        blank = post_form(theirs, "/my-schedule/requests", {"note": "   "},
                          page="/my-schedule")
        assert blank.status_code == 422 and 'id="ask-note-error"' in blank.text
        asked = post_form(theirs, "/my-schedule/requests",
                          {"note": "Could I start at ten?"}, page="/my-schedule")
        assert "Request sent to the coordinators." in asked.text
        assert theirs.get("/workforce").status_code == 403

    page = client.get(f"/workforce?team_id={team.id}&day={today}")
    assert "Could I start at ten?" in page.text


def test_agents_cannot_open_the_coordinators_page(hub, client):
    _, _, rep = _desk(hub)
    sign_in(client, rep)
    refused = client.get("/workforce")
    assert refused.status_code == 403 and "Not for your role" in refused.text
    token = csrf(client, "/my-schedule")
    answer = client.post("/workforce/schedules", data={
        "csrf_token": token, "team_id": "1", "day": _today().isoformat(), "generate": "no"})
    assert answer.status_code == 403


def test_the_workforce_page_is_read_in_one_unit_of_work(hub, client):
    team, coordinator, rep = _desk(hub)
    week = hub.app.workforce.start_week(coordinator, team.id, _today())
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    hub.app.workforce.save_shift(coordinator, week.id, ShiftInput(
        rep.id, start, start + timedelta(hours=1)))
    sign_in(client, coordinator)
    with count_transactions(hub.engine) as begun:
        page = client.get(f"/workforce?team_id={team.id}")
    assert page.status_code == 200 and "Rest of today" in page.text
    # One to recognise the signed-in agent's session, one for everything the page shows.
    assert len(begun) == 2


def test_an_approved_time_change_shows_on_the_agents_schedule(hub, client):
    team, coordinator, rep = _desk(hub)
    today = _today()
    nine = datetime.combine(today, datetime.min.time(), tzinfo=UTC).replace(hour=9)
    week = hub.app.workforce.start_week(coordinator, team.id, today)
    week = hub.app.workforce.save_shift(coordinator, week.id, ShiftInput(
        rep.id, nine, nine + timedelta(hours=8)))
    hub.app.workforce.publish(coordinator, week.id)
    with TestClient(create_app(hub), raise_server_exceptions=False) as theirs:
        sign_in(theirs, rep)
        form = {"shift_id": str(week.shifts[0].id), "kind": "time_change",
                "note": "Dentist first thing"}
        missing = post_form(theirs, "/my-schedule/requests", form, page="/my-schedule")
        assert missing.status_code == 422 and "give a date and time" in missing.text
        asked = post_form(theirs, "/my-schedule/requests", {
            **form, "new_starts_at": f"{today}T10:30", "new_ends_at": f"{today}T18:30"},
            page="/my-schedule")
        assert "Request sent to the coordinators." in asked.text

        sign_in(client, coordinator)
        view = {"team_id": str(team.id), "day": today.isoformat()}
        page = client.get(f"/workforce?team_id={team.id}&day={today}")
        assert "Time change</strong> to" in page.text and "10:30–18:30 UTC" in page.text
        [request] = hub.app.workforce.requests(coordinator)
        approved = post_form(client, f"/workforce/requests/{request.id}",
                             {**view, "decision": "approve"}, page="/workforce")
        assert "Request approved." in approved.text
        mine = theirs.get("/my-schedule")
        assert "10:30" in mine.text and "18:30" in mine.text and "Approved" in mine.text


def test_times_are_entered_and_shown_on_the_desks_local_clock(hub):
    import dataclasses
    from datetime import time
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    local = dataclasses.replace(hub, settings=hub.settings.model_copy(
        update={"wfm_timezone": "Europe/Paris"}))
    team, coordinator, rep = _desk(local)
    today = datetime.now(paris).date()
    week = local.app.workforce.start_week(coordinator, team.id, today)
    view = {"team_id": str(team.id), "day": today.isoformat()}
    with TestClient(create_app(local), raise_server_exceptions=False) as client:
        sign_in(client, coordinator)
        page = client.get(f"/workforce?team_id={team.id}&day={today}")
        assert "Day (Europe/Paris)" in page.text and "Starts (Europe/Paris)" in page.text
        post_form(client, f"/workforce/schedules/{week.id}/shifts", {
            **view, "agent_id": str(rep.id), "starts_at": f"{today}T09:00",
            "ends_at": f"{today}T17:00"}, page="/workforce")
        [shift] = local.app.workforce.schedule(coordinator, week.id).shifts
        assert shift.starts_at == datetime.combine(today, time(9), tzinfo=paris)
        local.app.workforce.publish(coordinator, week.id)
    with TestClient(create_app(local), raise_server_exceptions=False) as theirs:
        sign_in(theirs, rep)
        mine = theirs.get("/my-schedule")
        assert "Times are Europe/Paris." in mine.text
        assert "<td>09:00</td><td>17:00</td>" in mine.text


def test_the_workforce_page_measures_the_handling_time_once(hub, client):
    team, coordinator, rep = _desk(hub)
    hub.app.tickets.open(rep, NewTicket(subject="Parcel", body="Where is it?",
                                        requester_email="customer@example.com",
                                        team_id=team.id),
                         now=datetime.now(UTC) - timedelta(days=2))
    sign_in(client, coordinator)
    with count_queries(hub.engine) as statements:
        page = client.get(f"/workforce?team_id={team.id}")
    assert page.status_code == 200 and "Rest of today" in page.text
    # The handling measure reads the messages of the history's tickets (one statement).
    trails = [s for s in statements if "author_kind" in s and "FROM messages" in s]
    assert len(trails) == 1


def test_a_team_with_its_own_time_zone_is_planned_and_shown_on_its_clock(hub, client):
    from datetime import time
    from zoneinfo import ZoneInfo

    tokyo = ZoneInfo("Asia/Tokyo")
    team, coordinator, rep = _desk(hub)  # the desk itself plans in UTC
    admin = factories.staff(hub, Role.ADMIN).agent
    hub.app.directory.update_team(admin, team.id, time_zone="Asia/Tokyo")
    today = datetime.now(tokyo).date()
    week = hub.app.workforce.start_week(coordinator, team.id, today)
    view = {"team_id": str(team.id), "day": today.isoformat()}
    sign_in(client, coordinator)
    page = client.get(f"/workforce?team_id={team.id}")
    assert "Day (Asia/Tokyo)" in page.text and "Starts (Asia/Tokyo)" in page.text
    assert f'value="{today.isoformat()}"' in page.text  # today on Tokyo's clock
    post_form(client, f"/workforce/schedules/{week.id}/shifts", {
        **view, "agent_id": str(rep.id), "starts_at": f"{today}T09:00",
        "ends_at": f"{today}T17:00"}, page="/workforce")
    [shift] = hub.app.workforce.schedule(coordinator, week.id).shifts
    assert shift.starts_at == datetime.combine(today, time(9), tzinfo=tokyo)
    hub.app.workforce.publish(coordinator, week.id)
    shown = client.get(f"/workforce?team_id={team.id}&day={today}")
    assert "09:00–17:00" in shown.text
    with TestClient(create_app(hub), raise_server_exceptions=False) as theirs:
        sign_in(theirs, rep)
        mine = theirs.get("/my-schedule")
        assert "Times are Asia/Tokyo." in mine.text
        assert "<td>09:00</td><td>17:00</td>" in mine.text


def test_the_swap_list_offers_each_shift_its_swap_options_only(hub, client):
    from hubdesk.services.directory import AgentInput

    team, coordinator, ada = _desk(hub)
    bo, cy = (factories.staff(hub, teams=(team,)).agent for _ in range(2))
    admin = factories.staff(hub, Role.ADMIN).agent
    today = _today()
    monday = today - timedelta(days=today.weekday())
    nine = datetime.combine(monday, datetime.min.time(), tzinfo=UTC).replace(hour=9)
    this = hub.app.workforce.start_week(coordinator, team.id, monday)
    for person, day in ((ada, 0), (bo, 1), (cy, 2)):
        this = hub.app.workforce.save_shift(coordinator, this.id, ShiftInput(
            person.id, nine + timedelta(days=day), nine + timedelta(days=day, hours=8)))
    hub.app.workforce.publish(coordinator, this.id)
    # Next week Bo works, Ada does not: nothing of Ada's can be swapped with it.
    following = hub.app.workforce.start_week(coordinator, team.id, monday + timedelta(days=7))
    following = hub.app.workforce.save_shift(coordinator, following.id, ShiftInput(
        bo.id, nine + timedelta(days=8), nine + timedelta(days=8, hours=8)))
    hub.app.workforce.publish(coordinator, following.id)
    hub.app.directory.update_agent(admin, cy.id, AgentInput(fields_set=frozenset({"active"}),
                                                            active=False))
    by_agent = {s.agent_id: s.id for s in this.shifts}
    [next_weeks] = following.shifts

    sign_in(client, ada)
    page = client.get("/my-schedule")
    assert page.status_code == 200
    swap_list = page.text.split('id="ask-swap"', 1)[1].split("</select>", 1)[0]
    offered = {int(v) for v in re.findall(r'<option value="(\d+)"', swap_list)}
    api = hub.app.workforce.swap_options(ada, by_agent[ada.id])
    assert offered == {s.id for s in api.options} == {by_agent[bo.id]}
    assert next_weeks.id not in offered and by_agent[cy.id] not in offered  # inactive
    assert f"Instead of your {nine.strftime('%a %d %b %H:%M')}–17:00" in swap_list
    assert "1 shift of others that week" in page.text

    # A swap with a shift that is not among the options is refused, and nothing is asked.
    refused = post_form(client, "/my-schedule/requests", {
        "shift_id": str(by_agent[ada.id]), "kind": "swap", "note": "Swap?",
        "swap_shift_id": str(by_agent[cy.id])}, page="/my-schedule")
    assert refused.status_code == 422 and "no longer active" in refused.text
    assert hub.app.workforce.requests(ada) == []
    asked = post_form(client, "/my-schedule/requests", {
        "shift_id": str(by_agent[ada.id]), "kind": "swap", "note": "Swap?",
        "swap_shift_id": str(by_agent[bo.id])}, page="/my-schedule")
    assert "Request sent to the coordinators." in asked.text
