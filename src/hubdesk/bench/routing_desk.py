"""`hubdesk bench routing --waiting N`: the desk's waiting line on PostgreSQL, as the hot path
reads it when an agent frees units.

A scratch PostgreSQL database, migrated; the desk configured through the application (the
routing configuration, an SLA policy, agents with routing profiles). Then ``waiting`` unassigned
open tickets, written server-side by ``INSERT … SELECT`` from ``generate_series`` (channels,
languages, categories and priorities spread over the desk's lines; nine in ten with a running
first-response clock due from an hour ago to two days ahead), beside twice as many solved
tickets with met clocks. With ``undated`` the desk has no SLA policy, so no ticket has a
deadline and the line is ordered by priority, the customer's VIP level and age alone; about one
waiting ticket in eleven is then a premium customer's and one in fifty-three a VIP's (of every
priority). Timed, each the
median of ``rounds``:

- ``waiting_page_ms``: the first page of the line (`RoutingRepository.waiting`, the size pull
  mode reads, rows locked ``FOR UPDATE SKIP LOCKED``);
- ``offer_fits_ms``: offering work to an agent who has just freed one unit and serves every
  line (`offer_waiting`, in a transaction rolled back afterwards);
- ``offer_none_fits_ms``: the same for an agent none of the waiting tickets suits (a language
  nobody writes in), the longest walk of the line;
- ``solve_ms``: an agent solving a ticket through the application, the freed unit offered to
  them at once (committed; each round takes one waiting ticket).
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from hubdesk.bench.databases import bench_database
from hubdesk.bootstrap import Hub, assemble
from hubdesk.config import Settings
from hubdesk.domain.agents import Agent, Role
from hubdesk.domain.routing import Presence
from hubdesk.domain.tickets import Status
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.directory import AgentInput
from hubdesk.services.routing import PULL_BATCH, offer_waiting
from hubdesk.services.routing_records import ProfileChange
from hubdesk.services.routing_roster import settings_in
from hubdesk.store.engine import Timeouts, make_engine

log = logging.getLogger("hubdesk.bench")

LANGUAGES = ("en", "es", "de", "fr", "it")
CHANNELS = ("email", "chat", "api", "web")
CATEGORIES = ("billing", "refund", "delivery", "account")
SKILLS = ("billing", "returns", "logistics", "accounts")
CONFIG = {"known_skills": list(SKILLS),
          "categories": {category: {"skills": {skill: 2}}
                         for category, skill in zip(CATEGORIES, SKILLS, strict=True)}}
TARGETS = {p: {"first_response": 240, "resolution": 2880}
           for p in ("low", "normal", "high", "urgent")}
SEED_TIMEOUT_SECONDS = 1800.0
# Tickets the solving agent holds: one is solved per round.
HELD = 40
# The offered agents' capacity; the one who serves every line has one unit free.
CAPACITY = 10

# Waiting tickets over the desk's lines; the answer clock is written below.
_SEED_WAITING = """
INSERT INTO tickets (subject, status, priority, channel, category, language, tags,
                     requester_id, custom_fields, created_at, updated_at)
SELECT 'Waiting ' || n, (ARRAY['new', 'open'])[1 + n % 2],
       (ARRAY['low', 'normal', 'normal', 'high', 'urgent'])[1 + n % 5],
       (ARRAY['email', 'chat', 'api', 'web'])[1 + (n / 5) % 4],
       (ARRAY['billing', 'refund', 'delivery', 'account'])[1 + (n / 7) % 4],
       (ARRAY['en', 'es', 'de', 'fr', 'it'])[1 + (n / 3) % 5], '[]'::jsonb,
       CASE WHEN n % 53 = 0 THEN :vip WHEN n % 11 = 0 THEN :premium ELSE :customer END,
       '{}'::jsonb, :now - (n % 2880) * interval '1 minute',
       :now - (n % 2880) * interval '1 minute'
FROM generate_series(1, :count) AS n
"""

_SEED_SOLVED = """
INSERT INTO tickets (subject, status, priority, channel, category, language, tags,
                     requester_id, assignee_id, custom_fields, created_at, updated_at,
                     solved_at)
SELECT 'Solved ' || n, 'solved', 'normal', 'email', 'billing', 'en', '[]'::jsonb, :customer,
       :agent, '{}'::jsonb, :now - interval '3 days', :now - interval '2 days',
       :now - interval '2 days'
FROM generate_series(1, :count) AS n
"""

# Nine in ten waiting tickets have a running first-response clock due from an hour ago to two
# days ahead; solved tickets have a met one.
_SEED_CLOCKS = """
INSERT INTO ticket_sla_clocks (ticket_id, target, policy_id, status, cycle, goal_us,
                               elapsed_us, started_at, since, due_at, next_due_at, fired)
