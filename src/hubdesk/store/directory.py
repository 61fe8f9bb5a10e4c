"""Customers, organisations, agents, teams, departments and API tokens."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    Select,
    bindparam,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)

from hubdesk.domain.agents import Agent, Department, Role, Team
from hubdesk.domain.customers import (
    Customer,
    Identity,
    IdentityKind,
    Organisation,
    SenderBlock,
    Tier,
)
from hubdesk.domain.tokens import TokenGrant, TokenRecord, TokenScope
from hubdesk.store import tables as t
from hubdesk.store.driver import DriverStatement
from hubdesk.store.settings import SqlSettings
from hubdesk.store.types import among, json_dumps


def _customer_by_identity() -> Select[Any]:
    """One round trip: the matching identity finds the customer, a second join on the same
    table brings all of that customer's identities. Built once: intake runs it per contact."""
    matched = t.customer_identities.alias("matched")
    every = t.customer_identities.alias("every")
    return (select(t.customers, every.c.kind.label("identity_kind"),
                   every.c.value.label("identity_value"))
            .join(matched, matched.c.customer_id == t.customers.c.id)
            .join(every, every.c.customer_id == t.customers.c.id)
            .where(matched.c.kind == bindparam("kind"), matched.c.value == bindparam("value"))
            .order_by(every.c.id))


_BY_IDENTITY = _customer_by_identity()
# Built once: values passed as parameters skip the coercing and keying of written-in values.
_INSERT_CUSTOMER = insert(t.customers).returning(t.customers.c.id)
_INSERT_IDENTITY = insert(t.customer_identities)

_ADD_WITH_IDENTITIES = text("""
WITH added AS (
    INSERT INTO customers (name, organisation_id, tier, language, notes, custom_fields,
                           created_at, updated_at)
    VALUES (:name, :organisation_id, :tier, :language, :notes,
            CAST(:custom_fields AS jsonb), :at, :at)
    RETURNING id
), identified AS (
    INSERT INTO customer_identities (customer_id, kind, value)
    SELECT added.id, i.kind, i.value
    FROM added, jsonb_to_recordset(CAST(:identities AS jsonb)) AS i(kind text, value text)
)
SELECT id FROM added
""")

# Intake's "who is this?" in one round trip on PostgreSQL: the customer an identity names,
# with all their identities, or a new customer with that one identity. Rows: the found
# customer's (one per identity, `added_id` null), or a single row with only `added_id`. Two
# first contacts from one new address at once: the second meets the identity's unique key
# and its transaction is retried, as when looking up and adding were two statements. The
# settings' token rides along (`store/settings.py`): opening a ticket consults them next.
_FIND_OR_ADD = DriverStatement(text("""
WITH found AS (
    SELECT customer_id AS id FROM customer_identities WHERE kind = :kind AND value = :value
), added AS (
    INSERT INTO customers (name, organisation_id, tier, language, notes, custom_fields,
                           created_at, updated_at)
    SELECT :name, :organisation_id, :tier, :language, :notes,
           CAST(:custom_fields AS jsonb), :at, :at
    WHERE NOT EXISTS (SELECT 1 FROM found)
    RETURNING id
), identified AS (
    INSERT INTO customer_identities (customer_id, kind, value)
    SELECT added.id, :kind, :value FROM added
)
SELECT (SELECT id FROM added) AS added_id,
       (SELECT token FROM settings_versions WHERE id = 1) AS settings_token, customers.id,
       customers.name,
       customers.organisation_id, customers.tier, customers.language, customers.notes,
       customers.custom_fields, customers.blocked_at, customers.blocked_by_id,
       customers.block_reason, every.kind AS identity_kind, every.value AS identity_value
FROM (SELECT 1) AS one
LEFT JOIN found ON true
LEFT JOIN customers ON customers.id = found.id
LEFT JOIN customer_identities AS every ON every.customer_id = customers.id
ORDER BY every.id
"""))


