"""Use cases for the people and groups around tickets: customers, agents, teams, departments."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from hubdesk.domain.agents import Agent, Department, Role, Team, team_time_zone
from hubdesk.domain.clock import utcnow
from hubdesk.domain.customers import (
    Customer,
    Identity,
    IdentityKind,
    Organisation,
    Tier,
    normalise_identity,
    search_spelling,
)
from hubdesk.domain.errors import Conflict, NotFound, ValidationFailed
from hubdesk.domain.permissions import (
    DirectoryKind,
    check_account_change,
    check_admin,
    check_agent_grant,
    check_directory_read,
    check_directory_write,
)
from hubdesk.domain.sla.ticket_rules import CUSTOMER_MATCHED_FIELDS
from hubdesk.services.auth import hash_password
from hubdesk.services.ports import DuplicateKey, UnitOfWork, UnitOfWorkFactory
from hubdesk.services.sla_rematch import rematch_customer


@dataclass(frozen=True)
class CustomerInput:
    fields_set: frozenset[str]
    name: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    chat_handles: tuple[str, ...] = ()
    organisation_id: int | None = None
    tier: Tier = Tier.STANDARD
    language: str | None = None
    notes: str = ""
    custom_fields: dict[str, Any] = field(default_factory=dict)


def _identities(data: CustomerInput) -> list[Identity]:
    found: list[Identity] = []
    for kind, values in ((IdentityKind.EMAIL, data.emails), (IdentityKind.PHONE, data.phones),
                         (IdentityKind.CHAT, data.chat_handles)):
        for value in values:
            identity = Identity(kind, normalise_identity(kind, value))
            if identity not in found:
                found.append(identity)
    return found


def _check_identities_free(uow: UnitOfWork, identities: list[Identity],
                           customer_id: int | None) -> None:
    for identity in identities:
        owner = uow.customers.find_by_identity(identity)
        if owner is not None and owner.id != customer_id:
            raise Conflict(f"{identity.value} already belongs to customer {owner.id}; "
                           "merge the customers instead")


def create_customer(uows: UnitOfWorkFactory, actor: Agent, data: CustomerInput) -> Customer:
    check_directory_write(actor, DirectoryKind.CUSTOMERS)
    name = (data.name or "").strip()
    if not name:
        raise ValidationFailed("a customer needs a name", {"name": "required"})
    identities = _identities(data)
    customer = Customer(id=None, name=name[:200], identities=identities,
                        organisation_id=data.organisation_id, tier=data.tier,
                        language=data.language, notes=data.notes,
                        custom_fields=dict(data.custom_fields))
    with uows() as uow:
        _check_organisation(uow, data.organisation_id)
        _check_identities_free(uow, identities, None)
        uow.customers.add(customer, utcnow())
        uow.commit()
    return customer


def _check_organisation(uow: UnitOfWork, organisation_id: int | None) -> None:
    if organisation_id is not None and uow.customers.get_organisation(organisation_id) is None:
        raise ValidationFailed("that organisation does not exist", {"organisation_id": "unknown"})


def update_customer(uows: UnitOfWorkFactory, actor: Agent, customer_id: int,
                    data: CustomerInput) -> Customer:
    check_directory_write(actor, DirectoryKind.CUSTOMERS)
    with uows() as uow:
        customer = uow.customers.get(customer_id)
        if customer is None:
            raise NotFound(f"customer {customer_id} was not found")
        fields = data.fields_set
        if "name" in fields:
            if not (data.name or "").strip():
                raise ValidationFailed("a customer needs a name", {"name": "required"})
            customer.name = (data.name or "").strip()[:200]
        if fields & {"emails", "phones", "chat_handles"}:
            kept = [i for i in customer.identities if _kind_field(i.kind) not in fields]
            customer.identities = kept + _identities(data)
            _check_identities_free(uow, customer.identities, customer_id)
        if "organisation_id" in fields:
            _check_organisation(uow, data.organisation_id)
        matched_before = [getattr(customer, name) for name in CUSTOMER_MATCHED_FIELDS]
        for name in ("organisation_id", "tier", "language", "notes", "custom_fields"):
            if name in fields:
                setattr(customer, name, getattr(data, name))
        at = utcnow()
        uow.customers.save(customer, at)
        if matched_before != [getattr(customer, name) for name in CUSTOMER_MATCHED_FIELDS]:
            rematch_customer(uow, customer_id, at)  # SLA policies read them
        uow.commit()
    return customer


def _kind_field(kind: IdentityKind) -> str:
    return {"email": "emails", "phone": "phones", "chat": "chat_handles"}[kind.value]


def get_customer(uows: UnitOfWorkFactory, actor: Agent, customer_id: int) -> Customer:
    check_directory_read(actor, DirectoryKind.CUSTOMERS)
    with uows(write=False) as uow:
        customer = uow.customers.get(customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} was not found")
    return customer


def list_customers(uows: UnitOfWorkFactory, actor: Agent, query: str | None = None,
                   limit: int = 50, after_id: int | None = None) -> list[Customer]:
    check_directory_read(actor, DirectoryKind.CUSTOMERS)
    with uows(write=False) as uow:
        return uow.customers.page(search_spelling(query) if query else query,
                                  max(1, min(limit, 200)), after_id)


def create_organisation(uows: UnitOfWorkFactory, actor: Agent,
                        organisation: Organisation) -> Organisation:
    check_directory_write(actor, DirectoryKind.CUSTOMERS)
    try:
        with uows() as uow:
            uow.customers.add_organisation(organisation, utcnow())
            uow.commit()
    except DuplicateKey as error:
        raise Conflict(f"an organisation named {organisation.name!r} exists") from error
    return organisation


@dataclass(frozen=True)
class AgentInput:
    fields_set: frozenset[str]
    email: str | None = None
    name: str | None = None
    role: Role = Role.REPRESENTATIVE
    tier: int = 1
    active: bool = True
    team_ids: frozenset[int] = frozenset()
    department_ids: frozenset[int] = frozenset()
    languages: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    sensitive_access: bool = False
    password: str | None = None


def _check_groups(uow: UnitOfWork, data: AgentInput) -> None:
    known_teams = {t.id for t in uow.structure.teams()}
    known_departments = {d.id for d in uow.structure.departments()}
    if unknown := data.team_ids - known_teams:
        raise ValidationFailed(f"unknown teams: {sorted(unknown)}", {"team_ids": "unknown"})
    if unknown := data.department_ids - known_departments:
        raise ValidationFailed(f"unknown departments: {sorted(unknown)}",
                               {"department_ids": "unknown"})
    if not 1 <= data.tier <= 3:
        raise ValidationFailed("tier is 1, 2 or 3", {"tier": "out of range"})


def create_agent(uows: UnitOfWorkFactory, actor: Agent, data: AgentInput) -> Agent:
    check_directory_write(actor, DirectoryKind.AGENTS)
    if not data.email or not (data.name or "").strip():
        raise ValidationFailed("an agent needs an e-mail and a name",
                               {"email": "required", "name": "required"})
    check_agent_grant(actor, data.fields_set, data.role)
    email = normalise_identity(IdentityKind.EMAIL, data.email)
    password_hash = hash_password(data.password) if data.password else None
    agent = Agent(id=None, email=email, name=(data.name or "").strip()[:200], role=data.role,
                  tier=data.tier, active=data.active, team_ids=data.team_ids,
                  department_ids=data.department_ids, languages=data.languages,
                  skills=data.skills, sensitive_access=data.sensitive_access)
    with uows() as uow:
        _check_groups(uow, data)
        if uow.agents.get_by_email(email) is not None:
            raise Conflict(f"an agent with the e-mail {email} already exists")
        uow.agents.add(agent, password_hash, utcnow())
        uow.commit()
    return agent


def update_agent(uows: UnitOfWorkFactory, actor: Agent, agent_id: int,
                 data: AgentInput) -> Agent:
    check_directory_write(actor, DirectoryKind.AGENTS)
    with uows() as uow:
        agent = uow.agents.get(agent_id)
        if agent is None:
            raise NotFound(f"agent {agent_id} was not found")
        check_agent_grant(actor, data.fields_set, data.role, agent)
        check_account_change(actor, agent, data.fields_set
                             - (frozenset() if data.password else frozenset({"password"})))
        merged = AgentInput(
            fields_set=data.fields_set,
            team_ids=data.team_ids if "team_ids" in data.fields_set else agent.team_ids,
            department_ids=(data.department_ids if "department_ids" in data.fields_set
                            else agent.department_ids),
            tier=data.tier if "tier" in data.fields_set else agent.tier)
        _check_groups(uow, merged)
        changes: dict[str, Any] = {n: getattr(data, n) for n in
                                   ("name", "role", "tier", "active", "team_ids",
                                    "department_ids", "languages", "skills",
                                    "sensitive_access")
                                   if n in data.fields_set}
        if "name" in changes:
            changes["name"] = (data.name or "").strip()[:200]
            if not changes["name"]:
                raise ValidationFailed("an agent needs a name", {"name": "required"})
        if "email" in data.fields_set and data.email:
            changes["email"] = normalise_identity(IdentityKind.EMAIL, data.email)
            holder = uow.agents.get_by_email(changes["email"])
            if holder is not None and holder.id != agent_id:
                raise Conflict(f"an agent with the e-mail {changes['email']} already exists")
        was_active = agent.active
        agent = replace(agent, **changes)
        password_hash = hash_password(data.password) if data.password else None
        uow.agents.save(agent, password_hash)
        if agent.id is not None and (password_hash or (was_active and not agent.active)):
            # A new password or a deactivation ends every console session at once.
            uow.sessions.revoke_all(agent.id, utcnow())
        uow.commit()
    return agent


def list_agents(uows: UnitOfWorkFactory, actor: Agent) -> list[Agent]:
    check_directory_read(actor, DirectoryKind.AGENTS)
    with uows(write=False) as uow:
        return uow.agents.all()


def get_agent(uows: UnitOfWorkFactory, actor: Agent, agent_id: int) -> Agent:
    check_directory_read(actor, DirectoryKind.AGENTS)
    with uows(write=False) as uow:
        agent = uow.agents.get(agent_id)
    if agent is None:
        raise NotFound(f"agent {agent_id} was not found")
    return agent


def list_teams(uows: UnitOfWorkFactory, actor: Agent) -> list[Team]:
    check_directory_read(actor, DirectoryKind.TEAMS)
    with uows(write=False) as uow:
        return uow.structure.teams()


def create_team(uows: UnitOfWorkFactory, actor: Agent, team: Team) -> Team:
    """A new team; one given a time zone needs an administrator (see ``update_team``)."""
    check_directory_write(actor, DirectoryKind.TEAMS)
    team.name = group_name("team", team.name)
    if team.time_zone is not None:
        check_admin(actor, "setting a team's time zone")
        team.time_zone = team_time_zone(team.time_zone)
    with unique_name("team", team.name), uows() as uow:
        uow.structure.add_team(team)
        uow.commit()
    return team


def update_team(uows: UnitOfWorkFactory, actor: Agent, team_id: int, *,
                name: str | None = None, description: str | None = None,
                time_zone: str | None = None) -> Team:
    """Change the fields given; the others keep their values. ``time_zone`` is an IANA name
    the team's workforce planning follows, or "" for the desk's; changing it needs an
    administrator, since it moves every shift template and forecast day of the team."""
    check_directory_write(actor, DirectoryKind.TEAMS)
    zone = None
    if time_zone is not None:
        check_admin(actor, "setting a team's time zone")
        zone = team_time_zone(time_zone)
    with unique_name("team", name), uows() as uow:
        team = uow.structure.get_team(team_id)
        if team is None:
            raise NotFound(f"team {team_id} was not found")
        if name is not None:
            team.name = group_name("team", name)
        if description is not None:
            team.description = description
        if time_zone is not None:
            team.time_zone = zone
        uow.structure.save_team(team)
        uow.commit()
    return team


def set_team_member(uows: UnitOfWorkFactory, actor: Agent, team_id: int, agent_id: int,
                    member: bool) -> Agent:
    """Add an agent to a team or take them out of it; their other teams stay as they are
    (read in the same transaction, never taken from an older page)."""
    check_directory_write(actor, DirectoryKind.TEAMS)
    check_directory_write(actor, DirectoryKind.AGENTS)
    with uows() as uow:
        if uow.structure.get_team(team_id) is None:
            raise NotFound(f"team {team_id} was not found")
        agent = uow.agents.get(agent_id)
        if agent is None:
            raise NotFound(f"agent {agent_id} was not found")
        teams = agent.team_ids | {team_id} if member else agent.team_ids - {team_id}
        agent = replace(agent, team_ids=frozenset(teams))
        uow.agents.save(agent)
        uow.commit()
    return agent

def list_departments(uows: UnitOfWorkFactory, actor: Agent) -> list[Department]:
    check_directory_read(actor, DirectoryKind.DEPARTMENTS)
    with uows(write=False) as uow:
        return uow.structure.departments()


def create_department(uows: UnitOfWorkFactory, actor: Agent,
                      department: Department) -> Department:
    check_directory_write(actor, DirectoryKind.DEPARTMENTS)
    department.name = group_name("department", department.name)
    with unique_name("department", department.name), uows() as uow:
        uow.structure.add_department(department)
        uow.commit()
    return department


def update_department(uows: UnitOfWorkFactory, actor: Agent, department_id: int, *,
                      name: str | None = None, description: str | None = None,
                      email: str | None = None) -> Department:
    """Change the fields given; the others keep their values."""
    check_directory_write(actor, DirectoryKind.DEPARTMENTS)
    with unique_name("department", name), uows() as uow:
        department = uow.structure.get_department(department_id)
        if department is None:
            raise NotFound(f"department {department_id} was not found")
        if name is not None:
            department.name = group_name("department", name)
        if description is not None:
            department.description = description
        if email is not None:
            department.email = normalise_identity(IdentityKind.EMAIL, email)
        uow.structure.save_department(department)
        uow.commit()
    return department


def group_name(label: str, name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationFailed(f"a {label} needs a name", {"name": "required"})
    return cleaned[:120]


@contextmanager
def unique_name(label: str, name: str | None) -> Iterator[None]:
    """Team and department names are unique: a clash is a conflict the caller can fix."""
    try:
        yield
    except DuplicateKey as error:
        raise Conflict(f"a {label} named {name!r} already exists") from error
