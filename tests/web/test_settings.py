"""The settings screens on both databases: teams and members, an agent's routing profile, the
desk's routing configuration. Each renders for those who oversee the desk, is refused to a
representative, saves a valid change through the API's use case, and answers an invalid one
with the message beside its field and nothing saved."""

from __future__ import annotations

import html
import re

import pytest

from hubdesk.domain.agents import Role
from tests import factories
from tests.routing_desk import agent as routed_agent
from tests.routing_desk import configure
from tests.web.pages import post_form, sign_in
from tests.web.test_units_of_work import count_transactions


def _error_beside(page: str, field_id: str) -> str:
    """The text of the error shown right under the field ``field_id``."""
    marker = f'<p class="field-error" id="{field_id}-error" role="alert">'
    assert marker in page, f"no error beside {field_id}"
    return html.unescape(page.split(marker, 1)[1].split("</p>", 1)[0])


@pytest.mark.parametrize("url", ["/settings/teams", "/settings/routing",
                                 "/settings/calendars", "/settings/sla"])
def test_a_representative_is_refused_every_settings_screen(hub, client, url):
    rep = factories.staff(hub, with_password=True).agent
    sign_in(client, rep)
    assert 'href="/settings"' not in client.get("/tickets").text
    page = client.get(url)
    assert page.status_code == 403 and "Not for your role" in page.text


def test_a_representative_cannot_create_a_team(hub, client):
    rep = factories.staff(hub, with_password=True).agent
    sign_in(client, rep)
    answer = post_form(client, "/settings/teams", {"name": "Night shift"})
    assert answer.status_code == 403
    assert [t.name for t in hub.app.directory.teams(rep)] == []


def test_a_manager_creates_renames_and_staffs_a_team(hub, client):
    manager = factories.staff(hub, Role.MANAGER, with_password=True).agent
    rep = factories.staff(hub).agent
    sign_in(client, manager)
    assert '<a href="/settings">Settings</a>' in client.get("/tickets").text
    created = post_form(client, "/settings/teams", {"name": "  Night   shift ",
                                                    "description": "22–06"})
    assert created.status_code == 200 and "Team “Night shift” created." in created.text
    [team] = hub.app.directory.teams(manager)
    assert team.name == "Night shift" and team.description == "22–06"
    added = post_form(client, f"/settings/teams/{team.id}/members",
                      {"agent_id": str(rep.id)}, page="/settings/teams")
    assert f"{rep.name} added to the team." in added.text
    assert hub.app.directory.agent(manager, rep.id).team_ids == {team.id}
    section = added.text.split(f'id="team-{team.id}"', 1)[1].split("</section>", 1)[0]
    assert f'href="/settings/agents/{rep.id}/routing">{rep.name}</a>' in section
    renamed = post_form(client, f"/settings/teams/{team.id}", {"name": "Nights"},
                        page="/settings/teams")
    assert "Team renamed “Nights”." in renamed.text
    removed = post_form(client, f"/settings/teams/{team.id}/members",
                        {"agent_id": str(rep.id), "member": "no"}, page="/settings/teams")
    assert f"{rep.name} removed from the team." in removed.text
    assert hub.app.directory.agent(manager, rep.id).team_ids == frozenset()
    assert [t.name for t in hub.app.directory.teams(manager)] == ["Nights"]


def test_a_team_name_taken_or_blank_is_refused_beside_the_field(hub, client):
    manager = factories.staff(hub, Role.MANAGER, with_password=True).agent
    factories.team(hub, "Billing")
    other = factories.team(hub, "Returns")
    sign_in(client, manager)
    blank = post_form(client, "/settings/teams", {"name": "   "}, page="/settings/teams")
    assert blank.status_code == 422
    assert _error_beside(blank.text, "team-name") == "a team needs a name"
    clash = post_form(client, f"/settings/teams/{other.id}", {"name": "Billing"},
                      page="/settings/teams")
    assert clash.status_code == 409
    assert "a team named &#39;Billing&#39; already exists" in clash.text
    assert sorted(t.name for t in hub.app.directory.teams(manager)) == ["Billing", "Returns"]
    nobody = post_form(client, f"/settings/teams/{other.id}/members", {"agent_id": ""},
                       page="/settings/teams")
    assert nobody.status_code == 422
    assert _error_beside(nobody.text, f"add-{other.id}") == "choose an agent"


