"""Text no database can store (NUL characters, unpaired surrogates) and numbers beyond 64 bits
are refused as 422 problem+json naming the field, never a 500 from the database."""

from __future__ import annotations

import json

import pytest

from hubdesk.domain.agents import Role
from tests import factories

PROBLEM = "application/problem+json"
NUL = "\x00"
LONE_SURROGATE = "\ud800"


def _raw_json(payload: object) -> bytes:
    # json.dumps escapes a lone surrogate as \ud800, exactly what a broken client sends.
    return json.dumps(payload).encode("ascii")


def _send(client, method, path, headers, payload):
    return client.request(method, path, content=_raw_json(payload),
                          headers={**headers, "content-type": "application/json"})


def _assert_refused(response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert any(e["field"] == field for e in problem["errors"]), problem
    assert field.split(".")[0] in problem["detail"]


def _ticket(**changes: object) -> dict[str, object]:
    return {"subject": "Parcel", "body": "It never came", "requester": {"email": "a@b.co"},
            **changes}


@pytest.mark.parametrize("bad", [NUL, LONE_SURROGATE], ids=["nul", "surrogate"])
@pytest.mark.parametrize(("payload", "field"), [
    (lambda bad: _ticket(requester={"email": "a@b.co", "name": f"Ann{bad}"}), "requester.name"),
    (lambda bad: _ticket(tags=["ok", f"t{bad}"]), "tags"),
    (lambda bad: _ticket(category=f"c{bad}"), "category"),
    (lambda bad: _ticket(body_html=f"<p>{bad}</p>"), "body_html"),
    (lambda bad: _ticket(custom_fields={f"k{bad}": 1}), "custom_fields"),
    (lambda bad: _ticket(custom_fields={"k": [{"deep": f"v{bad}"}]}), "custom_fields"),
], ids=["requester-name", "tags", "category", "body-html", "custom-key", "custom-value"])
def test_ticket_fields_refuse_unstorable_text(hub, client, payload, field, bad):
    admin = factories.staff(hub, Role.ADMIN)
    _assert_refused(_send(client, "POST", "/api/v1/tickets", admin.headers, payload(bad)), field)
    assert client.get("/api/v1/tickets", headers=admin.headers).json()["items"] == []


@pytest.mark.parametrize(("value", "reason"), [
    (2**64, "64-bit"), (-(2**63) - 1, "64-bit"), ({"a": {"b": {"c": {"d": {"e": {}}}}}}, "deeper"),
])
def test_custom_field_values_must_fit_the_database(hub, client, value, reason):
    admin = factories.staff(hub, Role.ADMIN)
    response = _send(client, "POST", "/api/v1/tickets", admin.headers,
                     _ticket(custom_fields={"order": value}))
    _assert_refused(response, "custom_fields")
    assert reason in response.json()["errors"][0]["message"]
    fitting = _send(client, "POST", "/api/v1/tickets", admin.headers,
                    _ticket(custom_fields={"order": 2**63 - 1, "nested": {"a": [1, "x"]}}))
    assert fitting.status_code == 201, fitting.text
    assert fitting.json()["custom_fields"]["order"] == 2**63 - 1


def test_subject_and_body_stay_tolerant_and_are_cleaned(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    response = _send(client, "POST", "/api/v1/tickets", admin.headers,
                     _ticket(subject=f"Par{NUL}cel", body=f"It never{NUL} came"))
    assert response.status_code == 201, response.text
    assert response.json()["subject"] == "Parcel"


def test_every_kind_of_record_refuses_unstorable_text(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    detail = factories.ticket(hub, admin.agent)
    ticket = f"/api/v1/tickets/{detail.ticket.id}"
    cases = [
        ("POST", "/api/v1/customers", {"name": f"Bo{NUL}b"}, "name"),
        ("POST", "/api/v1/customers", {"notes": LONE_SURROGATE}, "notes"),
        ("POST", "/api/v1/customers", {"custom_fields": {"n": 2**70}}, "custom_fields"),
        ("POST", "/api/v1/customers", {"phones": [f"+1{NUL}"]}, "phones"),
        ("POST", "/api/v1/agents", {"email": "x@y.co", "name": f"A{NUL}"}, "name"),
        ("POST", "/api/v1/agents", {"email": "x@y.co", "skills": [LONE_SURROGATE]}, "skills"),
        ("POST", "/api/v1/teams", {"name": f"T{NUL}"}, "name"),
        ("POST", "/api/v1/departments", {"name": "D", "description": f"{NUL}"}, "description"),
        ("PATCH", ticket, {"tags": [f"x{NUL}"]}, "tags"),
        ("PATCH", ticket, {"custom_fields": {"k": f"{NUL}"}}, "custom_fields"),
        ("POST", f"{ticket}/messages", {"body": "see file", "attachments": [
            {"filename": f"a{NUL}.txt", "content_base64": "aGk="}]}, "attachments.0.filename"),
        ("POST", f"{ticket}/security-escalation", {"reason": f"r{NUL}"}, "reason"),
    ]
    for method, path, payload, field in cases:
        _assert_refused(_send(client, method, path, admin.headers, payload), field)


@pytest.mark.parametrize("path", ["/api/v1/tickets?q=a%00b", "/api/v1/customers?q=%00",
                                  "/api/v1/tickets?assignee=me%00", "/api/v1/tickets?x%00=1"])
def test_query_parameters_refuse_nul(hub, client, path):
    admin = factories.staff(hub, Role.ADMIN)
    response = client.get(path, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    name = path.split("?")[1].split("=")[0].replace("%00", "\\u0000")
    assert response.json()["errors"][0]["field"] == name
    ordinary = client.get(path.replace("%00", ""), headers=admin.headers)
    assert ordinary.status_code in (200, 422)
    assert "NUL" not in ordinary.text