def _block(row: Row[Any]) -> SenderBlock | None:
    if row.blocked_at is None:
        return None
    return SenderBlock(row.blocked_at, row.blocked_by_id, row.block_reason or "")


def _identified(rows: list[Row[Any]]) -> Customer:
    """A customer from rows of them joined to each of their identities."""
    r = rows[0]
    return Customer(id=int(r.id), name=r.name,
                    identities=[Identity(IdentityKind(x.identity_kind), x.identity_value)
                                for x in rows],
                    organisation_id=r.organisation_id, tier=Tier(r.tier),
                    language=r.language, notes=r.notes, custom_fields=dict(r.custom_fields),
                    blocked=_block(r))


class SqlCustomerRepository:
    def __init__(self, connection: Connection, settings: SqlSettings | None = None) -> None:
        self.db = connection
        self._settings = settings

    def _identities(self, customer_ids: list[int]) -> dict[int, list[Identity]]:
        found: dict[int, list[Identity]] = {}
        if not customer_ids:
            return found
        rows = self.db.execute(select(t.customer_identities)
                               .where(t.customer_identities.c.customer_id.in_(customer_ids))
                               .order_by(t.customer_identities.c.id)).all()
        for r in rows:
            found.setdefault(r.customer_id, []).append(Identity(IdentityKind(r.kind), r.value))
        return found

    def _from_rows(self, rows: list[Row[Any]]) -> list[Customer]:
        identities = self._identities([r.id for r in rows])
        return [Customer(id=r.id, name=r.name, identities=identities.get(r.id, []),
                         organisation_id=r.organisation_id, tier=Tier(r.tier),
                         language=r.language, notes=r.notes,
                         custom_fields=dict(r.custom_fields), blocked=_block(r)) for r in rows]

    def get(self, customer_id: int) -> Customer | None:
        rows = self.db.execute(select(t.customers).where(t.customers.c.id == customer_id)).all()
        return self._from_rows(list(rows))[0] if rows else None

    def get_many(self, customer_ids: Iterable[int]) -> dict[int, Customer]:
        rows = self.db.execute(select(t.customers).where(
            among(self.db, t.customers.c.id, sorted(set(customer_ids))))).all()
        return {c.id: c for c in self._from_rows(list(rows)) if c.id is not None}

    def find_by_identity(self, identity: Identity) -> Customer | None:
        rows = self.db.execute(_BY_IDENTITY, {"kind": identity.kind.value,
                                              "value": identity.value}).all()
        return _identified(list(rows)) if rows else None

    def find_or_add(self, identity: Identity, new: Customer, at: datetime
                    ) -> tuple[Customer, bool]:
        """The customer ``identity`` names, or ``new`` (holding that one identity) stored;
        and whether it was added. One statement on PostgreSQL."""
        if self.db.dialect.name != "postgresql":
            found = self.find_by_identity(identity)
            if found is not None:
                return found, False
            self.add(new, at)
            return new, True
        rows = _FIND_OR_ADD.rows(self.db, {
            "kind": identity.kind.value, "value": identity.value, "name": new.name,
            "organisation_id": new.organisation_id, "tier": new.tier.value,
            "language": new.language, "notes": new.notes,
            "custom_fields": json_dumps(new.custom_fields), "at": at})
        if self._settings is not None:  # read beside: opening consults the settings next
            self._settings.seen(rows[0].settings_token)
        if rows[0].added_id is not None:
            new.id = int(rows[0].added_id)
            return new, True
        return _identified(rows), False

    def set_block(self, customer_id: int, block: SenderBlock | None, at: datetime) -> None:
        self.db.execute(update(t.customers).where(t.customers.c.id == customer_id).values(
            blocked_at=block.at if block else None,
            blocked_by_id=block.by_agent_id if block else None,
            block_reason=block.reason if block else None, updated_at=at))

    def add(self, customer: Customer, at: datetime) -> int:
        if self.db.dialect.name == "postgresql" and customer.identities:
            return self._add_in_one_statement(customer, at)
        customer.id = self.db.execute(_INSERT_CUSTOMER, {
            "name": customer.name, "organisation_id": customer.organisation_id,
            "tier": customer.tier.value, "language": customer.language, "notes": customer.notes,
            "custom_fields": customer.custom_fields, "created_at": at, "updated_at": at,
        }).scalar_one()
        self._write_identities(customer)
        return int(customer.id)

    def _add_in_one_statement(self, customer: Customer, at: datetime) -> int:
        """A new customer and their identities in one round trip: intake creates one for
        every first contact, on the path every new ticket waits for."""
        customer.id = self.db.execute(_ADD_WITH_IDENTITIES, {
            "name": customer.name, "organisation_id": customer.organisation_id,
            "tier": customer.tier.value, "language": customer.language,
            "notes": customer.notes, "custom_fields": json_dumps(customer.custom_fields),
            "at": at, "identities": json_dumps([{"kind": i.kind.value, "value": i.value}
                                                 for i in customer.identities]),
        }).scalar_one()
        return int(customer.id)

    def _write_identities(self, customer: Customer) -> None:
        if customer.identities:
            self.db.execute(_INSERT_IDENTITY, [
                {"customer_id": customer.id, "kind": i.kind.value, "value": i.value}
                for i in customer.identities])

    def save(self, customer: Customer, at: datetime) -> None:
        self.db.execute(update(t.customers).where(t.customers.c.id == customer.id).values(
            name=customer.name, organisation_id=customer.organisation_id,
            tier=customer.tier.value, language=customer.language, notes=customer.notes,
            custom_fields=customer.custom_fields, updated_at=at))
        # Routing orders waiting tickets by their requester's tier, kept beside each.
        tk = t.tickets
        self.db.execute(update(tk).where(tk.c.requester_id == customer.id,
                                         tk.c.requester_tier != customer.tier.value)
                        .values(requester_tier=customer.tier.value))
        self.db.execute(delete(t.customer_identities)
                        .where(t.customer_identities.c.customer_id == customer.id))
        self._write_identities(customer)

    def absorb(self, source_id: int, target_id: int) -> list[int]:
        """Give everything of customer ``source_id`` to ``target_id`` and remove the source:
        their tickets, their messages' authorship, their identities and the agents they asked
        not to be served by. The target's own record is saved by the caller. Returns the ids
        of the tickets moved."""
        tk, m, ex = t.tickets, t.messages, t.customer_excluded_agents
        moved = [int(r.id) for r in self.db.execute(
            select(tk.c.id).where(tk.c.requester_id == source_id).order_by(tk.c.id))]
        if moved:
            self.db.execute(update(tk).where(tk.c.requester_id == source_id)
                            .values(requester_id=target_id))
        self.db.execute(update(m).where(m.c.author_kind == "customer",
                                        m.c.author_id == source_id).values(author_id=target_id))
        already = select(ex.c.agent_id).where(ex.c.customer_id == target_id)
        self.db.execute(insert(ex).from_select(
            ["customer_id", "agent_id", "reason", "created_at", "created_by_id"],
            select(literal(target_id, t.Id), ex.c.agent_id, ex.c.reason, ex.c.created_at,
                   ex.c.created_by_id)
            .where(ex.c.customer_id == source_id, ex.c.agent_id.not_in(already))))
        self.db.execute(delete(ex).where(ex.c.customer_id == source_id))
        self.db.execute(delete(t.customer_identities)
                        .where(t.customer_identities.c.customer_id == source_id))
        self.db.execute(delete(t.customers).where(t.customers.c.id == source_id))
        return moved

    def page(self, query: str | None, limit: int, after_id: int | None) -> list[Customer]:
        select_customers = select(t.customers).order_by(t.customers.c.id).limit(limit)
        if after_id is not None:
            select_customers = select_customers.where(t.customers.c.id > after_id)
        if query:
            needle = query.strip().lower()
            by_identity = select(t.customer_identities.c.customer_id).where(
                t.customer_identities.c.value.startswith(needle, autoescape=True))
            select_customers = select_customers.where(or_(
                t.customers.c.id.in_(by_identity),
                t.customers.c.name.ilike(f"{_escape_like(needle)}%", escape="\\")))
        return self._from_rows(list(self.db.execute(select_customers).all()))

    def of_organisation(self, organisation_id: int, limit: int) -> list[Customer]:
        """The organisation's customers by name, at most ``limit``."""
        return self._from_rows(list(self.db.execute(
            select(t.customers).where(t.customers.c.organisation_id == organisation_id)
            .order_by(t.customers.c.name, t.customers.c.id).limit(limit)).all()))

    def add_organisation(self, organisation: Organisation, at: datetime) -> int:
        organisation.id = self.db.execute(insert(t.organisations).values(
            name=organisation.name, domains=list(organisation.domains),
            tier=organisation.tier.value, notes=organisation.notes, created_at=at,
        ).returning(t.organisations.c.id)).scalar_one()
        return int(organisation.id)

    def get_organisation(self, organisation_id: int) -> Organisation | None:
        row = self.db.execute(select(t.organisations)
                              .where(t.organisations.c.id == organisation_id)).first()
        return _organisation(row) if row else None

    def organisations(self) -> list[Organisation]:
        rows = self.db.execute(select(t.organisations).order_by(t.organisations.c.name)).all()
        return [_organisation(r) for r in rows]


