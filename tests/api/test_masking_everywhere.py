"""Card numbers never reach anyone without sensitive-data access, whatever field carries them.

Each path that stores text gets a Luhn-valid card number in every separator form; the test
then reads everything such an agent can read (API answers, console pages, the history) and the
raw rows of the tables that keep text (events, outbox, search documents, tickets, messages,
attachments, customers). An agent with sensitive-data access can still reveal the original.
Every test runs with the checksum finder alone (no triage tools) and with the triage engine.
"""

from __future__ import annotations

import base64
import dataclasses
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Role
from hubdesk.server import create_app
from hubdesk.services.intake import IntakeTools
from hubdesk.store import tables
from hubdesk.triage.engine import TriageEngine
from tests import factories
from tests.web.pages import post_form, sign_in

DIGITS = "4532015112830366"
FORMS = {
    "plain": DIGITS,
    "spaces": "4532 0151 1283 0366",
    "dashes": "4532-0151-1283-0366",
    "dots": "4532.0151.1283.0366",
    "mixed": "4532 0151-1283.0366",
    "mixed without spaces": "4532.0151-1283-0366",
}
ALL_FORMS = ", ".join(FORMS.values())
NO_SPACE_FORMS = [form for form in FORMS.values() if " " not in form]
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2014]")
TABLES_WITH_TEXT = ("ticket_events", "outbox", "search_documents", "tickets", "attachments",
                    "customers")


def assert_no_card(text: str) -> None:
    for name, form in FORMS.items():
        assert form not in text, f"the card number ({name}) leaked"
    assert DIGITS not in _SEPARATORS.sub("", text), "the card number leaked, regrouped"


@pytest.fixture(scope="module")
def triage_engine() -> TriageEngine:
    return TriageEngine()  # no intent model: personal data is still scanned


@pytest.fixture(params=["checksum only", "triage engine"])
def desk(request: pytest.FixtureRequest, hub: Hub) -> Hub:
    if request.param == "checksum only":
        assert hub.intake.triager is None
        return hub
    engine = request.getfixturevalue("triage_engine")
    return dataclasses.replace(hub, intake=IntakeTools(
        triager=engine, sealer=hub.intake.sealer, safety=hub.intake.safety))


@pytest.fixture
def client(desk: Hub) -> Iterator[TestClient]:
    with TestClient(create_app(desk), raise_server_exceptions=False) as test_client:
        yield test_client


@dataclasses.dataclass
class People:
    admin: factories.Staff  # sensitive-data access comes with the role
    reader: factories.Staff  # a representative of the ticket's team, without it
    team_id: int


@pytest.fixture
def people(desk: Hub) -> People:
    team = factories.team(desk)
    assert team.id is not None
    reader = factories.staff(desk, Role.REPRESENTATIVE, teams=(team,), with_password=True)
    assert not reader.agent.sensitive_access
    return People(factories.staff(desk, Role.ADMIN), reader, team.id)


def raw_rows(desk: Hub) -> str:
    with desk.engine.connect() as connection:
        rows = [str(tuple(row)) for name in TABLES_WITH_TEXT
                for row in connection.execute(select(tables.metadata.tables[name]))]
        messages = tables.messages
        rows += [str(tuple(row)) for row in connection.execute(
            select(*(c for c in messages.c if c.name != "sealed_body")))]
    return "\n".join(rows)


def readable(client: TestClient, people: People, ticket_id: int) -> str:
    """Everything an agent without sensitive-data access reads about the ticket."""
    headers = people.reader.headers
    answers = [client.get(f"/api/v1/tickets/{ticket_id}", headers=headers),
               client.get(f"/api/v1/tickets/{ticket_id}/events", headers=headers),
               client.get("/api/v1/tickets", headers=headers)]
    for answer in answers:
        assert answer.status_code == 200, answer.text
    sign_in(client, people.reader.agent)
    page = client.get(f"/tickets/{ticket_id}")
    queue = client.get("/tickets")
    assert page.status_code == 200 and queue.status_code == 200
    client.cookies.clear()
    return "\n".join([*(a.text for a in answers), page.text, queue.text])


