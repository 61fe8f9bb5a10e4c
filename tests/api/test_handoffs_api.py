"""The handoff, escalation and report endpoints: the whole path over HTTP, both databases."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Role
from hubdesk.services.handoffs import OlaInput
from tests import factories

OFFICE = {"timezone": "Europe/Berlin",
          "hours": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}}


@pytest.fixture
def desk(hub, client):
    team = factories.team(hub)
    billing, shipping = factories.department(hub, "Billing"), factories.department(hub,
                                                                                   "Shipping")
    desk = {
        "team": team, "billing": billing, "shipping": shipping,
        "rep": factories.staff(hub, Role.REPRESENTATIVE, teams=(team,)),
        "expert": factories.staff(hub, Role.REPRESENTATIVE, tier=2),
        "admin": factories.staff(hub, Role.ADMIN),
        "coordinator": factories.staff(hub, Role.COORDINATOR),
        "billing_liaison": factories.staff(hub, Role.LIAISON, departments=(billing,)),
        "shipping_liaison": factories.staff(hub, Role.LIAISON, departments=(shipping,)),
    }
    hub.app.handoffs.set_ola(desk["admin"].agent, billing.id,
                             OlaInput(target_minutes=240, calendar=OFFICE))
    ola = client.get(f"/api/v1/departments/{billing.id}/ola", headers=desk["rep"].headers)
    assert ola.status_code == 200 and ola.json()["calendar"]["timezone"] == "Europe/Berlin"
    desk["ticket_id"] = factories.ticket(hub, desk["rep"].agent, team_id=team.id).ticket.id
    return desk


def _open(client, desk, department="billing", **more):
    response = client.post(f"/api/v1/tickets/{desk['ticket_id']}/handoffs",
                           headers=desk["rep"].headers,
                           json={"department_id": desk[department].id,
                                 "request": "Please confirm the refund", **more})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_handoff_is_opened_worked_answered_and_closed_over_http(hub, client, desk):
    handoff = _open(client, desk, blocking=True)
    assert handoff["status"] == "open" and handoff["blocking"] is True
    assert handoff["department_name"] == "Billing" and handoff["due_at"] is not None
    assert isinstance(handoff["time_left_seconds"], int)
    assert handoff["allowed_transitions"] == []  # the ticket's side waits for the department
    liaison = desk["billing_liaison"].headers
    url = f"/api/v1/handoffs/{handoff['id']}"

    mine = client.get(url, headers=liaison).json()
    assert mine["allowed_transitions"] == ["in_progress", "answered", "rejected"]
    note = client.post(f"{url}/notes", headers=liaison, json={"body": "Looking into it"})
    assert note.status_code == 201 and note.json()["body"] == "Looking into it"
    solve = client.patch(f"/api/v1/tickets/{desk['ticket_id']}", headers=desk["rep"].headers,
                         json={"status": "solved"})
    assert solve.status_code == 409
    assert solve.headers["content-type"] == "application/problem+json"
    assert f"#{handoff['id']}" in solve.json()["detail"]

    answered = client.post(f"{url}/transition", headers=liaison,
                           json={"status": "answered", "text": "Refund sent on Monday"})
    assert answered.status_code == 200, answered.text
    assert answered.json()["answer"] == "Refund sent on Monday"
    done = client.post(f"{url}/transition", headers=desk["rep"].headers,
                       json={"status": "done"})
    assert done.json()["status"] == "done"

    ticket = client.get(f"/api/v1/tickets/{desk['ticket_id']}",
                        headers=desk["rep"].headers).json()
    assert [h["id"] for h in ticket["handoffs"]] == [handoff["id"]]
    assert ticket["handoffs"][0]["notes"][0]["body"] == "Looking into it"
    assert any("Refund sent on Monday" in m["body"] and not m["public"]
               for m in ticket["messages"])
    events = client.get(f"/api/v1/tickets/{desk['ticket_id']}/events",
                        headers=desk["rep"].headers).json()
    assert [e["kind"] for e in events][-3:] == ["handoff_opened", "handoff_answered",
                                                "handoff_done"]


def test_a_liaison_sees_only_its_departments_queue(hub, client, desk):
    billing = _open(client, desk, "billing")
    shipping = _open(client, desk, "shipping")
    other = desk["shipping_liaison"].headers
    assert client.get(f"/api/v1/handoffs/{billing['id']}", headers=other).status_code == 404
    assert client.post(f"/api/v1/handoffs/{billing['id']}/transition", headers=other,
                       json={"status": "in_progress"}).status_code == 404
    queue = client.get("/api/v1/handoffs", headers=other).json()
    assert [h["id"] for h in queue] == [shipping["id"]]
    refused = client.get(f"/api/v1/handoffs?department={desk['billing'].id}", headers=other)
    assert refused.status_code == 404
    on_ticket = client.get(f"/api/v1/tickets/{desk['ticket_id']}/handoffs", headers=other)
    assert [h["id"] for h in on_ticket.json()] == [shipping["id"]]
    everything = client.get("/api/v1/handoffs?status=open",
                            headers=desk["coordinator"].headers).json()
    # deadlines first: Billing has an OLA, Shipping none
    assert [h["id"] for h in everything] == [billing["id"], shipping["id"]]


def test_bad_input_is_answered_with_problems_naming_the_field(hub, client, desk):
    url = f"/api/v1/tickets/{desk['ticket_id']}/handoffs"
    headers = desk["rep"].headers
    missing = client.post(url, headers=headers, json={"request": "Please"})
    assert missing.status_code == 422
    assert missing.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in missing.json()["errors"]] == ["department_id"]
    unknown = client.post(url, headers=headers, json={"department_id": 999_999,
                                                      "request": "Please"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [{"field": "department_id", "message": "unknown"}]
    blank = client.post(url, headers=headers, json={"department_id": desk["billing"].id,
                                                    "request": "   "})
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "request"
    handoff = _open(client, desk)
    no_answer = client.post(f"/api/v1/handoffs/{handoff['id']}/transition",
                            headers=desk["billing_liaison"].headers,
                            json={"status": "answered"})
    assert no_answer.status_code == 422
    assert no_answer.json()["errors"] == [{"field": "text", "message": "required"}]
    wrong = client.post(f"/api/v1/handoffs/{handoff['id']}/transition",
                        headers=desk["billing_liaison"].headers, json={"status": "finished"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "status"
    illegal = client.post(f"/api/v1/handoffs/{handoff['id']}/transition",
                          headers=desk["rep"].headers, json={"status": "done"})
    assert illegal.status_code == 409
    assert client.get(f"/api/v1/departments/{desk['shipping'].id}/ola",
                      headers=desk["admin"].headers).status_code == 404


def test_escalation_and_de_escalation_over_http(hub, client, desk):
    url = f"/api/v1/tickets/{desk['ticket_id']}"
    rep = desk["rep"]
    client.patch(url, headers=rep.headers, json={"assignee_id": rep.agent.id})
    empty = client.post(f"{url}/escalate", headers=rep.headers, json={"reason": ""})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "reason"
    up = client.post(f"{url}/escalate", headers=rep.headers,
                     json={"reason": "Needs a tier-two engineer"})
    assert up.status_code == 200, up.text
    assert (up.json()["tier"], up.json()["assignee_id"]) == (2, None)
    down = client.post(f"{url}/deescalate", headers=desk["coordinator"].headers,
                       json={"reason": "Answered by engineering"})
    assert (down.json()["tier"], down.json()["assignee_id"]) == (1, rep.agent.id)
    again = client.post(f"{url}/deescalate", headers=desk["coordinator"].headers,
                        json={"reason": "again"})
    assert again.status_code == 409
    kinds = [e["kind"] for e in client.get(f"{url}/events", headers=rep.headers).json()]
    assert kinds[-2:] == ["escalated", "deescalated"]


def test_the_turnaround_report_over_http(hub, client, desk):
    handoff = _open(client, desk)
    client.post(f"/api/v1/handoffs/{handoff['id']}/transition",
                headers=desk["billing_liaison"].headers,
                json={"status": "rejected", "text": "Wrong department"})
    report = client.get("/api/v1/reports/handoffs", headers=desk["coordinator"].headers)
    assert report.status_code == 200, report.text
    [row] = report.json()["departments"]
    assert (row["department_name"], row["handoffs"], row["rejected_share"]) == (
        "Billing", 1, 1.0)
    assert report.json()["bottleneck_department_id"] == desk["billing"].id
    naive = client.get("/api/v1/reports/handoffs?since=2026-01-01T00:00:00",
                       headers=desk["coordinator"].headers)
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "since"
    number = client.get("/api/v1/reports/handoffs?until=0.5",
                        headers=desk["coordinator"].headers)
    assert number.status_code == 422 and number.json()["errors"][0]["field"] == "until"
    empty = client.get("/api/v1/reports/handoffs?since=2030-01-01T00:00:00Z"
                       "&until=2020-01-01T00:00:00%2B02:00", headers=desk["coordinator"].headers)
    assert empty.status_code == 200 and empty.json()["departments"] == []
    assert client.get("/api/v1/reports/handoffs",
                      headers=desk["rep"].headers).status_code == 403


def test_the_turnaround_report_names_the_rework_each_team_caused(hub, client, desk):
    refused = _open(client, desk)
    client.post(f"/api/v1/handoffs/{refused['id']}/transition",
                headers=desk["billing_liaison"].headers,
                json={"status": "rejected", "text": "No order number"})
    report = client.get("/api/v1/reports/handoffs", headers=desk["coordinator"].headers).json()
    [row] = report["departments"]
    assert (row["sent_back"], row["rework_seconds"], row["waiting_on_requester_seconds"]) == (
        0, 0, 0)
    [origin] = report["origins"]
    assert (origin["team_id"], origin["team_name"], origin["handoffs"], origin["rejected"],
            origin["sent_back"]) == (desk["team"].id, desk["team"].name, 1, 1, 0)


def test_a_send_back_needs_its_cause_and_the_report_charges_by_it(hub, client, desk):
    handoff = _open(client, desk)
    url = f"/api/v1/handoffs/{handoff['id']}/transition"
    liaison, rep = desk["billing_liaison"].headers, desk["rep"].headers
    client.post(url, headers=liaison, json={"status": "answered", "text": "Refunded"})
    missing = client.post(url, headers=rep, json={"status": "in_progress"})
    assert missing.status_code == 422
    assert missing.json()["errors"] == [{"field": "cause", "message": "required"}]
    unknown = client.post(url, headers=rep, json={"status": "in_progress", "cause": "whim"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "cause"
    assert client.get(f"/api/v1/handoffs/{handoff['id']}",
                      headers=rep).json()["status"] == "answered"  # nothing moved
    back = client.post(url, headers=rep, json={"status": "in_progress",
                                               "cause": "department_error"})
    assert back.status_code == 200, back.text
    assert (back.json()["status"], back.json()["send_back_cause"]) == ("in_progress",
                                                                       "department_error")
    misplaced = client.post(url, headers=liaison, json={"status": "answered", "text": "Fixed",
                                                        "cause": "department_error"})
    assert misplaced.status_code == 422
    assert misplaced.json()["errors"] == [{"field": "cause", "message": "only for a send-back"}]
    assert client.post(url, headers=liaison, json={"status": "answered",
                                                   "text": "Fixed"}).status_code == 200
    events = client.get(f"/api/v1/tickets/{desk['ticket_id']}/events", headers=rep).json()
    [sent_back] = [e for e in events if e["kind"] == "handoff_updated"
                   and e["changes"]["handoff_status"] == ["answered", "in_progress"]]
    assert sent_back["data"]["cause"] == "department_error"
    report = client.get("/api/v1/reports/handoffs", headers=desk["coordinator"].headers).json()
    [row] = report["departments"]
    assert (row["sent_back"], row["sent_back_for_errors"], row["rework_seconds"]) == (1, 1, 0)
    assert row["own_rework_seconds"] >= 0
    [origin] = report["origins"]
    assert (origin["sent_back"], origin["rework_seconds"]) == (0, 0)


def test_an_administrator_sets_a_departments_ladder_and_a_refused_step_is_named(hub, client,
                                                                                 desk):
    url = f"/api/v1/departments/{desk['shipping'].id}/ola"
    admin, rep = desk["admin"].headers, desk["rep"].headers
    default = client.put(url, headers=admin, json={"target_minutes": 120,
                                                   "coordinator_after_minutes": 60})
    assert default.status_code == 200, default.text
    assert default.json()["default_ladder"] is True
    assert default.json()["ladder"] == [
        {"at_percent": 75, "notify": ["assignee"]},
        {"at_percent": 100, "notify": ["department_lead"]},
        {"after_deadline_minutes": 60, "notify": ["coordinators"]}]
    own = [{"at_percent": 150, "notify": ["coordinators"]},
           {"at_percent": 50, "notify": ["assignee", "department_lead"]}]
    saved = client.put(url, headers=admin, json={"target_minutes": 120, "ladder": own})
    assert saved.status_code == 200 and saved.json()["default_ladder"] is False
    read = client.get(url, headers=rep).json()
    assert read["ladder"] == [own[1], own[0]]
    handoff = _open(client, desk, "shipping")
    assert handoff["ladder"] == [own[1], own[0]] and handoff["escalation_level"] == 0
    for ladder, field in (([{"at_percent": 75, "notify": ["boss"]}], "ladder.0.notify"),
                          ([{"at_percent": 50, "notify": ["assignee"]},
                            {"notify": ["assignee"]}], "ladder.1.at_percent"),
                          ([{"after_deadline_minutes": -1, "notify": ["assignee"]}],
                           "ladder.0.after_deadline_minutes")):
        refused = client.put(url, headers=admin, json={"target_minutes": 120,
                                                       "ladder": ladder})
        assert refused.status_code == 422
        assert [e["field"] for e in refused.json()["errors"]] == [field]
    assert client.get(url, headers=rep).json()["ladder"] == [own[1], own[0]]
    # Past a year of business time, and numbers no duration holds, are refused by name.
    for body, field in (({"target_minutes": 366 * 24 * 60 + 1}, "target_minutes"),
                        ({"target_minutes": 2**70}, "target_minutes"),
                        ({"target_minutes": 60, "coordinator_after_minutes": 2**70},
                         "coordinator_after_minutes")):
        refused = client.put(url, headers=admin, json=body)
        assert refused.status_code == 422, refused.text
        assert [e["field"] for e in refused.json()["errors"]] == [field]
    # On a calendar open a minute a week, a year of business time would end after the year
    # 9997: refused when set, not at every handoff that needs it.
    thin = {"timezone": "UTC", "hours": {"mon": [["09:00", "09:01"]]}}
    for body in ({"target_minutes": 366 * 24 * 60, "calendar": thin},
                 {"target_minutes": 60, "calendar": thin,
                  "ladder": [{"after_deadline_minutes": 366 * 24 * 60,
                              "notify": ["coordinators"]}]}):
        unreachable = client.put(url, headers=admin, json=body)
        assert unreachable.status_code == 422, unreachable.text
        assert [e["field"] for e in unreachable.json()["errors"]] == ["target_minutes"]
    assert client.get(url, headers=rep).json()["ladder"] == [own[1], own[0]]
    assert client.put(url, headers=rep, json={"target_minutes": 60}).status_code == 403
    assert client.delete(url, headers=admin).status_code == 204
    assert client.get(url, headers=rep).status_code == 404


def test_a_department_queue_costs_the_same_for_two_tickets_or_eight(hub, client, desk):
    from tests.api.test_listing import count_queries

    # The tokens' first uses, noted once a minute, are not the queue's cost.
    for person in ("rep", "coordinator"):
        assert client.get("/api/v1/teams", headers=desk[person].headers).status_code == 200

    def queue_statements(tickets: int) -> int:
        for _ in range(tickets):
            ticket_id = factories.ticket(hub, desk["rep"].agent).ticket.id
            opened = client.post(f"/api/v1/tickets/{ticket_id}/handoffs",
                                 headers=desk["rep"].headers,
                                 json={"department_id": desk["billing"].id,
                                       "request": "Refund the second charge"})
            assert opened.status_code == 201, opened.text
        with count_queries(hub.engine) as statements:
            listed = client.get("/api/v1/handoffs", headers=desk["coordinator"].headers)
        assert listed.status_code == 200
        return len(statements)

    assert queue_statements(2) == queue_statements(6)
