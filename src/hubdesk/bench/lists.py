"""`hubdesk bench lists`: ticket lists and searches on a large database, through a real server.

Each scenario sends its requests one after another (latency, not throughput, is the question)
with parameters that vary from request to request, so no answer is a repeat of the last one.
"""

from __future__ import annotations

import logging
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson
from sqlalchemy import func, select

from hubdesk.bench import ticket_page
from hubdesk.bench.console import console_session
from hubdesk.bench.databases import bench_database
from hubdesk.bench.http import Connection, Response
from hubdesk.bench.load import drive, encoder, run_async
from hubdesk.bench.server import Server
from hubdesk.bench.setup import Caller, api_caller
from hubdesk.bench.stats import summarise_ms
from hubdesk.bootstrap import Hub, build_hub
from hubdesk.config import Settings
from hubdesk.demo.bulk import seed_bulk
from hubdesk.demo.content import SEARCH_TERMS
from hubdesk.domain.agents import Role
from hubdesk.domain.clock import utcnow
from hubdesk.store import tables as t

log = logging.getLogger("hubdesk.bench")
TARGETS = {"list_p95_ms": 50, "search_p95_ms": 200, "similar_solved_p95_ms": 200}
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
PAGES_PER_WALK = 10


@dataclass(frozen=True)
class Material:
    """What the database holds, for realistic parameters."""

    team_ids: list[int]
    assignee_ids: list[int]
    names: list[str]
    emails: list[str]
    ticket_ids: list[int]


def run(*, db: str = "sqlite", tickets: int = 100_000, requests: int = 200, workers: int = 2,
        data_dir: Path | None = None, reuse: bool = False, log_dir: Path | None = None,
        seed: int = 7, seeded_until: datetime | None = None) -> dict[str, Any]:
    """`seeded_until` is the moment the seeded history ends (now unless given): which seeded
    tickets are still open depends on it, so a small run that needs a number of them fixes it."""
    rng = random.Random(seed)
    with bench_database(db, data_dir=data_dir, reuse=reuse) as database:
        hub = build_hub(Settings(environment="test", data_dir=database.data_dir,
                                 database_url=database.url, embedded_worker=False))
        try:
            hub.migrate()
            seed_seconds, total = _fill(hub, tickets, seed, seeded_until)
            material = _material(hub, rng)
            suffix = secrets.token_hex(3)
            password = secrets.token_urlsafe(12)
            admin = api_caller(hub, f"lists-admin-{suffix}", password=password)
            representative = api_caller(hub, f"lists-rep-{suffix}", role=Role.REPRESENTATIVE,
                                        team_ids=frozenset(material.team_ids[:1]))
            pages = ticket_page.prepare(hub, admin.agent_id, rng, material.ticket_ids)
        finally:
            hub.close()
        log_path = (log_dir or database.data_dir) / f"lists-server-{db}.log"
        with Server(database.url, database.data_dir, workers=workers,
                    log_path=log_path) as server:
            scenarios = _measure(server.port, rng, requests, material, admin, representative)
            scenarios.update(_console(server.port, admin, requests, pages))
    console = scenarios.pop("console", "unavailable")
    similar = scenarios.pop("similar_solved")
    reports = scenarios.pop("reports")
    api = [v for k, v in scenarios.items() if not k.startswith("search")]
    searches = [v for k, v in scenarios.items() if k.startswith("search")]
    return {
        "db": db, "tickets": total, "requests_per_scenario": requests, "workers": workers,
        "seed_seconds": seed_seconds, "scenarios": scenarios,
        "console": console,
        "worst_list_p95_ms": max((s["p95_ms"] for s in api), default=None),
        "worst_search_p95_ms": max((s["p95_ms"] for s in searches), default=None),
        "similar_solved": similar,
        "reports": reports,
        # the server's setting (HUBDESK_CONSOLE_FORECAST_MAX_AGE_S): how long the control room
        # and at-risk screens reuse a breach forecast; 0 times working it out on every request
        "console_forecast_max_age_s": Settings().console_forecast_max_age_s,
        "targets": TARGETS,
    }


