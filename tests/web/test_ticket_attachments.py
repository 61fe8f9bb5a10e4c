"""Files on the ticket page: attached to a reply or a note, listed with download links, and
refused uploads leave nothing behind."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from fastapi.testclient import TestClient

from hubdesk.domain.agents import Role
from hubdesk.server import create_app
from hubdesk.services.tickets import TicketChanges, get_ticket
from tests import factories
from tests.web.pages import csrf, sign_in


@pytest.fixture
def desk(hub, client):
    team = factories.team(hub, "Shipping")
    rep = factories.staff(hub, teams=(team,), with_password=True)
    ticket_id = factories.ticket(hub, rep.agent, team_id=team.id).ticket.id
    sign_in(client, rep.agent)
    return {"rep": rep, "team": team, "id": ticket_id, "url": f"/tickets/{ticket_id}"}


def _send(client, url: str, body: str, files, *, visibility: str = "public",
          follow: bool = True):
    return client.post(f"{url}/reply", data={"body": body, "visibility": visibility,
                                             "csrf_token": csrf(client, url)},
                       files=[("files", file) for file in files], follow_redirects=follow)


def _messages(hub, desk):
    return get_ticket(hub.uows, desk["rep"].agent, desk["id"]).messages


def _stored(hub, content: bytes) -> bool:
    digest = hashlib.sha256(content).hexdigest()
    return any(path.name == digest
               for path in hub.settings.attachments_dir.rglob("*"))


def test_a_reply_carries_the_chosen_files_and_the_page_links_them(desk, client, hub):
    label = b"%PDF-1.4 return label"
    answer = _send(client, desk["url"], "The label is attached.", [
        ("return label.pdf", label, "application/pdf"),
        ("steps.txt", b"print, stick, post", "text/plain")], follow=False)
    assert (answer.status_code, answer.headers["location"]) == (303, desk["url"])

    [_, reply] = _messages(hub, desk)
    assert _stored(hub, label)
    assert reply.public and [(a.filename, a.content_type, a.size) for a in reply.attachments] \
        == [("return label.pdf", "application/pdf", len(label)),
            ("steps.txt", "text/plain", 18)]
    page = client.get(desk["url"]).text
    first = reply.attachments[0].id
    assert f'<a href="/attachments/{first}" download>return label.pdf</a>' in page
    download = client.get(f"/attachments/{first}")
    assert download.status_code == 200 and download.content == label
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"] == 'attachment; filename="return label.pdf"'



def test_a_file_named_in_other_letters_downloads_under_its_name(desk, client, hub):
    _send(client, desk["url"], "", [("Счёт №7.pdf", b"%PDF-1.4", "application/pdf")],
          visibility="internal")
    [attachment] = _messages(hub, desk)[-1].attachments
    download = client.get(f"/attachments/{attachment.id}")
    assert download.status_code == 200 and download.content == b"%PDF-1.4"
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"____ _7.pdf\"; "
        "filename*=UTF-8''%D0%A1%D1%87%D1%91%D1%82%20_7.pdf")

def test_a_note_may_be_files_alone(desk, client, hub):
    page = _send(client, desk["url"], "", [("trace.log", b"courier trace", "text/plain")],
                 visibility="internal")
    assert page.status_code == 200 and "Internal note added." in page.text
    note = _messages(hub, desk)[-1]
    assert not note.public and note.body == "" and note.attachments[0].filename == "trace.log"


def test_a_file_of_a_ticket_out_of_reach_is_not_found(desk, client, hub):
    _send(client, desk["url"], "Here it is.", [("secret.txt", b"only ours", "text/plain")])
    attachment_id = _messages(hub, desk)[-1].attachments[0].id
    elsewhere = factories.staff(hub, teams=(factories.team(hub),), with_password=True)
    with TestClient(create_app(hub), raise_server_exceptions=False) as other:
        sign_in(other, elsewhere.agent)
        refused = other.get(f"/attachments/{attachment_id}")
    assert refused.status_code == 404 and b"only ours" not in refused.content
    assert client.get("/attachments/999999").status_code == 404


def test_a_public_reply_with_files_a_liaison_may_not_send_leaves_nothing(hub):
    billing = factories.department(hub, "Billing")
    liaison = factories.staff(hub, Role.LIAISON, departments=(billing,), with_password=True)
    admin = factories.staff(hub, Role.ADMIN)
    ticket = factories.ticket(hub, admin.agent).ticket
    hub.app.tickets.update(admin.agent, ticket.id, TicketChanges(
        frozenset({"department_id"}), department_id=billing.id))
    content = b"a file the liaison may not send"
    with TestClient(create_app(hub), raise_server_exceptions=False) as client:
        sign_in(client, liaison.agent)
        page = _send(client, f"/tickets/{ticket.id}", "Refund approved.",
                     [("refund.pdf", content, "application/pdf")])
    assert page.status_code == 403 and "choose the files again" in page.text
    assert len(get_ticket(hub.uows, admin.agent, ticket.id).messages) == 1
    assert not _stored(hub, content)


def test_more_files_than_a_message_carries_are_refused(desk, client, hub):
    page = _send(client, desk["url"], "Many.", [(f"f{i}.txt", b"x", "text/plain")
                                                for i in range(21)])
    assert page.status_code == 422 and "at most 20 files" in page.text
    assert len(_messages(hub, desk)) == 1


def test_a_request_larger_than_the_desk_accepts_is_refused_before_anything_is_kept(desk, hub):
    small = dataclasses.replace(hub, settings=hub.settings.model_copy(
        update={"max_request_bytes": 4096}))
    content = b"z" * 8192
    with TestClient(create_app(small), raise_server_exceptions=False) as client:
        sign_in(client, desk["rep"].agent)
        refused = _send(client, desk["url"], "Too big.", [("big.bin", content, "image/png")])
    assert refused.status_code == 413
    assert refused.headers["content-type"].startswith("text/html")
    assert "larger than the 4 KB this desk accepts" in refused.text
    assert "Nothing was saved" in refused.text
    assert len(_messages(hub, desk)) == 1 and not _stored(hub, content)


def test_a_refused_console_form_leads_back_to_its_own_page_only(desk, hub):
    small = dataclasses.replace(hub, settings=hub.settings.model_copy(
        update={"max_request_bytes": 4096}))
    content = b"z" * 8192
    with TestClient(create_app(small), raise_server_exceptions=False) as client:
        sign_in(client, desk["rep"].agent)
        token = csrf(client, desk["url"])
        ours = client.post(f"{desk['url']}/reply", data={"body": "x", "csrf_token": token},
                           files=[("files", ("a.bin", content, "image/png"))],
                           headers={"Referer": f"http://testserver{desk['url']}?tab=1"})
        elsewhere = client.post(f"{desk['url']}/reply", data={"body": "x", "csrf_token": token},
                                files=[("files", ("a.bin", content, "image/png"))],
                                headers={"Referer": "http://evil.example/phish"})
        api = client.post("/api/v1/tickets", content=content,
                          headers={"Content-Type": "application/json"})
    assert ours.status_code == 413 and f'href="{desk["url"]}?tab=1"' in ours.text
    assert elsewhere.status_code == 413 and "evil.example" not in elsewhere.text
    assert 'href="/tickets"' in elsewhere.text
    assert api.status_code == 413
    assert api.headers["content-type"] == "application/problem+json"
