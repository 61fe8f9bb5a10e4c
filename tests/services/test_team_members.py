"""Adding an agent to a team and taking them out of it, one use case on both databases: the
agent's other teams stay, and a refusal changes nothing."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import NotFound, PermissionDenied
from tests import factories


def test_joining_and_leaving_one_team_keeps_the_others(hub):
    manager = factories.staff(hub, Role.MANAGER).agent
    billing, returns = factories.team(hub, "Billing"), factories.team(hub, "Returns")
    rep = factories.staff(hub, teams=(billing,)).agent
    joined = hub.app.directory.set_team_member(manager, returns.id, rep.id, True)
    assert joined.team_ids == {billing.id, returns.id}
    left = hub.app.directory.set_team_member(manager, billing.id, rep.id, False)
    assert left.team_ids == {returns.id}
    assert hub.app.directory.agent(manager, rep.id).team_ids == {returns.id}


def test_a_coordinator_may_not_change_teams_and_nothing_changes(hub):
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    billing = factories.team(hub, "Billing")
    rep = factories.staff(hub).agent
    with pytest.raises(PermissionDenied):
        hub.app.directory.set_team_member(coordinator, billing.id, rep.id, True)
    assert hub.app.directory.agent(coordinator, rep.id).team_ids == frozenset()


def test_an_unknown_team_or_agent_is_not_found(hub):
    manager = factories.staff(hub, Role.MANAGER).agent
    billing = factories.team(hub, "Billing")
    rep = factories.staff(hub).agent
    with pytest.raises(NotFound, match="team 999999 was not found"):
        hub.app.directory.set_team_member(manager, 999999, rep.id, True)
    with pytest.raises(NotFound, match="agent 999999 was not found"):
        hub.app.directory.set_team_member(manager, billing.id, 999999, True)
