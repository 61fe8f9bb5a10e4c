"""`hubdesk bench routing`: the routing engine's decisions per second and batch assignment.

A roster of ``agents`` agents over ``skills`` skills (six skills each at random levels, one or
two of five languages, tiers 1–3, four in five online) and a waiting backlog of ``backlog``
tickets. Timed: explained push decisions (`Router.route`, the decision with its candidates and
exclusions) for new tickets, the same without the explanation (`Router.choose`), and pull
decisions (`WaitingQueue.best_for`: an agent's most urgent ticket out of the backlog, after
each agent's first, untimed pull has listed the buckets it may serve). Then
``batch_tickets`` tickets to ``batch_agents`` idle agents at once, optimally and greedily.
Decisions and the batch are also timed in the process's CPU seconds.
"""

from __future__ import annotations

import logging
import random
import time
from typing import Any

from hubdesk.domain.routing import (
    AgentProfile,
    Presence,
    Roster,
    Router,
    SkillNeed,
    TicketRequirements,
    WaitingQueue,
)
from hubdesk.routing.batch import assign_greedy, assign_optimal

log = logging.getLogger("hubdesk.bench")
LANGUAGES = ("en", "es", "de", "fr", "it")
CHANNELS = ("phone", "chat", "chat", "email", "email")


def _roster(rng: random.Random, agents: int, skills: list[str], online: float) -> Roster:
    roster = Roster()
    for agent in range(agents):
        profile = AgentProfile(
            agent, {skill: rng.randint(1, 5) for skill in rng.sample(skills, 6)},
            frozenset(rng.sample(LANGUAGES, rng.choice((1, 2)))), rng.choice((1, 2, 3)))
        roster.add(profile, Presence.ONLINE if rng.random() < online else Presence.AWAY)
    return roster


def _tickets(rng: random.Random, count: int, skills: list[str],
             first_id: int = 0) -> list[TicketRequirements]:
    return [TicketRequirements(
        first_id + n, rng.choice(CHANNELS), rng.uniform(0, 3600),
        (SkillNeed(rng.choice(skills), rng.randint(1, 3)),), rng.choice(LANGUAGES),
        rng.choice((1, 1, 2)), rng.randint(0, 3), int(rng.random() < 0.05),
        rng.uniform(3600, 90_000), rng.random() < 0.1) for n in range(count)]


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds else 0.0


def run(agents: int = 1000, skills: int = 40, backlog: int = 100_000, decisions: int = 50_000,
        batch_tickets: int = 5000, batch_agents: int = 500, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    names = [f"skill{n:02d}" for n in range(skills)]
    roster = _roster(rng, agents, names, online=0.8)
    router = Router(roster)
    queue = WaitingQueue(router.policy)
    now = 3600.0
    for ticket in _tickets(rng, backlog, names, first_id=10_000_000):
        queue.push(ticket, now)
    log.info("roster of %d agents, backlog of %d tickets", agents, len(queue))
    arriving = _tickets(rng, decisions, names)
    started, cpu_started = time.perf_counter(), time.process_time()
    routed = sum(router.route(ticket, now).agent_id is not None for ticket in arriving)
    explained_s = time.perf_counter() - started
    explained_cpu_s = time.process_time() - cpu_started
    started = time.perf_counter()
    chosen = sum(router.choose(ticket, now) is not None for ticket in arriving)
    lean_s = time.perf_counter() - started
    online = [roster.states[a] for a in sorted(roster.online)]
    for state in online:  # each agent's first pull lists the buckets it may serve, once
        queue.best_for(state, now)
    pulls = min(decisions, 20_000)
    started = time.perf_counter()
    pulled = sum(queue.best_for(online[n % len(online)], now) is not None for n in range(pulls))
    pull_s = time.perf_counter() - started
    log.info("%d decisions explained in %.2f s", decisions, explained_s)

    batch_rng = random.Random(seed + 1)
    batch_roster = _roster(batch_rng, batch_agents, names, online=1.0)
    batch_router = Router(batch_roster)
    batch = _tickets(batch_rng, batch_tickets, names)
    # A desk imports SciPy at its first batch and keeps it: the one-off import (about half a
    # second) is timed apart, not inside the assignment.
    started = time.perf_counter()
    import scipy.optimize  # noqa: F401
    scipy_import_s = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    optimal = assign_optimal(batch_router, batch, now)
    batch_s = time.perf_counter() - started
    batch_cpu_s = time.process_time() - cpu_started
    started = time.perf_counter()
    greedy = assign_greedy(batch_router, batch, now)
    greedy_s = time.perf_counter() - started
    return {
        "benchmark": "routing",
        "agents": agents, "skills": skills, "backlog": len(queue),
        "decisions": decisions, "decisions_routed": routed,
        "decisions_per_s": _rate(decisions, explained_s),
        "decisions_per_cpu_s": _rate(decisions, explained_cpu_s),
        "lean_decisions_per_s": _rate(decisions, lean_s),
        "lean_decisions_routed": chosen,
        "pull_decisions": pulls, "pull_decisions_found": pulled,
        "pull_decisions_per_s": _rate(pulls, pull_s),
        "batch_tickets": batch_tickets, "batch_agents": batch_agents,
        "batch_seconds": batch_s, "batch_cpu_seconds": batch_cpu_s,
        "scipy_import_seconds": scipy_import_s,
        "batch_assigned": len(optimal.assignments),
        "batch_total_score": optimal.total_score,
        "greedy_seconds": greedy_s, "greedy_assigned": len(greedy.assignments),
        "greedy_total_score": greedy.total_score,
    }
