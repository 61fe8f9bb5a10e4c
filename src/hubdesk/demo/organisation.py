"""The demo organisation's structure and customers, created through the directory services."""

from __future__ import annotations

import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from hubdesk.bootstrap import Hub
from hubdesk.demo import people
from hubdesk.domain.agents import Agent, Department, Role, Team
from hubdesk.domain.customers import Customer, Organisation
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.directory import AgentInput, CustomerInput


@dataclass
class Structure:
    teams: dict[str, Team]
    departments: dict[str, Department]
    agents: dict[str, Agent]  # by e-mail

    def staff(self, local: str) -> Agent:
        return self.agents[f"{local}@{people.DEMO_DOMAIN}"]

    @property
    def admin(self) -> Agent:
        return self.agents[people.ADMIN_EMAIL]

    def members(self, team: str, *roles: Role) -> list[Agent]:
        team_id = self.teams[team].id
        wanted = roles or (Role.REPRESENTATIVE,)
        return [a for a in self.agents.values() if team_id in a.team_ids and a.role in wanted]

    def lead(self, team: str) -> Agent | None:
        leads = self.members(team, Role.TEAM_LEAD)
        return leads[0] if leads else None

    def liaisons(self, department: str) -> list[Agent]:
        department_id = self.departments[department].id
        return [a for a in self.agents.values()
                if a.role is Role.LIAISON and department_id in a.department_ids]

    def by_role(self, role: Role) -> list[Agent]:
        return [a for a in self.agents.values() if a.role is role]


def build_structure(hub: Hub, *, password: str | None) -> Structure:
    """Teams, departments and the ~20 staff members; what already exists is kept.

    One person per role gets ``password`` and can sign in to the console (see
    ``people.SIGN_IN``); the others exist for assignment and history.
    """
    teams = {t.name: t for t in hub.app.directory.teams(LOCAL_OPERATOR)}
    for name, description in people.TEAMS:
        if name not in teams:
            teams[name] = hub.app.directory.create_team(LOCAL_OPERATOR,
                                                        Team(None, name, description))
    departments = {d.name: d for d in hub.app.directory.departments(LOCAL_OPERATOR)}
    for name, description, email in people.DEPARTMENTS:
        if name not in departments:
            departments[name] = hub.app.directory.create_department(LOCAL_OPERATOR,
                                                Department(None, name, description, email))
    agents = {a.email: a for a in hub.app.directory.agents(LOCAL_OPERATOR)}
    missing = [m for m in people.STAFF if m.email not in agents]
    # Password hashing is slow on purpose (argon2); the sign-in accounts hash side by side.
    with ThreadPoolExecutor(max_workers=2) as pool:
        created = pool.map(lambda m: _create_member(hub, m, teams, departments, password),
                           missing)
        agents.update((a.email, a) for a in created)
    return Structure(teams, departments, agents)


def _create_member(hub: Hub, member: people.StaffMember, teams: dict[str, Team],
                   departments: dict[str, Department], password: str | None) -> Agent:
    return hub.app.directory.create_agent(LOCAL_OPERATOR, AgentInput(
        fields_set=frozenset(), email=member.email, name=member.name, role=member.role,
        tier=member.tier, team_ids=frozenset(_ids(teams, member.teams)),
        department_ids=frozenset(_ids(departments, member.departments)),
        languages=member.languages, skills=member.skills,
        password=password if member.signs_in else None))


def _ids(groups: dict[str, Team] | dict[str, Department], names: tuple[str, ...]) -> list[int]:
    found = [groups[n].id for n in names]
    return [i for i in found if i is not None]


@dataclass
class Clientele:
    """The customers, each with the persona that decides how they write."""

    customers: list[tuple[Customer, people.Person]] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)

    def pick(self, rng: random.Random) -> tuple[Customer, people.Person]:
        return rng.choices(self.customers, weights=self.weights)[0]


def build_organisations(hub: Hub) -> dict[str, int]:
    ids: dict[str, int] = {}
    for name, domain, tier, _language in people.ORGANISATIONS:
        organisation = hub.app.directory.create_organisation(LOCAL_OPERATOR, Organisation(
            None, name, (domain,), tier, notes=f"Account since {2019 + len(ids) % 6}"))
        assert organisation.id is not None
        ids[name] = organisation.id
    return ids


def build_customers(hub: Hub, rng: random.Random, count: int, organisations: dict[str, int],
                    *, on_customer: Callable[[], None] | None = None) -> Clientele:
    clientele = Clientele()
    for serial in range(1, count + 1):
        person = people.make_person(rng, serial)
        customer = hub.app.directory.create_customer(LOCAL_OPERATOR, CustomerInput(
            fields_set=frozenset(), name=person.name, emails=(person.email,),
            phones=(person.phone,) if person.phone else (),
            organisation_id=organisations.get(person.organisation or ""), tier=person.tier,
            language=person.language,
            notes="Prefers phone calls" if person.phone and rng.random() < 0.2 else "",
            custom_fields={"customer_since": 2015 + rng.randint(0, 10)}))
        clientele.customers.append((customer, person))
        # A few customers write a lot, most write once or twice.
        clientele.weights.append(rng.paretovariate(1.6))
        if on_customer is not None:
            on_customer()
    return clientele
