from datetime import UTC, datetime

from hubdesk.domain.agents import Role
from hubdesk.store.tickets import encode_cursor
from tests import factories

NEW = {"subject": "Charged twice for order 1042", "body": "My card shows two payments.",
       "requester": {"email": "Jane.Doe@Example.com", "name": "Jane Doe"},
       "channel": "email", "priority": "high", "tags": ["Billing", "refund"],
       "custom_fields": {"order": "1042"}}


def test_create_then_read_a_ticket(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    created = client.post("/api/v1/tickets", json=NEW, headers=admin.headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["location"] == f"/api/v1/tickets/{body['id']}"
    assert (body["number"], body["status"], body["priority"], body["channel"]) == \
        (body["id"], "new", "high", "email")
    assert body["tags"] == ["billing", "refund"]
    assert body["requester"]["identities"] == [{"kind": "email", "value": "jane.doe@example.com"}]
    assert body["messages"][0]["body"] == "My card shows two payments."
    assert body["messages"][0]["author"]["kind"] == "customer"
    fetched = client.get(f"/api/v1/tickets/{body['id']}", headers=admin.headers).json()
    assert fetched == body


def test_same_requester_email_is_one_customer(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    first = client.post("/api/v1/tickets", json=NEW, headers=admin.headers).json()
    again = {**NEW, "requester": {"email": "JANE.DOE@example.com"}}
    second = client.post("/api/v1/tickets", json=again, headers=admin.headers).json()
    assert first["requester"]["id"] == second["requester"]["id"]
    assert second["number"] == first["number"] + 1


def test_patch_reply_note_and_history(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    ticket_id = client.post("/api/v1/tickets", json=NEW, headers=admin.headers).json()["id"]
    patched = client.patch(f"/api/v1/tickets/{ticket_id}", headers=admin.headers,
                           json={"assignee_id": admin.agent.id, "priority": "urgent"})
    assert patched.status_code == 200, patched.text
    assert (patched.json()["status"], patched.json()["assignee_id"]) == ("open", admin.agent.id)
    note = client.post(f"/api/v1/tickets/{ticket_id}/messages", headers=admin.headers,
                       json={"body": "Checked with Billing", "public": False})
    assert note.status_code == 201 and note.json()["public"] is False
    reply = client.post(f"/api/v1/tickets/{ticket_id}/messages", headers=admin.headers,
                        json={"body": "Refund is on its way", "public": True})
    assert reply.status_code == 201
    solved = client.patch(f"/api/v1/tickets/{ticket_id}", headers=admin.headers,
                          json={"status": "solved"})
    assert solved.json()["solved_at"] is not None
    events = client.get(f"/api/v1/tickets/{ticket_id}/events", headers=admin.headers).json()
    kinds = [e["kind"] for e in events]
    assert kinds == ["created", "assigned", "status_changed", "updated", "noted", "replied",
                     "status_changed"]
    assert events[1]["changes"] == {"assignee_id": [None, admin.agent.id]}
    assert events[-1]["changes"]["status"] == ["open", "solved"]
    assert all(e["actor"] == {"kind": "agent", "id": admin.agent.id} for e in events)


def test_merge_moves_the_conversation(hub, client):
    lead_team = factories.team(hub)
    lead = factories.staff(hub, Role.TEAM_LEAD, teams=(lead_team,))
    first = client.post("/api/v1/tickets", json=NEW, headers=lead.headers).json()
    dup = client.post("/api/v1/tickets", json={**NEW, "body": "Hello??"},
                      headers=lead.headers).json()
    merged = client.post(f"/api/v1/tickets/{first['id']}/merge", headers=lead.headers,
                         json={"source_id": dup["id"]})
    assert merged.status_code == 200, merged.text
    bodies = [m["body"] for m in merged.json()["messages"]]
    assert bodies == ["My card shows two payments.", "Hello??"]
    source = client.get(f"/api/v1/tickets/{dup['id']}", headers=lead.headers).json()
    assert (source["status"], source["merged_into_id"], source["messages"]) == \
        ("closed", first["id"], [])
    found = client.get("/api/v1/tickets", params={"q": "Hello"}, headers=lead.headers).json()
    assert [t["id"] for t in found["items"]] == [first["id"]]


def _attached(client, staff, filename, content_type):
    """The attachment of a new ticket's message carrying one file of "hello"."""
    ticket_id = client.post("/api/v1/tickets", json=NEW, headers=staff.headers).json()["id"]
    response = client.post(f"/api/v1/tickets/{ticket_id}/messages", headers=staff.headers,
                           json={"body": "", "attachments": [
                               {"filename": filename, "content_type": content_type,
                                "content_base64": "aGVsbG8="}]})
    assert response.status_code == 201, response.text
    return response.json()["attachments"][0]


def test_attachments_are_stored_by_content(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    attachment = _attached(client, admin, "invoice.txt", "text/plain")
    assert (attachment["size"], attachment["sha256"][:8]) == (5, "2cf24dba")
    assert hub.blobs.get(attachment["sha256"]) == b"hello"
    download = client.get(f"/api/v1/attachments/{attachment['id']}", headers=admin.headers)
    assert download.content == b"hello"
    assert download.headers["content-disposition"] == 'attachment; filename="invoice.txt"'
    outsider = factories.staff(hub, Role.REPRESENTATIVE, teams=(factories.team(hub),))
    denied = client.get(f"/api/v1/attachments/{attachment['id']}", headers=outsider.headers)
    assert denied.status_code == 404


def test_a_file_named_in_other_letters_downloads_under_its_name(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    attachment_id = _attached(client, admin, "发票 2024.pdf", "application/pdf")["id"]
    download = client.get(f"/api/v1/attachments/{attachment_id}", headers=admin.headers)
    assert download.status_code == 200 and download.content == b"hello"
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"__ 2024.pdf\"; "
        "filename*=UTF-8''%E5%8F%91%E7%A5%A8%202024.pdf")


def test_a_file_name_keeps_no_line_breaks_nor_direction_overrides(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    ticket_id = client.post("/api/v1/tickets", json=NEW, headers=admin.headers).json()["id"]
    sent = client.post(f"/api/v1/tickets/{ticket_id}/messages", headers=admin.headers,
                       json={"body": "", "attachments": [
                           {"filename": name, "content_type": "text/plain",
                            "content_base64": "aGVsbG8="}
                           for name in ("invoice\u202etxt.exe", "a\r\nb.txt", "\n")]})
    assert sent.status_code == 201, sent.text
    assert [a["filename"] for a in sent.json()["attachments"]] == \
        ["invoice txt.exe", "a b.txt", "attachment"]


def test_a_cursor_naming_an_id_no_ticket_can_have_is_refused(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    client.post("/api/v1/tickets", json=NEW, headers=admin.headers)
    for sort in ("updated", "due"):
        for ticket_id in (2**63, 10**20, -1):
            cursor = encode_cursor(datetime(2026, 1, 1, tzinfo=UTC), ticket_id)
            answer = client.get("/api/v1/tickets", headers=admin.headers,
                                params={"sort": sort, "cursor": cursor})
            assert answer.status_code == 422, (sort, ticket_id, answer.text)
            assert "cursor" in answer.json()["detail"]