SELECT id, 'first_response', :policy, 'running', 1, 14400000000, 0, created_at, created_at,
       due, due, '[]'::jsonb
FROM (SELECT id, created_at, :now + ((id * 7919) % 2940 - 60) * interval '1 minute' AS due
      FROM tickets WHERE status IN ('new', 'open') AND id % 10 <> 0) AS planned
UNION ALL
SELECT id, 'first_response', :policy, 'met', 1, 14400000000, 600000000, created_at, NULL,
       NULL, NULL, '[]'::jsonb
FROM tickets WHERE status = 'solved'
"""

# What the SLA store keeps beside each ticket whenever it writes clocks (`save_clocks`).
_SEED_ANSWER_DUE = """
UPDATE tickets SET answer_due_at = c.due_at
FROM ticket_sla_clocks c
WHERE c.ticket_id = tickets.id AND c.status = 'running' AND c.target = 'first_response'
"""

# What the store keeps beside each ticket when it is opened (`store/opening.py`).
_SEED_REQUESTER_TIER = """
UPDATE tickets SET requester_tier = c.tier
FROM customers c
WHERE c.id = tickets.requester_id AND c.tier <> 'standard'
"""

_SEED_ROUTING = """
INSERT INTO ticket_routing (ticket_id, state, agent_id, held, locked, difficult, reason,
                            relaxations, assigned_at, waiting_since, updated_at)
SELECT id, 'waiting', NULL, 0, false, id % 20 = 0, 'no eligible agent is available now',
       '[]'::jsonb, NULL, created_at, created_at
