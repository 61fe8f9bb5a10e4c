"""One's own password changed from the console: the current one asked first, a refusal said
beside its field, the other sessions ended and this one kept."""

from __future__ import annotations

from fastapi.testclient import TestClient

from hubdesk.server import create_app
from tests import factories
from tests.web.pages import post_form, sign_in

NEW = "a-much-longer-secret"


def _change(client, current: str, new: str, confirm: str | None = None):
    return post_form(client, "/account/password", {
        "current_password": current, "new_password": new,
        "confirm_password": new if confirm is None else confirm}, page="/logout")


def test_an_agent_changes_their_password_and_only_their_other_sessions_end(hub, client):
    rep = factories.staff(hub, with_password=True)
    with TestClient(create_app(hub)) as elsewhere:
        sign_in(elsewhere, rep.agent)
        sign_in(client, rep.agent)
        assert 'href="/logout"' in client.get("/tickets").text  # the name leads to the account

        answer = _change(client, factories.PASSWORD, NEW)
        assert answer.status_code == 200 and answer.url.path == "/logout"
        assert "Your password is changed" in answer.text
        assert "(1) are signed out" in answer.text
        assert client.get("/tickets", follow_redirects=False).status_code == 200
        assert elsewhere.get("/tickets", follow_redirects=False).status_code == 303
    with TestClient(create_app(hub)) as fresh:
        sign_in(fresh, rep.agent, NEW)


def test_a_refused_change_says_why_beside_the_field_and_changes_nothing(hub, client):
    rep = factories.staff(hub, with_password=True)
    sign_in(client, rep.agent)
    cases = [(("wrong-password", NEW), "current-password-error"),
             ((factories.PASSWORD, NEW, "something-else"), "confirm-password-error"),
             ((factories.PASSWORD, "short"), "new-password-error")]
    for arguments, error_id in cases:
        answer = _change(client, *arguments)
        assert answer.status_code == 422, answer.text
        assert "The password was not changed" in answer.text
        assert f'id="{error_id}"' in answer.text
        assert 'aria-invalid="true"' in answer.text
    assert client.get("/tickets", follow_redirects=False).status_code == 200
    with TestClient(create_app(hub)) as fresh:
        sign_in(fresh, rep.agent)  # the old password still works