def test_a_coordinator_sees_teams_but_only_managers_change_them(hub, client):
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True).agent
    team = factories.team(hub, "Billing")
    sign_in(client, coordinator)
    assert "Billing" in client.get("/settings/teams").text
    refused = post_form(client, f"/settings/teams/{team.id}", {"name": "Money"},
                        page="/settings/teams")
    assert refused.status_code == 403
    assert "editing teams needs an administrator or a manager" in refused.text
    assert [t.name for t in hub.app.directory.teams(coordinator)] == ["Billing"]


def test_a_coordinator_sets_an_agents_skills_capacity_and_costs(hub, client):
    configure(hub)
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True).agent
    rep = factories.staff(hub).agent
    sign_in(client, coordinator)
    page = client.get(f"/settings/agents/{rep.id}/routing")
    assert page.status_code == 200 and "No routing profile yet" in page.text
    for skill in ("billing", "returns", "technical"):
        assert f'name="skill.{skill}"' in page.text
    saved = post_form(client, f"/settings/agents/{rep.id}/routing", {
        "skill.billing": "4", "skill.returns": "", "skill.technical": "2",
        "languages": "en, de", "tier": "2", "capacity": "6", "cost.chat": "2",
        "cost.email": "1", "cost.phone": ""}, page=f"/settings/agents/{rep.id}/routing")
    assert saved.status_code == 200 and "Routing profile saved." in saved.text
    [line] = [b for b in hub.app.routing.board(coordinator) if b.row.agent_id == rep.id]
    assert line.row.skills == {"billing": 4, "technical": 2}
    assert line.row.capacity == 6 and line.row.tier == 2
    assert set(line.row.languages) == {"en", "de"}
    assert line.row.channel_costs == {"chat": 2, "email": 1}


def test_an_unknown_skill_or_bad_capacity_is_refused_beside_its_field(hub, client):
    configure(hub)
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True).agent
    rep = routed_agent(hub, coordinator, {"billing": 3}, capacity=5)
    path = f"/settings/agents/{rep.agent.id}/routing"
    sign_in(client, coordinator)
    unknown = post_form(client, path, {"skill.juggling": "3", "tier": "1", "capacity": "5"},
                        page=path)
    assert unknown.status_code == 422
    assert "juggling" in _error_beside(unknown.text, "skills")
    words = post_form(client, path, {"skill.billing": "3", "tier": "1", "capacity": "lots"},
                      page=path)
    assert words.status_code == 422
    assert _error_beside(words.text, "capacity") == "capacity must be a whole number"
    assert 'value="lots"' in words.text  # what was typed stays to be corrected
    [line] = [b for b in hub.app.routing.board(coordinator) if b.row.agent_id == rep.agent.id]
    assert line.row.skills == {"billing": 3} and line.row.capacity == 5


def test_an_administrator_changes_the_routing_weights(hub, client):
    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    sign_in(client, admin)
    page = client.get("/settings/routing")
    assert page.status_code == 200
    assert 'name="weights.affinity" inputmode="decimal" maxlength="30" value="2"' in page.text
    form = _fields_of(page.text)
    form |= {"weights.affinity": "0.5", "known_skills": "billing, returns",
             "channel_costs.phone": "8"}
    saved = post_form(client, "/settings/routing", form, page="/settings/routing")
    assert saved.status_code == 200 and "Routing configuration saved." in saved.text
    document = hub.app.routing.config(admin)
    assert document["weights"]["affinity"] == 0.5
    assert document["known_skills"] == ["billing", "returns"]
    assert document["channel_costs"]["phone"] == 8