def _fill(hub: Hub, wanted: int, seed: int,
          until: datetime | None) -> tuple[float | None, int]:
    with hub.engine.connect() as connection:
        present = int(connection.execute(select(func.count()).select_from(t.tickets))
                      .scalar_one())
    if present >= wanted:
        log.info("the database already holds %s tickets", present)
        return None, present
    missing = wanted - present
    log.info("seeding %s tickets", missing)
    started = time.perf_counter()
    done = {"tickets": 0, "logged": 0}

    def progress(kind: str, count: int) -> None:
        if kind != "tickets":
            return
        done["tickets"] += count
        if done["tickets"] - done["logged"] >= missing // 10 or done["tickets"] == missing:
            done["logged"] = done["tickets"]
            log.info("seeded %s/%s tickets (%.0f s)", done["tickets"], missing,
                     time.perf_counter() - started)

    seed_bulk(hub, tickets=missing, seed=seed, now=until, progress=progress)
    return round(time.perf_counter() - started, 1), wanted


def _material(hub: Hub, rng: random.Random) -> Material:
    with hub.engine.connect() as c:
        teams = list(c.execute(select(t.tickets.c.team_id).where(
            t.tickets.c.team_id.is_not(None)).group_by(t.tickets.c.team_id)).scalars())
        assignees = list(c.execute(select(t.tickets.c.assignee_id).where(
            t.tickets.c.assignee_id.is_not(None)).group_by(t.tickets.c.assignee_id)).scalars())
        customers = c.execute(select(t.customers.c.name, t.customer_identities.c.value).join(
            t.customer_identities, t.customer_identities.c.customer_id == t.customers.c.id)
            .where(t.customer_identities.c.kind == "email").limit(2000)).all()
        highest = int(c.execute(select(func.max(t.tickets.c.id))).scalar_one() or 1)
    sample = rng.sample(customers, k=min(50, len(customers)))
    return Material(team_ids=sorted(teams), assignee_ids=sorted(assignees),
                    names=[r[0] for r in sample], emails=[r[1] for r in sample],
                    ticket_ids=[rng.randint(1, highest) for _ in range(50)])


def _query(**params: Any) -> str:
    return "/api/v1/tickets?" + urlencode(
        [(k, v) for k, v in params.items() if v is not None], doseq=True)


def _scenarios(rng: random.Random, n: int, m: Material) -> dict[str, list[str]]:
    def pick(values: list[Any]) -> Any:
        return rng.choice(values) if values else None

    return {
        "list_plain": [_query(limit=rng.choice((25, 50, 50, 100))) for _ in range(n)],
        "list_status": [_query(status=pick(list(STATUSES)), limit=50) for _ in range(n)],
        "list_status_multi": [_query(status=["new", "open", "pending"], limit=50)
                              for _ in range(n)],
        "list_team": [_query(team=pick(m.team_ids), limit=50) for _ in range(n)],
        "list_assignee": [_query(assignee=pick(m.assignee_ids), limit=50) for _ in range(n)],
        "list_unassigned": [_query(assignee="none", limit=50) for _ in range(n)],
        "list_team_status": [_query(team=pick(m.team_ids), status="open", limit=50)
                             for _ in range(n)],
        "search_words": [_query(q=pick(list(SEARCH_TERMS)), limit=50) for _ in range(n)],
        "search_names": [_query(q=pick(m.names), limit=50) for _ in range(n)],
        "search_email": [_query(q=pick(m.emails), limit=50) for _ in range(n)],
        "search_number": [_query(q=f"#{pick(m.ticket_ids)}", limit=50) for _ in range(n)],
        "search_with_status": [_query(q=pick(list(SEARCH_TERMS)), status="open", limit=50)
                               for _ in range(n)],
    }


def _measure(port: int, rng: random.Random, n: int, material: Material, admin: Caller,
             representative: Caller) -> dict[str, Any]:
    results: dict[str, Any] = {}
    build = encoder(port, admin.token)
    warm = [build.encode("GET", path) for path in
            [_query(limit=50), _query(q="refund", limit=50), _query(status="open", limit=50)]]
    run_async(lambda: drive(port, warm * 5, 1))
    for name, paths in _scenarios(rng, n, material).items():
        results[name] = _timed(port, [build.encode("GET", p) for p in paths])
    as_rep = encoder(port, representative.token)
    results["list_representative_scope"] = _timed(
        port, [as_rep.encode("GET", _query(limit=50)) for _ in range(n)])
    results["list_cursor_pages"] = _cursor_pages(port, build, rng, n, material)
    # "How was this solved before?": a text-index probe plus a similarity re-rank per ticket.
    similar = [f"/api/v1/tickets/{rng.choice(material.ticket_ids)}/similar-solved"
               for _ in range(n)]
    results["similar_solved"] = _timed(port, [build.encode("GET", p) for p in similar])
    results["reports"] = _reports(port, build, rng, n, material)
    return results