def _organisation(row: Row[Any]) -> Organisation:
    return Organisation(id=row.id, name=row.name, domains=tuple(row.domains),
                        tier=Tier(row.tier), notes=row.notes)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlAgentRepository:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def _load(self, rows: list[Row[Any]]) -> list[Agent]:
        ids = [r.id for r in rows]
        teams: dict[int, set[int]] = {}
        departments: dict[int, set[int]] = {}
        if ids:
            # Both memberships in one round trip: every API request loads its agent.
            memberships = union_all(
                select(literal("team").label("kind"), t.team_members.c.agent_id,
                       t.team_members.c.team_id.label("group_id"))
                .where(t.team_members.c.agent_id.in_(ids)),
                select(literal("department").label("kind"), t.department_members.c.agent_id,
                       t.department_members.c.department_id.label("group_id"))
                .where(t.department_members.c.agent_id.in_(ids)))
            for kind, agent_id, group_id in self.db.execute(memberships):
                target = teams if kind == "team" else departments
                target.setdefault(agent_id, set()).add(group_id)
        return [Agent(id=r.id, email=r.email, name=r.name, role=Role(r.role), tier=r.tier,
                      active=r.active, team_ids=frozenset(teams.get(r.id, ())),
                      department_ids=frozenset(departments.get(r.id, ())),
                      languages=tuple(r.languages), skills=tuple(r.skills),
                      sensitive_access=r.sensitive_access) for r in rows]

    def get(self, agent_id: int) -> Agent | None:
        rows = list(self.db.execute(select(t.agents).where(t.agents.c.id == agent_id)).all())
        return self._load(rows)[0] if rows else None

    def get_by_email(self, email: str) -> Agent | None:
        rows = list(self.db.execute(
            select(t.agents).where(t.agents.c.email == email.strip().lower())).all())
        return self._load(rows)[0] if rows else None

    def password_hash(self, agent_id: int) -> str | None:
        value = self.db.execute(select(t.agents.c.password_hash)
                                .where(t.agents.c.id == agent_id)).scalar()
        return str(value) if value else None

    def add(self, agent: Agent, password_hash: str | None, at: datetime) -> int:
        agent.id = self.db.execute(insert(t.agents).values(
            email=agent.email, name=agent.name, role=agent.role.value, tier=agent.tier,
            active=agent.active, languages=list(agent.languages), skills=list(agent.skills),
            sensitive_access=agent.sensitive_access, password_hash=password_hash,
            created_at=at).returning(t.agents.c.id)).scalar_one()
        self._write_memberships(agent)
        return int(agent.id)

    def save(self, agent: Agent, password_hash: str | None = None) -> None:
        values: dict[str, Any] = dict(
            email=agent.email, name=agent.name, role=agent.role.value, tier=agent.tier,
            active=agent.active, languages=list(agent.languages), skills=list(agent.skills),
            sensitive_access=agent.sensitive_access)
        if password_hash is not None:
            values["password_hash"] = password_hash
        self.db.execute(update(t.agents).where(t.agents.c.id == agent.id).values(values))
        self.db.execute(delete(t.team_members).where(t.team_members.c.agent_id == agent.id))
        self.db.execute(delete(t.department_members)
                        .where(t.department_members.c.agent_id == agent.id))
        self._write_memberships(agent)

    def _write_memberships(self, agent: Agent) -> None:
        if agent.team_ids:
            self.db.execute(insert(t.team_members), [
                {"team_id": team_id, "agent_id": agent.id} for team_id in agent.team_ids])
        if agent.department_ids:
            self.db.execute(insert(t.department_members), [
                {"department_id": d, "agent_id": agent.id} for d in agent.department_ids])

    def all(self) -> list[Agent]:
        return self._load(list(self.db.execute(select(t.agents).order_by(t.agents.c.name)).all()))

    def names(self, agent_ids: Iterable[int]) -> dict[int, str]:
        ids = sorted(set(agent_ids))
        if not ids:
            return {}
        return dict(self.db.execute(select(t.agents.c.id, t.agents.c.name)
                                    .where(t.agents.c.id.in_(ids))).all())

    def add_token(self, agent_id: int, name: str, token_hash: str, at: datetime, *,
                  scope: TokenScope = TokenScope.FULL,
                  expires_at: datetime | None = None) -> int:
        return int(self.db.execute(insert(t.api_tokens).values(
            agent_id=agent_id, name=name, token_hash=token_hash, created_at=at,
            scope=scope.value, expires_at=expires_at,
        ).returning(t.api_tokens.c.id)).scalar_one())

    def grant_for_token(self, token_hash: str) -> tuple[TokenGrant, datetime | None] | None:
        """The unrevoked token's grant (expired or not: the caller knows the time) and when
        it was last used."""
        tokens = t.api_tokens
        rows = list(self.db.execute(
            select(t.agents, tokens.c.id.label("token_id"), tokens.c.scope.label("token_scope"),
                   tokens.c.expires_at.label("token_expires_at"),
                   tokens.c.last_used_at.label("token_last_used_at"))
            .join(tokens, tokens.c.agent_id == t.agents.c.id)
            .where(tokens.c.token_hash == token_hash, tokens.c.revoked_at.is_(None))).all())
        if not rows:
            return None
        row = rows[0]
        grant = TokenGrant(agent=self._load(rows)[0], token_id=row.token_id,
                           scope=TokenScope(row.token_scope), expires_at=row.token_expires_at)
        return grant, row.token_last_used_at

    def mark_token_used(self, token_id: int, at: datetime, stale_from: datetime) -> bool:
        """Record a use at ``at`` if none is recorded or the last is no later than
        ``stale_from`` (the condition is the database's: another process may have just
        written it)."""
        tokens = t.api_tokens
        result = self.db.execute(update(tokens).where(
            tokens.c.id == token_id,
            or_(tokens.c.last_used_at.is_(None), tokens.c.last_used_at <= stale_from),
        ).values(last_used_at=at))
        return result.rowcount > 0

    def revoke_token(self, token_id: int, at: datetime) -> bool:
        result = self.db.execute(update(t.api_tokens).where(
            t.api_tokens.c.id == token_id, t.api_tokens.c.revoked_at.is_(None),
        ).values(revoked_at=at))
        return result.rowcount > 0

    def tokens(self, agent_id: int) -> list[TokenRecord]:
        tokens = t.api_tokens
        rows = self.db.execute(select(tokens.c.id, tokens.c.name, tokens.c.scope,
                                      tokens.c.created_at, tokens.c.expires_at,
                                      tokens.c.revoked_at, tokens.c.last_used_at)
                               .where(tokens.c.agent_id == agent_id)
                               .order_by(tokens.c.id)).all()
        return [TokenRecord(id=r.id, name=r.name, scope=TokenScope(r.scope),
                            created_at=r.created_at, expires_at=r.expires_at,
                            revoked_at=r.revoked_at, last_used_at=r.last_used_at)
                for r in rows]