def test_an_invalid_weight_is_refused_beside_it_and_nothing_is_saved(hub, client):
    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    sign_in(client, admin)
    before = hub.app.routing.config(admin)
    form = _fields_of(client.get("/settings/routing").text)
    negative = post_form(client, "/settings/routing", form | {"weights.affinity": "-1",
                                                              "known_skills": "billing"},
                         page="/settings/routing")
    assert negative.status_code == 422
    assert "weights.affinity must be a finite number, zero or more" in _error_beside(
        negative.text, "f-weights.affinity")
    broken = post_form(client, "/settings/routing", form | {"categories": "{nope"},
                       page="/settings/routing")
    assert broken.status_code == 422
    assert _error_beside(broken.text, "f-categories").startswith("categories: not valid JSON")
    assert hub.app.routing.config(admin) == before


def test_a_coordinator_reads_the_routing_configuration_but_may_not_change_it(hub, client):
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True).agent
    sign_in(client, coordinator)
    form = _fields_of(client.get("/settings/routing").text)
    refused = post_form(client, "/settings/routing", form | {"weights.affinity": "1"},
                        page="/settings/routing")
    assert refused.status_code == 403
    assert "changing the routing configuration needs an administrator" in refused.text


def test_the_settings_screens_read_in_one_unit_of_work(hub, client):
    configure(hub)
    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    factories.team(hub, "Billing")
    rep = factories.staff(hub).agent
    sign_in(client, admin)
    for url in ("/settings/teams", f"/settings/agents/{rep.id}/routing", "/settings/routing",
                "/settings/calendars", "/settings/sla"):
        with count_transactions(hub.engine) as begun:
            assert client.get(url).status_code == 200, url
        assert len(begun) == 2, url  # the session check, and the screen


def _fields_of(page: str) -> dict[str, str]:
    """The named inputs and text areas of the settings form on ``page``, with their values."""
    form = page.split('class="stack settings-form">', 1)[1].split("</form>", 1)[0]
    fields = {m[0]: html.unescape(m[1]) for m in
              re.findall(r'<input id="[^"]+" name="([^"]+)"[^>]*value="([^"]*)"', form)}
    fields |= {m[0]: html.unescape(m[1]) for m in
               re.findall(r'<textarea id="[^"]+" name="([^"]+)"[^>]*>(.*?)</textarea>', form,
                          re.S)}
    return fields


def test_an_administrator_sets_a_teams_time_zone_on_the_teams_screen(hub, client):
    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    team = factories.team(hub, "East")
    sign_in(client, admin)
    page = client.get("/settings/teams")
    assert f'id="zone-{team.id}"' in page.text and '<option value="Asia/Tokyo">' in page.text
    bad = post_form(client, f"/settings/teams/{team.id}/time-zone",
                    {"time_zone": "Mars/Olympus"}, page="/settings/teams")
    assert bad.status_code == 422
    assert "Mars/Olympus" in _error_beside(bad.text, f"zone-{team.id}")
    assert hub.app.directory.teams(admin)[0].time_zone is None
    done = post_form(client, f"/settings/teams/{team.id}/time-zone",
                     {"time_zone": "Asia/Tokyo"}, page="/settings/teams")
    assert "“East” plans in Asia/Tokyo." in done.text
    assert hub.app.directory.teams(admin)[0].time_zone == "Asia/Tokyo"
    cleared = post_form(client, f"/settings/teams/{team.id}/time-zone", {"time_zone": ""},
                        page="/settings/teams")
    assert "“East” plans in the desk's time zone." in html.unescape(cleared.text)
    assert hub.app.directory.teams(admin)[0].time_zone is None


def test_a_manager_sees_a_teams_time_zone_but_cannot_change_it(hub, client):
    admin = factories.staff(hub, Role.ADMIN).agent
    manager = factories.staff(hub, Role.MANAGER, with_password=True).agent
    team = factories.team(hub, "East")
    hub.app.directory.update_team(admin, team.id, time_zone="Asia/Tokyo")
    sign_in(client, manager)
    page = client.get("/settings/teams")
    assert "Plans in Asia/Tokyo." in page.text and f'id="zone-{team.id}"' not in page.text
    refused = post_form(client, f"/settings/teams/{team.id}/time-zone", {"time_zone": ""},
                        page="/settings/teams")
    assert refused.status_code == 403
    assert hub.app.directory.teams(admin)[0].time_zone == "Asia/Tokyo"