def open_ticket(client: TestClient, people: People, **values: object) -> dict:
    new = {"subject": "Charged twice", "body": "Please look at the payment.",
           "requester": {"email": "ana@example.com"}, "team_id": people.team_id, **values}
    created = client.post("/api/v1/tickets", json=new, headers=people.admin.headers)
    assert created.status_code == 201, created.text
    return created.json()


def reveal(client: TestClient, staff: factories.Staff, ticket_id: int, message_id: int):
    return client.get(f"/api/v1/tickets/{ticket_id}/messages/{message_id}/original",
                      headers=staff.headers)


def test_a_new_tickets_texts_are_masked_and_the_html_original_sealed(desk, client, people):
    created = open_ticket(
        client, people, subject=f"Cards {ALL_FORMS}", category=f"refund {FORMS['dots']}",
        body_html=f"<p>My cards: {ALL_FORMS} and 4532&nbsp;0151&nbsp;1283&nbsp;0366</p>",
        tags=["billing", *NO_SPACE_FORMS],
        custom_fields={form: f"card {form}" for form in FORMS.values()}
        | {"order": {"cards": list(FORMS.values()), "number": int(DIGITS)}},
        requester={"email": "ana@example.com", "name": f"Ana {FORMS['mixed']}"})
    ticket_id, message = created["id"], created["messages"][0]
    assert "[CARD ****0366]" in created["subject"] and "billing" in created["tags"]
    assert message["has_masked_original"]
    assert "[CARD ****0366]" in message["body_html"]
    assert_no_card(readable(client, people, ticket_id))
    assert_no_card(raw_rows(desk))
    assert reveal(client, people.reader, ticket_id, message["id"]).status_code == 403
    original = reveal(client, people.admin, ticket_id, message["id"])
    assert original.status_code == 200 and ALL_FORMS in original.json()["body"]


def test_a_masked_plain_body_keeps_the_html_masked_too(desk, client, people):
    created = open_ticket(client, people, body=f"card {FORMS['dots']}",
                          body_html=f"<p>card <b>{FORMS['dots']}</b></p>")
    message = created["messages"][0]
    assert message["body"] == "card [CARD ****0366]"
    assert message["body_html"] == "<p>card <b>[CARD ****0366]</b></p>"
    assert_no_card(readable(client, people, created["id"]))
    assert_no_card(raw_rows(desk))
    original = reveal(client, people.admin, created["id"], message["id"])
    assert original.json()["body"] == f"card {FORMS['dots']}"


def test_changes_are_masked_in_the_ticket_its_history_and_outbox(desk, client, people):
    ticket_id = open_ticket(client, people)["id"]
    changed = client.patch(f"/api/v1/tickets/{ticket_id}", headers=people.admin.headers, json={
        "subject": f"Now about {ALL_FORMS}", "category": f"card {FORMS['dashes']}",
        "tags": NO_SPACE_FORMS, "custom_fields": {FORMS["spaces"]: FORMS["mixed"]}})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["subject"].count("[CARD ****0366]") == len(FORMS)
    assert body["category"] == "card [CARD ****0366]"
    assert body["custom_fields"] == {"[CARD ****0366]": "[CARD ****0366]"}
    assert_no_card(readable(client, people, ticket_id))
    assert_no_card(raw_rows(desk))


def search(client: TestClient, people: People, words: str) -> list[int]:
    found = client.get("/api/v1/tickets", params={"q": words}, headers=people.reader.headers)
    assert found.status_code == 200, found.text
    return [row["id"] for row in found.json()["items"]]