FROM tickets WHERE status IN ('new', 'open') AND assignee_id IS NULL
"""


def _median_ms(rounds: int, measure: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        measure()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def _agent(hub: Hub, name: str, role: Role = Role.REPRESENTATIVE) -> Agent:
    return hub.app.directory.create_agent(LOCAL_OPERATOR, AgentInput(
        fields_set=frozenset(), email=f"{name}@bench.hubdesk.example", name=name, role=role))


def _routed_agent(hub: Hub, coordinator: Agent, name: str, languages: tuple[str, ...],
                  capacity: int, now: datetime) -> Agent:
    person = _agent(hub, name)
    assert person.id is not None
    hub.app.routing.update_profile(coordinator, person.id, ProfileChange(
        skills=dict.fromkeys(SKILLS, 4), languages=languages, tier=1, capacity=capacity,
        channel_costs=dict.fromkeys(CHANNELS, 1)), now=now)
    return person


def _desk(hub: Hub, now: datetime, *, undated: bool = False
          ) -> tuple[Agent, Agent, Agent, int | None]:
    admin = _agent(hub, "desk-admin", Role.ADMIN)
    coordinator = _agent(hub, "desk-coordinator", Role.COORDINATOR)
    hub.app.routing.update_config(admin, CONFIG, now=now)
    policy = None if undated else hub.app.sla.create_policy(
        admin, {"name": "Everyone", "targets": TARGETS})
    fits = _routed_agent(hub, coordinator, "fits-every-line", LANGUAGES, CAPACITY, now)
    none_fits = _routed_agent(hub, coordinator, "writes-japanese", ("ja",), CAPACITY, now)
    solver = _routed_agent(hub, coordinator, "solves-tickets", LANGUAGES, HELD, now)
    for person in (fits, none_fits, solver):  # online before any work waits
        hub.app.routing.set_presence(coordinator, person.id or 0, Presence.ONLINE, now=now)
    return fits, none_fits, solver, int(policy.id or 0) if policy is not None else None


def _customer(db: Connection, tier: str, now: datetime) -> int:
    return int(db.execute(text(
        "INSERT INTO customers (name, tier, notes, custom_fields, created_at, updated_at) "
        "VALUES ('Bench ' || :tier, :tier, '', '{}'::jsonb, :now, :now) RETURNING id"),
        {"now": now, "tier": tier}).scalar_one())


def _seed(hub: Hub, waiting: int, now: datetime, policy: int | None, fits: Agent,
          solver: Agent) -> None:
    with hub.engine.begin() as db:
        customer = _customer(db, "standard", now)
        spread = {"premium": _customer(db, "premium", now), "vip": _customer(db, "vip", now)} \
            if policy is None else {"premium": customer, "vip": customer}
        db.execute(text(_SEED_WAITING), {"customer": customer, "count": waiting, "now": now,
                                         **spread})
        db.execute(text(_SEED_SOLVED), {"customer": customer, "count": 2 * waiting,
                                        "now": now, "agent": solver.id})
        db.execute(text(_SEED_REQUESTER_TIER))
        if policy is not None:
            db.execute(text(_SEED_CLOCKS), {"now": now, "policy": policy})
            db.execute(text(_SEED_ANSWER_DUE))
        db.execute(text(_SEED_ROUTING))
        # The tickets the solving agent holds, routed to them with a unit each.
        db.execute(text(
            "UPDATE tickets SET assignee_id = :agent, status = 'open' WHERE id IN "
            "(SELECT id FROM tickets WHERE status = 'solved' ORDER BY id LIMIT :held)"),
            {"agent": solver.id, "held": HELD})
        db.execute(text(
            "INSERT INTO ticket_routing (ticket_id, state, agent_id, held, locked, difficult, "
            "reason, relaxations, assigned_at, waiting_since, updated_at) "
            "SELECT id, 'routed', :agent, 1, false, false, NULL, '[]'::jsonb, :now, NULL, :now "
            "FROM tickets WHERE assignee_id = :agent AND status = 'open'"),
            {"agent": solver.id, "now": now})
        db.execute(text("UPDATE agent_loads SET load = :held WHERE agent_id = :agent"),
                   {"agent": solver.id, "held": HELD})
        db.execute(text("UPDATE agent_loads SET load = :load WHERE agent_id = :agent"),
                   {"agent": fits.id, "load": CAPACITY - 1})
    with hub.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        for table in ("tickets", "ticket_sla_clocks", "ticket_routing"):
            db.execute(text(f"VACUUM ANALYZE {table}"))


def _offer_rolled_back(hub: Hub, agent: Agent, now: datetime) -> int:
    """Offer work to ``agent`` as if they had just freed a unit; nothing is kept."""
    assert agent.id is not None
    with hub.uows() as uow:
        return offer_waiting(uow, agent.id, now)  # left without commit: rolled back


def run(*, waiting: int, rounds: int = 15, undated: bool = False) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    with bench_database("postgres") as database:
        settings = Settings(environment="test", data_dir=database.data_dir,
                            database_url=database.url, embedded_worker=False)
        engine = make_engine(database.url, pool_size=2,
                             timeouts=Timeouts(statement=SEED_TIMEOUT_SECONDS))
        hub = assemble(settings, engine)
        try:
            hub.migrate()
            fits, none_fits, solver, policy = _desk(hub, now - timedelta(days=3),
                                                    undated=undated)
            log.info("seeding %s waiting tickets", waiting)
            started = time.perf_counter()
            _seed(hub, waiting, now, policy, fits, solver)
            seed_seconds = time.perf_counter() - started
            result = _measure(hub, fits, none_fits, solver, now, rounds)
        finally:
            hub.close()
    return {"waiting": waiting, "undated": undated, "solved_tickets": 2 * waiting,
            "db": "postgres",
            "rounds": rounds, "seed_seconds": round(seed_seconds, 1), **result}


def _measure(hub: Hub, fits: Agent, none_fits: Agent, solver: Agent, now: datetime,
             rounds: int) -> dict[str, Any]:
    with hub.uows(write=False) as uow:
        vip_levels = settings_in(uow).vip_levels

    def first_page() -> None:
        with hub.uows() as uow:
            uow.routing.waiting(PULL_BATCH, skip_locked=True, vip_levels=vip_levels)

    page_ms = _median_ms(rounds, first_page)
    given = _offer_rolled_back(hub, fits, now)
    offer_fits_ms = _median_ms(rounds, lambda: _offer_rolled_back(hub, fits, now))
    none_given = _offer_rolled_back(hub, none_fits, now)
    offer_none_ms = _median_ms(rounds, lambda: _offer_rolled_back(hub, none_fits, now))
    with hub.engine.connect() as db:
        held = [int(row.id) for row in db.execute(text(
            "SELECT id FROM tickets WHERE assignee_id = :agent AND status = 'open' "
            "ORDER BY id"), {"agent": solver.id})]
    solves = held[:min(rounds, len(held))]
    solve_times = []
    for n, ticket_id in enumerate(solves):
        started = time.perf_counter()
        hub.app.tickets.change_status(solver, ticket_id, Status.SOLVED,
                                      now=now + timedelta(seconds=n + 1))
        solve_times.append((time.perf_counter() - started) * 1000)
    with hub.uows(write=False) as uow:
        load = uow.routing.load(solver.id or 0)
    return {"waiting_page_ms": page_ms, "waiting_page_size": PULL_BATCH,
            "offer_fits_ms": offer_fits_ms, "offer_fits_given": given,
            "offer_none_fits_ms": offer_none_ms, "offer_none_fits_given": none_given,
            "solve_ms": round(statistics.median(solve_times), 2) if solve_times else None,
            "solves": len(solve_times),
            "solver_load_after": load[0] if load else None, "solver_capacity": HELD}