# A report is read now and then, not page after page: a few requests per window suffice.
REPORT_REQUESTS = 20


def _reports(port: int, build: Connection, rng: random.Random, n: int,
             material: Material) -> dict[str, Any]:
    """The ticket flow report over the console's 30 and 90 days, every other request of one
    team's tickets, timed as the other scenarios are."""
    timed = {}
    for days in (30, 90):
        paths = []
        for number in range(min(n, REPORT_REQUESTS)):
            params: dict[str, Any] = {"since": (utcnow() - timedelta(days=days)).isoformat()}
            if number % 2 and material.team_ids:
                params["team_id"] = rng.choice(material.team_ids)
            paths.append(f"/api/v1/reports/flow?{urlencode(params)}")
        timed[f"flow_{days}_days"] = _timed(port, [build.encode("GET", p) for p in paths])
    return timed


def _timed(port: int, requests: list[bytes]) -> dict[str, Any]:
    items: list[int] = []

    def count(response: Response) -> None:
        body = orjson.loads(response.body)
        items.append(len(body if isinstance(body, list) else body.get("items", ())))

    result = run_async(lambda: drive(port, requests, 1, on_response=count))
    return {**summarise_ms(result.latencies), "requests": len(requests),
            "errors": result.errors, "mean_items": round(sum(items) / max(1, len(items)), 1)}


def _cursor_pages(port: int, build: Connection, rng: random.Random, n: int,
                  material: Material) -> dict[str, Any]:
    """Follow next_cursor from page 1 to page 10, under varying filters; pages 2+ are timed."""
    starts: list[Callable[[], dict[str, Any]]] = [
        lambda: {"limit": 50},
        lambda: {"limit": 50, "status": "closed"},
        lambda: {"limit": 50, "team": rng.choice(material.team_ids or [1])},
    ]

    async def walk() -> tuple[list[float], int]:
        latencies: list[float] = []
        errors = 0
        connection = Connection(port)
        try:
            while len(latencies) + errors < n:
                params = rng.choice(starts)()
                cursor = None
                for page in range(PAGES_PER_WALK):
                    if len(latencies) + errors >= n:
                        break
                    raw = build.encode("GET", _query(**params, cursor=cursor))
                    started = time.perf_counter()
                    response = await connection.send(raw)
                    if page > 0 and response.status == 200:
                        latencies.append(time.perf_counter() - started)
                    elif response.status != 200:
                        errors += 1
                        break
                    cursor = orjson.loads(response.body).get("next_cursor")
                    if not cursor:
                        break
        finally:
            await connection.close()
        return latencies, errors

    latencies, errors = run_async(walk)
    return {**summarise_ms(latencies), "requests": len(latencies) + errors, "errors": errors}


def _console(port: int, admin: Caller, n: int,
             tickets: dict[str, list[int]]) -> dict[str, Any]:
    assert admin.password is not None
    try:
        cookie = console_session(port, admin.email, admin.password)
    except Exception as error:  # a console under construction must not sink the benchmark
        log.info("console unavailable: %s", error)
        cookie = None
    if cookie is None:
        return {"console": "unavailable"}
    build = encoder(port, headers={"Cookie": cookie})
    lists = ["/tickets?view=all&status=any", "/tickets?view=all", "/tickets?view=unassigned",
             "/tickets?view=all&status=closed", "/tickets?view=team"]
    searches = [f"/tickets?{urlencode({'view': 'all', 'status': 'any', 'q': term})}"
                for term in SEARCH_TERMS]
    found: dict[str, Any] = {}
    overview = ["/control", "/at-risk"]
    for name, pages in (("list", lists), ("search", searches), ("control_room", overview)):
        requests = [build.encode("GET", pages[i % len(pages)]) for i in range(n)]
        result = run_async(partial(drive, port, requests, 1))
        found[name] = {**summarise_ms(result.latencies), "requests": n,
                       "errors": result.errors}
    found["ticket_page"] = ticket_page.timed(port, build, tickets, n)
    return {"console": found}