def test_search_follows_the_current_subject(desk, client, people):
    ticket_id = open_ticket(client, people, subject="Parcel lost in Rotterdam",
                            body="Where is it?")["id"]
    other_id = open_ticket(client, people, subject="Rotterdam office hours",
                           body="When are you open?")["id"]
    assert search(client, people, "Rotterdam") == [other_id, ticket_id]
    changed = client.patch(f"/api/v1/tickets/{ticket_id}", headers=people.admin.headers,
                           json={"subject": f"Refund to card {FORMS['dots']} via Antwerp"})
    assert changed.status_code == 200, changed.text
    assert search(client, people, "Rotterdam") == [other_id]
    assert search(client, people, "Antwerp") == [ticket_id]
    assert search(client, people, "where is it") == [ticket_id]  # the body is still indexed
    assert search(client, people, "0151") == []
    client.patch(f"/api/v1/tickets/{ticket_id}", headers=people.admin.headers,
                 json={"subject": "Back to Ghent"})
    assert search(client, people, "Antwerp") == []
    assert search(client, people, "Ghent") == [ticket_id]
    assert_no_card(raw_rows(desk))


def test_replies_mask_their_html_and_file_names(desk, client, people):
    ticket_id = open_ticket(client, people)["id"]
    files = [{"filename": f"statement {form}.pdf", "content_type": "application/pdf",
              "content_base64": base64.b64encode(b"%PDF-1.4 " + form.encode()).decode()}
             for form in FORMS.values()]
    replied = client.post(f"/api/v1/tickets/{ticket_id}/messages", headers=people.admin.headers,
                          json={"body": "See the attached statements.", "public": False,
                                "body_html": f"<p>Cards {ALL_FORMS}</p>", "attachments": files})
    assert replied.status_code == 201, replied.text
    message = replied.json()
    assert all(a["filename"] == "statement [CARD ****0366].pdf"
               for a in message["attachments"])
    assert_no_card(readable(client, people, ticket_id))
    assert_no_card(raw_rows(desk))
    original = reveal(client, people.admin, ticket_id, message["id"])
    assert original.status_code == 200 and ALL_FORMS in original.json()["body"]


def test_escalation_and_block_reasons_are_masked(desk, client, people):
    created = open_ticket(client, people)
    ticket_id = created["id"]
    escalated = client.post(f"/api/v1/tickets/{ticket_id}/security-escalation",
                            headers=people.admin.headers,
                            json={"reason": f"posted a stolen card {ALL_FORMS}"})
    assert escalated.status_code == 200, escalated.text
    blocked = client.put(f"/api/v1/customers/{created['requester']['id']}/block",
                         headers=people.admin.headers,
                         json={"reason": f"card fraud {ALL_FORMS}", "ticket_id": ticket_id})
    assert blocked.status_code == 200, blocked.text
    assert_no_card(blocked.text + escalated.text)
    assert_no_card(readable(client, people, ticket_id))
    assert_no_card(raw_rows(desk))


def test_console_changes_are_masked(desk, client, people):
    ticket_id = open_ticket(client, people)["id"]
    manager = factories.staff(desk, Role.MANAGER, with_password=True)
    sign_in(client, manager.agent)
    page = f"/tickets/{ticket_id}"
    answers = [
        post_form(client, f"/tickets/{ticket_id}/escalate",
                  {"reason": f"quoted card {FORMS['dots']}"}, page=page),
        post_form(client, f"/tickets/{ticket_id}/reply",
                  {"body": f"Your card {FORMS['mixed']} is blocked", "visibility": "internal"},
                  page=page),
        post_form(client, f"/tickets/{ticket_id}/update",
                  {"category": f"card {FORMS['dashes']}", "was_category": ""}, page=page),
        post_form(client, f"/tickets/{ticket_id}/block",
                  {"reason": f"fraud with {FORMS['plain']}"}, page=page),
    ]
    for answer in answers:
        assert answer.status_code == 200 and "[CARD ****0366]" in answer.text
        assert_no_card(answer.text)
    client.cookies.clear()
    assert_no_card(readable(client, people, ticket_id))
    assert_no_card(raw_rows(desk))
