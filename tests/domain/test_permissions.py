from datetime import UTC, datetime

import pytest

from hubdesk.domain.agents import Agent, Role
from hubdesk.domain.errors import NotFound, PermissionDenied
from hubdesk.domain.permissions import (
    DirectoryKind,
    TicketAction,
    allowed_actions,
    check_assignment,
    check_directory_write,
    check_ticket,
    offered_assignees,
    ticket_scope,
)
from hubdesk.domain.tickets import Status, Ticket

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def agent(role: Role, agent_id: int = 1, teams=(), departments=(), active=True) -> Agent:
    return Agent(id=agent_id, email=f"{agent_id}@x.test", name="A", role=role, active=active,
                 team_ids=frozenset(teams), department_ids=frozenset(departments))


def ticket(team=None, department=None, assignee=None) -> Ticket:
    return Ticket(id=10, subject="s", requester_id=1, created_at=T0, updated_at=T0,
                  team_id=team, department_id=department, assignee_id=assignee)


def test_representatives_see_their_teams_and_their_own_tickets_only():
    rep = agent(Role.REPRESENTATIVE, 1, teams=[1])
    check_ticket(rep, ticket(team=1), TicketAction.PUBLIC_REPLY)
    check_ticket(rep, ticket(team=2, assignee=1), TicketAction.VIEW)
    with pytest.raises(NotFound):
        check_ticket(rep, ticket(team=2), TicketAction.VIEW)
    with pytest.raises(NotFound):
        check_ticket(rep, ticket(), TicketAction.VIEW)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MANAGER, Role.ADMIN])
def test_overseers_see_everything(role):
    check_ticket(agent(role), ticket(team=99), TicketAction.MERGE)


def test_liaisons_see_only_handed_off_work_and_only_add_notes():
    liaison = agent(Role.LIAISON, departments=[4])
    check_ticket(liaison, ticket(department=4), TicketAction.INTERNAL_NOTE)
    with pytest.raises(PermissionDenied):
        check_ticket(liaison, ticket(department=4), TicketAction.PUBLIC_REPLY)
    with pytest.raises(NotFound):
        check_ticket(liaison, ticket(team=1), TicketAction.VIEW)


def test_inactive_agents_see_nothing():
    with pytest.raises(NotFound):
        check_ticket(agent(Role.ADMIN, active=False), ticket(), TicketAction.VIEW)
    assert not ticket_scope(agent(Role.ADMIN, active=False)).everything


def test_representatives_cannot_merge():
    with pytest.raises(PermissionDenied):
        check_ticket(agent(Role.REPRESENTATIVE, teams=[1]), ticket(team=1), TicketAction.MERGE)
    check_ticket(agent(Role.TEAM_LEAD, teams=[1]), ticket(team=1), TicketAction.MERGE)


def test_assignment_rules_by_role():
    rep = agent(Role.REPRESENTATIVE, 1, teams=[1])
    colleague = agent(Role.REPRESENTATIVE, 2, teams=[1])
    outsider = agent(Role.REPRESENTATIVE, 3, teams=[2])
    check_assignment(rep, ticket(team=1), rep, None)
    with pytest.raises(PermissionDenied):
        check_assignment(rep, ticket(team=1), colleague, None)
    with pytest.raises(PermissionDenied):
        check_assignment(rep, ticket(team=1, assignee=2), None, None)
    lead = agent(Role.TEAM_LEAD, 5, teams=[1])
    check_assignment(lead, ticket(team=1), colleague, None)
    with pytest.raises(PermissionDenied):
        check_assignment(lead, ticket(team=1), outsider, None)
    with pytest.raises(PermissionDenied):
        check_assignment(lead, ticket(team=1), None, 2)
    check_assignment(agent(Role.COORDINATOR), ticket(team=1), outsider, 2)


def test_directory_writes():
    check_directory_write(agent(Role.REPRESENTATIVE), DirectoryKind.CUSTOMERS)
    check_directory_write(agent(Role.MANAGER), DirectoryKind.AGENTS)
    check_directory_write(agent(Role.ADMIN), DirectoryKind.DEPARTMENTS)
    for role, kind in [(Role.LIAISON, DirectoryKind.CUSTOMERS),
                       (Role.REPRESENTATIVE, DirectoryKind.TEAMS),
                       (Role.MANAGER, DirectoryKind.DEPARTMENTS),
                       (Role.COORDINATOR, DirectoryKind.AGENTS)]:
        with pytest.raises(PermissionDenied):
            check_directory_write(agent(role), kind)


BLOCKERS = frozenset({Role.COORDINATOR, Role.MANAGER, Role.ADMIN})


def test_allowed_actions_follow_the_same_checks_as_the_use_cases():
    rep = agent(Role.REPRESENTATIVE, 1, teams=[1])
    mine = allowed_actions(rep, ticket(team=1), blocking_roles=BLOCKERS)
    assert TicketAction.PUBLIC_REPLY in mine and TicketAction.ESCALATE in mine
    assert TicketAction.MERGE not in mine and TicketAction.BLOCK_SENDER not in mine
    assert allowed_actions(rep, ticket(team=2), blocking_roles=BLOCKERS) == frozenset()

    liaison = agent(Role.LIAISON, 2, departments=[5])
    handed_off = allowed_actions(liaison, ticket(department=5), blocking_roles=BLOCKERS)
    assert handed_off == {TicketAction.VIEW, TicketAction.INTERNAL_NOTE, TicketAction.ESCALATE}

    coordinator = agent(Role.COORDINATOR, 3)
    everything = allowed_actions(coordinator, ticket(team=1), blocking_roles=BLOCKERS)
    assert {TicketAction.MERGE, TicketAction.BLOCK_SENDER, TicketAction.ASSIGN} <= everything
    assert TicketAction.REVEAL_ORIGINAL not in everything
    sensitive = Agent(id=4, email="4@x.test", name="S", role=Role.COORDINATOR,
                      sensitive_access=True)
    assert TicketAction.REVEAL_ORIGINAL in allowed_actions(sensitive, ticket(),
                                                           blocking_roles=BLOCKERS)


def test_a_closed_or_merged_ticket_is_history_only():
    coordinator = agent(Role.COORDINATOR, 3)
    closed = ticket(team=1)
    closed.status = Status.CLOSED
    merged = ticket(team=1)
    merged.merged_into_id = 11
    for settled in (closed, merged):
        assert allowed_actions(coordinator, settled, blocking_roles=BLOCKERS) == {
            TicketAction.VIEW, TicketAction.BLOCK_SENDER}


def test_the_assignees_offered_are_active_ticket_workers_within_a_leads_teams():
    people = [agent(Role.REPRESENTATIVE, 2, teams=(1,)), agent(Role.REPRESENTATIVE, 3, teams=(2,)),
              agent(Role.LIAISON, 4, teams=(1,)), agent(Role.TEAM_LEAD, 5, teams=(1,)),
              agent(Role.REPRESENTATIVE, 6, teams=(1,), active=False)]
    assert [a.id for a in offered_assignees(agent(Role.TEAM_LEAD, 9, teams=(1,)), people)] \
        == [2, 5]
    assert {a.id for a in offered_assignees(agent(Role.COORDINATOR, 9), people)} == {2, 3, 5}


def test_the_coordinators_told_are_the_active_ones_in_the_order_given():
    from hubdesk.domain.agents import active_coordinator_ids

    people = [agent(Role.COORDINATOR, 7), agent(Role.MANAGER, 3), agent(Role.COORDINATOR, 2),
              agent(Role.COORDINATOR, 5, active=False)]
    assert active_coordinator_ids(people) == [7, 2]
