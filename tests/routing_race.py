"""One of the processes of the routing race (tests/services/test_routing_concurrency.py):
its own engine and application on the shared test database, routing, pulling, reassigning and
solving at random over the shared backlog until its operations or its time run out."""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from hubdesk.bootstrap import build_hub
from hubdesk.config import Settings
from hubdesk.domain.errors import DomainError
from hubdesk.domain.tickets import Status
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.ports import StoreUnavailable

OPERATIONS = 30
SECONDS = 40.0


def race(seed: int, database_url: str, coordinator_id: int, agent_ids: list[int],
         ticket_ids: list[int]) -> dict[str, int]:
    with tempfile.TemporaryDirectory(prefix="hubdesk-race-") as data_dir:
        return _race(seed, database_url, coordinator_id, agent_ids, ticket_ids, Path(data_dir))


def _race(seed: int, database_url: str, coordinator_id: int, agent_ids: list[int],
          ticket_ids: list[int], data_dir: Path) -> dict[str, int]:
    settings = Settings(environment="test", data_dir=data_dir,
                        database_url=database_url, embedded_worker=False,
                        triage_enabled=False, db_pool_size=2)
    hub = build_hub(settings)
    app = hub.app
    chance = random.Random(seed)
    done: dict[str, int] = {"pulled": 0, "routed": 0, "reassigned": 0, "solved": 0,
                            "swept": 0, "refused": 0, "unavailable": 0}
    coordinator = app.directory.agent(LOCAL_OPERATOR, coordinator_id)
    started = time.monotonic()
    try:
        for _ in range(OPERATIONS):
            if time.monotonic() - started > SECONDS:
                break
            roll = chance.random()
            try:
                if roll < 0.45:
                    agent = app.directory.agent(coordinator, chance.choice(agent_ids))
                    done["pulled"] += app.routing.next(agent) is not None
                elif roll < 0.7:
                    decision = app.routing.route(coordinator, chance.choice(ticket_ids))
                    done["routed"] += decision is not None and decision.agent_id is not None
                elif roll < 0.78:
                    done["routed"] += app.routing.sweep().routed
                    done["swept"] += 1
                elif roll < 0.9:
                    app.tickets.assign(coordinator, chance.choice(ticket_ids),
                                       chance.choice(agent_ids))
                    done["reassigned"] += 1
                else:
                    app.tickets.change_status(coordinator, chance.choice(ticket_ids),
                                              Status.SOLVED)
                    done["solved"] += 1
            except DomainError:
                done["refused"] += 1
            except StoreUnavailable:
                done["unavailable"] += 1
    finally:
        hub.close()
    return done

