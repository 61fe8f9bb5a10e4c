"""Accounts and request material for benchmark runs, made through the services."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import orjson

from hubdesk.bootstrap import Hub
from hubdesk.demo import content, people
from hubdesk.domain.agents import Role, Team
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.directory import AgentInput

BENCH_DOMAIN = "bench.hubdesk.example"


@dataclass(frozen=True)
class Caller:
    email: str
    token: str
    agent_id: int
    password: str | None = None


def api_caller(hub: Hub, name: str, *, role: Role = Role.ADMIN,
               team_ids: frozenset[int] = frozenset(), password: str | None = None) -> Caller:
    """An agent with an API token (and a console password when given)."""
    email = f"{name}@{BENCH_DOMAIN}"
    agent = hub.app.directory.create_agent(LOCAL_OPERATOR, AgentInput(
        fields_set=frozenset(), email=email, name=name.replace("-", " ").title(), role=role,
        team_ids=team_ids, password=password))
    assert agent.id is not None
    return Caller(email, hub.app.auth.create_token(LOCAL_OPERATOR, email, "bench"), agent.id,
                  password)


def intake_teams(hub: Hub) -> list[int]:
    """The teams intake requests may name (created when missing)."""
    existing = {t.name: t for t in hub.app.directory.teams(LOCAL_OPERATOR)}
    ids = []
    for name, description in people.TEAMS[:2]:
        team = existing.get(name) or hub.app.directory.create_team(LOCAL_OPERATOR,
                                               Team(None, name, description))
        assert team.id is not None
        ids.append(team.id)
    return ids


def ticket_payloads(rng: random.Random, count: int, team_ids: list[int]) -> list[bytes]:
    """Request bodies for POST /api/v1/tickets: varied texts, returning and new customers."""
    crowd = [people.make_person(rng, 900_000 + i) for i in range(max(10, count // 3))]
    bodies = []
    for _ in range(count):
        person = rng.choice(crowd)
        category = content.pick_category(rng)
        values = content.slots(rng)
        contact = content.compose_contact(rng, category, person.language, person.first_name,
                                          values)
        vip = person.tier.value == "vip"
        body: dict[str, Any] = {
            "subject": contact.subject, "body": contact.body,
            "requester": {"email": person.email, "name": person.name},
            "channel": content.pick_channel(rng, category).value,
            "priority": content.pick_priority(rng, category, vip).value,
            "tags": list(content.pick_tags(rng, category, vip)),
            "custom_fields": {"order": values["order"]}}
        if rng.random() < 0.4:
            body["category"] = category.name
        if team_ids and rng.random() < 0.5:
            body["team_id"] = rng.choice(team_ids)
        bodies.append(orjson.dumps(body))
    return bodies
