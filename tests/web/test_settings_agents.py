"""The agents screen on both databases: administrators and managers list, create and change
agents, deactivate and reactivate them and set a new password, all through the use cases the
API calls; what those refuse (a manager touching an administrator's credentials, a bad
e-mail, a short password) is shown beside its field with nothing saved."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient

from hubdesk.domain.agents import Role
from hubdesk.server import create_app
from tests import factories
from tests.web.pages import post_form, sign_in

PAGE = "/settings/agents"


def _error_beside(page: str, field_id: str) -> str:
    marker = f'<p class="field-error" id="{field_id}-error" role="alert">'
    assert marker in page, f"no error beside {field_id}"
    return html.unescape(page.split(marker, 1)[1].split("</p>", 1)[0])


def _row(page: str, agent_id: int | None) -> str:
    return page.split(f'<tr id="agent-{agent_id}"', 1)[1].split("</tr>", 1)[0]


def test_the_screen_lists_every_agent_with_role_teams_tier_and_whether_active(hub, client):
    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    night = factories.team(hub, "Night shift")
    rep = factories.staff(hub, teams=(night,), tier=2).agent
    gone = factories.staff(hub, Role.TEAM_LEAD).agent
    hub.app.directory.update_agent(admin, gone.id, _active(False))
    sign_in(client, admin)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert '<a href="/settings/agents" aria-current="page">Agents</a>' in page.text
    row = _row(page.text, rep.id)
    assert all(f"<td>{text}</td>" in row for text in
               (rep.email, "Representative", "Night shift", "2", "Yes"))
    assert "<td>No (deactivated)</td>" in _row(page.text, gone.id)
    assert page.text.index(f"agent-{rep.id}") < page.text.index(f"agent-{gone.id}")


def _active(active: bool):
    from hubdesk.services.directory import AgentInput
    return AgentInput(fields_set=frozenset({"active"}), active=active)


def test_a_representative_is_refused_and_a_coordinator_only_reads(hub, client):
    rep = factories.staff(hub, with_password=True).agent
    sign_in(client, rep)
    assert client.get(PAGE).status_code == 403
    assert post_form(client, PAGE, {"name": "Eve", "email": "eve@hubdesk.test",
                                    "role": "admin", "tier": "1"}).status_code == 403
    assert all(a.email != "eve@hubdesk.test" for a in hub.app.directory.agents(rep))
    client.cookies.clear()
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True).agent
    sign_in(client, coordinator)
    page = client.get(PAGE)
    assert page.status_code == 200 and coordinator.email in page.text
    assert 'action="/settings/agents"' not in page.text
    assert 'action="/settings/agents/' not in client.get(f"{PAGE}/{rep.id}").text


def test_a_manager_creates_an_agent_who_can_then_sign_in(hub, client):
    manager = factories.staff(hub, Role.MANAGER, with_password=True).agent
    returns = factories.team(hub, "Returns")
    sign_in(client, manager)
    created = post_form(client, PAGE, {
        "name": "  Ada Lovelace ", "email": "Ada@Example.COM", "role": "team_lead",
        "tier": "2", "team_ids": str(returns.id), "password": "correct horse"}, page=PAGE)
    assert created.status_code == 200 and "Agent “Ada Lovelace” created." in created.text
    [ada] = [a for a in hub.app.directory.agents(manager) if a.name == "Ada Lovelace"]
    assert (ada.email, ada.role, ada.tier, ada.team_ids) == (
        "ada@example.com", Role.TEAM_LEAD, 2, frozenset({returns.id}))
    assert str(created.url).endswith(f"/settings/agents/{ada.id}")
    with TestClient(create_app(hub)) as other:
        sign_in(other, ada, password="correct horse")


def test_a_refused_creation_keeps_what_was_typed_and_says_why_beside_the_field(hub, client):
    manager = factories.staff(hub, Role.MANAGER, with_password=True).agent
    sign_in(client, manager)
    before = len(hub.app.directory.agents(manager))
    bad = post_form(client, PAGE, {"name": "Bob", "email": "not an address",
                                   "role": "representative", "tier": "1"}, page=PAGE)
    assert bad.status_code == 422
    assert _error_beside(bad.text, "new-email") == "'not an address' is not an e-mail address"
    assert 'aria-invalid="true" aria-describedby="new-email-error"' in bad.text
    assert 'value="Bob"' in bad.text and "The agent was not created" in bad.text
    admin = post_form(client, PAGE, {"name": "Mal", "email": "mal@hubdesk.test",
                                     "role": "admin", "tier": "1"}, page=PAGE)
    assert admin.status_code == 422
    assert _error_beside(admin.text, "new-role") == "only administrators create administrators"
    short = post_form(client, PAGE, {"name": "Cy", "email": "cy@hubdesk.test",
                                     "role": "representative", "tier": "1",
                                     "password": "short"}, page=PAGE)
    assert _error_beside(short.text, "new-password") == \
        "the password needs at least 8 characters"
    taken = post_form(client, PAGE, {"name": "Twin", "email": manager.email,
                                     "role": "representative", "tier": "1"}, page=PAGE)
    assert taken.status_code == 409 and "already exists" in taken.text
    assert len(hub.app.directory.agents(manager)) == before


def test_an_administrator_changes_an_agents_details(hub, client):
    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    first, second = factories.team(hub, "First line"), factories.team(hub, "Second line")
    billing = factories.department(hub, "Billing")
    rep = factories.staff(hub, teams=(first,)).agent
    sign_in(client, admin)
    page = client.get(f"{PAGE}/{rep.id}")
    assert f'value="{rep.email}"' in page.text
    saved = post_form(client, f"{PAGE}/{rep.id}", {
        "name": "Renamed", "email": "renamed@hubdesk.test", "role": "liaison", "tier": "3",
        "team_ids": str(second.id), "department_ids": str(billing.id)},
        page=f"{PAGE}/{rep.id}")
    assert "Renamed saved." in saved.text
    changed = hub.app.directory.agent(admin, rep.id)
    assert (changed.name, changed.email, changed.role, changed.tier) == (
        "Renamed", "renamed@hubdesk.test", Role.LIAISON, 3)
    assert (changed.team_ids, changed.department_ids) == ({second.id}, {billing.id})
    blank = post_form(client, f"{PAGE}/{rep.id}", {
        "name": " ", "email": "renamed@hubdesk.test", "role": "liaison", "tier": "3"},
        page=f"{PAGE}/{rep.id}")
    assert blank.status_code == 422
    assert _error_beside(blank.text, "edit-name") == "an agent needs a name"
    clash = post_form(client, f"{PAGE}/{rep.id}", {
        "name": "Renamed", "email": admin.email, "role": "liaison", "tier": "3"},
        page=f"{PAGE}/{rep.id}")
    assert clash.status_code == 409 and "already exists" in clash.text
    assert hub.app.directory.agent(admin, rep.id).email == "renamed@hubdesk.test"


def test_a_manager_is_refused_an_administrators_credentials(hub, client):
    manager = factories.staff(hub, Role.MANAGER, with_password=True).agent
    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    sign_in(client, manager)
    at = f"{PAGE}/{admin.id}"
    password = post_form(client, f"{at}/password", {"password": "taken over!",
                                                    "password_again": "taken over!"}, page=at)
    assert password.status_code == 403
    assert "only an administrator changes the password of a admin account" in password.text
    email = post_form(client, at, {"name": admin.name, "email": "mine@hubdesk.test",
                                   "role": "admin", "tier": "1"}, page=at)
    assert email.status_code == 403 and "changes the email" in email.text
    off = post_form(client, f"{at}/active", {"active": "no"}, page=at)
    assert off.status_code == 403
    kept = hub.app.directory.agent(manager, admin.id)
    assert (kept.email, kept.active) == (admin.email, True)
    with TestClient(create_app(hub)) as own:
        sign_in(own, admin)  # the old password still works
    renamed = post_form(client, at, {"name": "The administrator", "email": admin.email,
                                     "role": "admin", "tier": "1"}, page=at)
    assert "The administrator saved." in renamed.text  # the name is no credential


def test_a_new_password_and_a_deactivation_sign_the_agent_out_everywhere(hub, client):
    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    rep = factories.staff(hub, with_password=True).agent
    at = f"{PAGE}/{rep.id}"
    with TestClient(create_app(hub)) as theirs:
        sign_in(theirs, rep)
        sign_in(client, admin)
        short = post_form(client, f"{at}/password", {"password": "short",
                                                     "password_again": "short"}, page=at)
        assert _error_beside(short.text, "set-password") == \
            "the password needs at least 8 characters"
        differ = post_form(client, f"{at}/password", {"password": "long enough",
                                                      "password_again": "long enougj"},
                           page=at)
        assert _error_beside(differ.text, "set-password-again") == "the two passwords differ"
        assert theirs.get("/tickets", follow_redirects=False).status_code == 200
        done = post_form(client, f"{at}/password", {"password": "long enough",
                                                    "password_again": "long enough"}, page=at)
        assert f"New password set for {rep.name}" in done.text
        assert theirs.get("/tickets", follow_redirects=False).status_code == 303
        sign_in(theirs, rep, password="long enough")
        off = post_form(client, f"{at}/active", {"active": "no"}, page=at)
        assert f"{rep.name} deactivated: signed out everywhere." in off.text
        assert f"Reactivate {rep.name}" in off.text
        assert theirs.get("/tickets", follow_redirects=False).status_code == 303
        on = post_form(client, f"{at}/active", {"active": "yes"}, page=at)
        assert f"{rep.name} reactivated." in on.text
        assert hub.app.directory.agent(admin, rep.id).active


def test_ones_own_password_is_not_set_from_the_screen(hub, client):
    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    sign_in(client, admin)
    own = client.get(f"{PAGE}/{admin.id}")
    assert f'action="{PAGE}/{admin.id}/password"' not in own.text
    assert 'href="/logout">sign out everywhere</a>' in own.text
    refused = post_form(client, f"{PAGE}/{admin.id}/password",
                        {"password": "new secret", "password_again": "new secret"},
                        page=f"{PAGE}/{admin.id}")
    assert refused.status_code == 403 and "needs your current one" in refused.text