class SqlOrgStructureRepository:
    def __init__(self, connection: Connection, known_teams: set[int] | None = None) -> None:
        self.db = connection
        # Teams are created and renamed, never deleted: once seen, a team id stays valid, so
        # the check on every new ticket costs a round trip only the first time.
        self._known_teams = known_teams if known_teams is not None else set()

    def teams(self) -> list[Team]:
        return [Team(r.id, r.name, r.description, r.time_zone)
                for r in self.db.execute(select(t.teams).order_by(t.teams.c.name))]

    def get_team(self, team_id: int) -> Team | None:
        r = self.db.execute(select(t.teams).where(t.teams.c.id == team_id)).first()
        return Team(r.id, r.name, r.description, r.time_zone) if r else None

    def team_exists(self, team_id: int) -> bool:
        if team_id in self._known_teams:
            return True
        found = self.db.execute(select(t.teams.c.id).where(t.teams.c.id == team_id)).first()
        if found is not None:
            self._known_teams.add(team_id)
        return found is not None

    def add_team(self, team: Team) -> int:
        team.id = self.db.execute(insert(t.teams).values(
            name=team.name, description=team.description, time_zone=team.time_zone,
        ).returning(t.teams.c.id)).scalar_one()
        return int(team.id)

    def save_team(self, team: Team) -> None:
        self.db.execute(update(t.teams).where(t.teams.c.id == team.id)
                        .values(name=team.name, description=team.description,
                                time_zone=team.time_zone))

    def departments(self) -> list[Department]:
        return [Department(r.id, r.name, r.description, r.email)
                for r in self.db.execute(select(t.departments).order_by(t.departments.c.name))]

    def department_references(self, department_id: int) -> tuple[int, int, int]:
        """How many members, tickets and handoffs name the department, in one query."""
        def count(table: Any) -> Any:
            return (select(func.count()).select_from(table)
                    .where(table.c.department_id == department_id).scalar_subquery())

        members, tickets, handoffs = self.db.execute(select(
            count(t.department_members), count(t.tickets), count(t.handoffs))).one()
        return int(members), int(tickets), int(handoffs)

    def delete_department(self, department_id: int) -> bool:
        """Delete the department and its OLA; the caller has checked nothing else names it."""
        self.db.execute(delete(t.department_olas)
                        .where(t.department_olas.c.department_id == department_id))
        deleted = self.db.execute(delete(t.departments)
                                  .where(t.departments.c.id == department_id))
        return bool(deleted.rowcount)

    def get_department(self, department_id: int) -> Department | None:
        r = self.db.execute(select(t.departments)
                            .where(t.departments.c.id == department_id)).first()
        return Department(r.id, r.name, r.description, r.email) if r else None

    def add_department(self, department: Department) -> int:
        department.id = self.db.execute(insert(t.departments).values(
            name=department.name, description=department.description, email=department.email,
        ).returning(t.departments.c.id)).scalar_one()
        return int(department.id)

    def save_department(self, department: Department) -> None:
        self.db.execute(update(t.departments).where(t.departments.c.id == department.id).values(
            name=department.name, description=department.description, email=department.email))
