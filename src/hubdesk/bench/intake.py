"""`hubdesk bench intake`: tickets per second through POST /api/v1/tickets on a real server."""

from __future__ import annotations

import logging
import random
import uuid
from pathlib import Path
from typing import Any

from hubdesk.bench.databases import bench_database, raw_insert_rate
from hubdesk.bench.load import drive, encoder, run_async
from hubdesk.bench.server import Server
from hubdesk.bench.setup import api_caller, intake_teams, ticket_payloads
from hubdesk.bench.stats import summarise_ms
from hubdesk.bootstrap import build_hub
from hubdesk.config import Settings

log = logging.getLogger("hubdesk.bench")
TARGETS = {"postgres": {"tickets_per_s": 400, "p99_ms": 100}, "sqlite": {"tickets_per_s": 250}}


def run(*, db: str = "sqlite", tickets: int = 2000, concurrency: int = 8, workers: int = 2,
        warmup: int | None = None, idempotency_keys: bool = False, seed: int = 11,
        log_dir: Path | None = None, data_dir: Path | None = None,
        keep: bool = False) -> dict[str, Any]:
    """Create ``tickets`` tickets with ``concurrency`` clients; return the one-line summary."""
    rng = random.Random(seed)
    warm = warmup if warmup is not None else min(200, max(4 * concurrency, tickets // 10))
    with bench_database(db, data_dir=data_dir, keep=keep) as database:
        hub = build_hub(Settings(environment="test", data_dir=database.data_dir,
                                 database_url=database.url, embedded_worker=False))
        try:
            hub.migrate()
            caller = api_caller(hub, "intake-bench")
            team_ids = intake_teams(hub)
            log.info("measuring raw single-row INSERT + COMMIT on %s", db)
            raw_rate = raw_insert_rate(hub.engine)
        finally:
            hub.close()
        bodies = ticket_payloads(rng, warm + tickets, team_ids)
        log_path = (log_dir or database.data_dir) / f"intake-server-{db}.log"
        with Server(database.url, database.data_dir, workers=workers,
                    log_path=log_path) as server:
            build = encoder(server.port, caller.token, {"Content-Type": "application/json"})

            def request(body: bytes) -> bytes:
                headers = {"Idempotency-Key": uuid.uuid4().hex} if idempotency_keys else None
                return build.encode("POST", "/api/v1/tickets", body, headers)

            requests = [request(body) for body in bodies]
            log.info("warming up with %s tickets", warm)
            run_async(lambda: drive(server.port, requests[:warm], concurrency, expect=201))
            log.info("creating %s tickets with %s concurrent clients", tickets, concurrency)
            result = run_async(lambda: drive(server.port, requests[warm:], concurrency,
                                             expect=201))
    if result.errors:
        log.warning("errors by status: %s", dict(result.statuses))
    rate = tickets / result.elapsed if result.elapsed else 0.0
    latency = summarise_ms(result.latencies)
    return {
        "tickets": tickets, "concurrency": concurrency, "db": db, "workers": workers,
        "tickets_per_s": round(rate, 1), "p50_ms": latency["p50_ms"],
        "p95_ms": latency["p95_ms"], "p99_ms": latency["p99_ms"], "errors": result.errors,
        "raw_insert_per_s": round(raw_rate, 1),
        "stack_to_raw_ratio": round(rate / raw_rate, 3) if raw_rate else None,
        "idempotency_keys": idempotency_keys,
        "targets": TARGETS.get(db, {}),
    }
