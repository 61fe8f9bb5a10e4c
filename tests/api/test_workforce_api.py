"""/api/v1/wfm on both databases: a week built by hand, edited, swapped, published and seen
by its agents; change requests answered once; charts, adherence and intraday for
coordinators only; bad shifts and an infeasible week refused with nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hubdesk.domain.agents import Role
from hubdesk.services.tickets import NewTicket
from tests import factories


def _today():
    return datetime.now(UTC).date()


def _monday():
    today = _today()
    return today - timedelta(days=today.weekday())


def _iso(day, hour):
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC).replace(
        hour=hour).isoformat().replace("+00:00", "Z")


def _desk(hub):
    team = factories.team(hub)
    return (team, factories.staff(hub, Role.COORDINATOR), factories.staff(hub, teams=(team,)),
            factories.staff(hub, teams=(team,)))


def test_a_week_by_hand_is_edited_swapped_published_and_seen(client, hub):
    team, coordinator, ada, bo = _desk(hub)
    monday = _monday()
    created = client.post("/api/v1/wfm/schedules", headers=coordinator.headers, json={
        "team_id": team.id, "week_start": (monday + timedelta(days=2)).isoformat(),
        "generate": False})
    assert created.status_code == 201, created.text
    week = created.json()
    assert (week["week_start"], week["status"], week["shifts"]) == (
        monday.isoformat(), "draft", [])
    shifts = f"/api/v1/wfm/schedules/{week['id']}/shifts"
    day = _today()
    for person, hour in ((ada, 6), (bo, 14)):
        answer = client.post(shifts, headers=coordinator.headers, json={
            "agent_id": person.agent.id, "starts_at": _iso(day, hour),
            "ends_at": _iso(day, hour + 8), "break_starts_at": _iso(day, hour + 4),
            "break_ends_at": _iso(day, hour + 4).replace(":00:00", ":30:00")})
        assert answer.status_code == 201, answer.text
    by_agent = {s["agent_id"]: s["id"] for s in answer.json()["shifts"]}

    reversed_shift = client.post(shifts, headers=coordinator.headers, json={
        "agent_id": ada.agent.id, "starts_at": _iso(day, 20), "ends_at": _iso(day, 19)})
    assert reversed_shift.status_code == 422
    assert reversed_shift.headers["content-type"].startswith("application/problem+json")
    assert reversed_shift.json()["errors"] == [{"field": "ends_at", "message": "reversed"}]
    overlapping = client.post(shifts, headers=coordinator.headers, json={
        "agent_id": ada.agent.id, "starts_at": _iso(day, 10), "ends_at": _iso(day, 12)})
    assert overlapping.status_code == 422 and "two shifts at once" in overlapping.json()[
        "detail"]
    assert client.post(f"/api/v1/wfm/schedules/{week['id']}/publish",
                       headers=ada.headers).status_code == 403

    swapped = client.post(f"/api/v1/wfm/schedules/{week['id']}/swap",
                          headers=coordinator.headers,
                          json={"first_shift_id": by_agent[ada.agent.id],
                                "second_shift_id": by_agent[bo.agent.id]})
    assert swapped.status_code == 200, swapped.text
    assert {s["id"]: s["agent_id"] for s in swapped.json()["shifts"]} == {
        by_agent[ada.agent.id]: bo.agent.id, by_agent[bo.agent.id]: ada.agent.id}

    mine = f"/api/v1/wfm/my-shifts?first_day={day.isoformat()}&days=1"
    assert client.get(mine, headers=ada.headers).json() == []  # a draft is nobody's yet
    published = client.post(f"/api/v1/wfm/schedules/{week['id']}/publish",
                            headers=coordinator.headers)
    assert published.status_code == 200 and published.json()["status"] == "published"
    [own] = client.get(mine, headers=ada.headers).json()
    assert own["id"] == by_agent[bo.agent.id] and own["starts_at"].startswith(
        f"{day.isoformat()}T14:00")
    found = client.get(f"/api/v1/wfm/schedules?team_id={team.id}&week_start="
                       f"{monday.isoformat()}", headers=coordinator.headers)
    assert found.status_code == 200 and found.json()["id"] == week["id"]

    removed = client.delete(f"{shifts}/{own['id']}", headers=coordinator.headers)
    assert removed.status_code == 200 and len(removed.json()["shifts"]) == 1
    assert client.get(mine, headers=ada.headers).json() == []


def test_requests_are_answered_once_by_a_coordinator(client, hub):
    _, coordinator, ada, bo = _desk(hub)
    asked = client.post("/api/v1/wfm/requests", headers=ada.headers,
                        json={"note": "May I swap Friday with Bo?"})
    assert asked.status_code == 201 and asked.json()["status"] == "open"
    request_id = asked.json()["id"]
    assert client.get("/api/v1/wfm/requests", headers=bo.headers).json() == []
    assert [r["id"] for r in client.get("/api/v1/wfm/requests?status=open",
                                        headers=coordinator.headers).json()] == [request_id]
    answer = f"/api/v1/wfm/requests/{request_id}/answer"
    assert client.post(answer, headers=ada.headers, json={"approve": True}).status_code == 403
    declined = client.post(answer, headers=coordinator.headers,
                           json={"approve": False, "answer": "Friday is full"})
    assert declined.status_code == 200
    assert (declined.json()["status"], declined.json()["answer"]) == (
        "declined", "Friday is full")
    assert client.post(answer, headers=coordinator.headers,
                       json={"approve": True}).status_code == 409
    blank = client.post("/api/v1/wfm/requests", headers=ada.headers, json={"note": "  "})
    assert blank.status_code == 422


def test_floor_views_are_for_coordinators(client, hub):
    team, coordinator, ada, bo = _desk(hub)
    today = _today().isoformat()
    for path in (f"/api/v1/wfm/staffing?first_day={today}",
                 f"/api/v1/wfm/day?day={today}&team_id={team.id}",
                 f"/api/v1/wfm/adherence?day={today}&team_id={team.id}",
                 f"/api/v1/wfm/intraday?team_id={team.id}"):
        assert client.get(path, headers=ada.headers).status_code == 403, path
        answer = client.get(path, headers=coordinator.headers)
        assert answer.status_code == 200, (path, answer.text)
    staffing = client.get(f"/api/v1/wfm/staffing?first_day={today}&team_id={team.id}",
                          headers=coordinator.headers).json()
    assert staffing["methods"] == {"all": "no_history"} and len(staffing["intervals"]) == 48
    adherence = client.get(f"/api/v1/wfm/adherence?day={today}&team_id={team.id}",
                           headers=coordinator.headers).json()
    assert {a["agent_id"] for a in adherence["agents"]} == {ada.agent.id, bo.agent.id}
    impossible = client.get(f"/api/v1/wfm/staffing?first_day={today}&service_level=1",
                            headers=coordinator.headers)
    assert impossible.status_code == 422
    bad_day = client.get("/api/v1/wfm/staffing?first_day=2026-02-30",
                         headers=coordinator.headers)
    assert bad_day.status_code == 422
    assert bad_day.json()["errors"] == [{"field": "first_day", "message": "bad date"}]


def test_a_week_the_team_cannot_cover_is_explained_and_not_saved(client, hub):
    team, coordinator, _, _ = _desk(hub)
    yesterday = datetime.now(UTC).replace(hour=10, minute=0, second=0,
                                          microsecond=0) - timedelta(days=1)
    for n in range(6):
        hub.app.tickets.open(coordinator.agent, NewTicket(
            subject=f"Rush {n}", body="Help", requester_email=f"r{n}@example.com",
            team_id=team.id), now=yesterday + timedelta(minutes=n))
    next_week = (_monday() + timedelta(days=7)).isoformat()
    answer = client.post("/api/v1/wfm/schedules", headers=coordinator.headers, json={
        "team_id": team.id, "week_start": next_week, "aht_s": 3600})
    assert answer.status_code == 422, answer.text
    assert "10:00 needs" in answer.json()["detail"]
    assert client.get(f"/api/v1/wfm/schedules?team_id={team.id}&week_start={next_week}",
                      headers=coordinator.headers).status_code == 404


def test_the_desks_handling_time_is_used_when_none_is_given(hub):
    import dataclasses

    from fastapi.testclient import TestClient

    from hubdesk.server import create_app

    slower = dataclasses.replace(hub, settings=hub.settings.model_copy(
        update={"wfm_aht_s": 900.0}))
    coordinator = factories.staff(hub, Role.COORDINATOR)
    path = f"/api/v1/wfm/staffing?first_day={_today().isoformat()}"
    with TestClient(create_app(slower), raise_server_exceptions=False) as client:
        fallback = client.get(path, headers=coordinator.headers).json()
        assert fallback["aht_s"] == 900
        assert fallback["aht_method"].startswith("the desk's setting HUBDESK_WFM_AHT_S (900 s)")
        given = client.get(f"{path}&aht_s=120", headers=coordinator.headers).json()
        assert (given["aht_s"], given["aht_method"]) == (120, "given with the request")


def test_an_approved_day_off_removes_the_shift_and_a_broken_rule_is_a_422(client, hub):
    team, coordinator, ada, _ = _desk(hub)
    monday = _monday()
    schedules = "/api/v1/wfm/schedules"
    week = client.post(schedules, headers=coordinator.headers, json={
        "team_id": team.id, "week_start": monday.isoformat(), "generate": False}).json()
    shifts = f"{schedules}/{week['id']}/shifts"
    for day, start, end in ((0, 12, 22), (1, 9, 17)):
        added = client.post(shifts, headers=coordinator.headers, json={
            "agent_id": ada.agent.id, "starts_at": _iso(monday + timedelta(days=day), start),
            "ends_at": _iso(monday + timedelta(days=day), end)})
        assert added.status_code == 201
    client.post(f"{schedules}/{week['id']}/publish", headers=coordinator.headers)
    late, early = added.json()["shifts"]
    tuesday = monday + timedelta(days=1)

    asked = client.post("/api/v1/wfm/requests", headers=ada.headers, json={
        "shift_id": early["id"], "note": "Start at six?", "kind": "time_change",
        "new_starts_at": _iso(tuesday, 6), "new_ends_at": _iso(tuesday, 14)})
    assert asked.status_code == 201 and asked.json()["kind"] == "time_change"
    answer = f"/api/v1/wfm/requests/{asked.json()['id']}/answer"
    refused = client.post(answer, headers=coordinator.headers, json={"approve": True})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "rule", "message": "rest_between_shifts"}]
    assert "rest between shifts" in refused.json()["detail"]
    assert [r["status"] for r in client.get("/api/v1/wfm/requests", headers=ada.headers)
            .json()] == ["open"]

    off = client.post("/api/v1/wfm/requests", headers=ada.headers, json={
        "shift_id": late["id"], "note": "Monday off", "kind": "day_off"})
    approved = client.post(f"/api/v1/wfm/requests/{off.json()['id']}/answer",
                           headers=coordinator.headers, json={"approve": True})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    mine = client.get(f"/api/v1/wfm/my-shifts?first_day={monday}", headers=ada.headers)
    assert [s["id"] for s in mine.json()] == [early["id"]]
    # With Monday off, Tuesday at six keeps the rest: approved now.
    moved = client.post(answer, headers=coordinator.headers, json={"approve": True})
    assert moved.status_code == 200
    mine = client.get(f"/api/v1/wfm/my-shifts?first_day={monday}", headers=ada.headers)
    assert mine.json()[0]["starts_at"].startswith(f"{tuesday}T06:00")


def test_a_day_off_below_the_minimum_weekly_hours_is_a_422_naming_the_rule(client, hub):
    team, coordinator, ada, _ = _desk(hub)
    monday = _monday() + timedelta(days=7)
    schedules = "/api/v1/wfm/schedules"
    week = client.post(schedules, headers=coordinator.headers, json={
        "team_id": team.id, "week_start": monday.isoformat(), "generate": False}).json()
    for day in range(4):  # 4 shifts of 8 paid hours: the contract's minimum of 32
        added = client.post(f"{schedules}/{week['id']}/shifts", headers=coordinator.headers,
                            json={"agent_id": ada.agent.id,
                                  "starts_at": _iso(monday + timedelta(days=day), 9),
                                  "ends_at": _iso(monday + timedelta(days=day), 17)})
        assert added.status_code == 201, added.text
    client.post(f"{schedules}/{week['id']}/publish", headers=coordinator.headers)
    off = client.post("/api/v1/wfm/requests", headers=ada.headers, json={
        "shift_id": added.json()["shifts"][0]["id"], "note": "Monday off", "kind": "day_off"})
    assert off.status_code == 201, off.text
    refused = client.post(f"/api/v1/wfm/requests/{off.json()['id']}/answer",
                          headers=coordinator.headers, json={"approve": True})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "rule", "message": "min_week_hours"}]
    assert "at least 32 are required" in refused.json()["detail"]
    mine = client.get(f"/api/v1/wfm/my-shifts?first_day={monday}", headers=ada.headers)
    assert len(mine.json()) == 4


def test_an_agent_lists_the_shifts_they_may_swap_with_and_only_for_their_own(client, hub):
    team, coordinator, ada, bo = _desk(hub)
    cy = factories.staff(hub, teams=(team,))
    monday = _monday() + timedelta(days=7)
    schedules = "/api/v1/wfm/schedules"
    week = client.post(schedules, headers=coordinator.headers, json={
        "team_id": team.id, "week_start": monday.isoformat(), "generate": False}).json()
    for person, day, hour in ((ada, 0, 9), (bo, 1, 12), (cy, 0, 6), (bo, 0, 14)):
        added = client.post(f"{schedules}/{week['id']}/shifts", headers=coordinator.headers,
                            json={"agent_id": person.agent.id,
                                  "starts_at": _iso(monday + timedelta(days=day), hour),
                                  "ends_at": _iso(monday + timedelta(days=day), hour + 8)})
        assert added.status_code == 201, added.text
    ids = {(s["agent_id"], s["starts_at"][:13]): s["id"] for s in added.json()["shifts"]}
    own = ids[(ada.agent.id, _iso(monday, 9)[:13])]
    path = f"/api/v1/wfm/my-shifts/{own}/swap-options"
    assert client.get(path, headers=ada.headers).status_code == 404  # a draft is nobody's yet
    client.post(f"{schedules}/{week['id']}/publish", headers=coordinator.headers)

    listed = client.get(path, headers=ada.headers)
    assert listed.status_code == 200, listed.text
    assert listed.json()["shift"]["id"] == own
    assert [(o["agent_id"], o["agent_name"], o["starts_at"][:13]) for o in
            listed.json()["options"]] == [
        (cy.agent.id, cy.agent.name, _iso(monday, 6)[:13]),
        (bo.agent.id, bo.agent.name, _iso(monday, 14)[:13]),
        (bo.agent.id, bo.agent.name, _iso(monday + timedelta(days=1), 12)[:13])]
    # each option is one a swap request accepts
    option = listed.json()["options"][2]["id"]
    asked = client.post("/api/v1/wfm/requests", headers=ada.headers, json={
        "shift_id": own, "note": "Swap?", "kind": "swap", "swap_shift_id": option})
    assert asked.status_code == 201, asked.text

    not_mine = client.get(f"/api/v1/wfm/my-shifts/{option}/swap-options", headers=ada.headers)
    assert not_mine.status_code == 404
    assert not_mine.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/wfm/my-shifts/999999/swap-options",
                      headers=ada.headers).status_code == 404
