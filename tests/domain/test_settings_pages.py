from hubdesk.domain.agents import Agent, Role
from hubdesk.domain.settings_pages import settings_pages


def _paths(role: Role) -> set[str]:
    agent = Agent(id=1, email="a@example.com", name="A", role=role)
    return {path for path, _ in settings_pages(agent)}


def test_each_role_is_offered_the_settings_pages_its_use_cases_allow():
    everyone = {"/settings/teams", "/settings/agents", "/settings/routing"}
    managed = {"/settings/calendars", "/settings/sla", "/settings/mail"}
    assert _paths(Role.ADMIN) == everyone | managed | {"/settings/departments"}
    assert _paths(Role.MANAGER) == everyone | managed
    for role in (Role.COORDINATOR, Role.TEAM_LEAD, Role.REPRESENTATIVE):
        assert _paths(role) == everyone
