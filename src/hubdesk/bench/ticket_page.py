"""The console's ticket page on a large database, for `hubdesk bench lists`.

The bulk seed writes short conversations, no handoffs and no SLA clocks, so before the server
starts a few tickets are given what makes the page heavy, through the services as a desk would:
long conversations (customer messages and replies, each triaged), open handoffs to a department
with an OLA, and SLA clocks (an around-the-clock policy, started by a customer writing). A
database kept with `--reuse` keeps them and is not given more.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import partial
from typing import Any

from sqlalchemy import func, select

from hubdesk.bench.http import Connection
from hubdesk.bench.load import drive, run_async
from hubdesk.bench.stats import summarise_ms
from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Agent, Department
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.handoffs import NewHandoff, OlaInput
from hubdesk.store import tables as t

PER_KIND = 10
LONG_CONVERSATION = 60  # messages on each "long conversation" ticket
HANDOFFS_EACH = 2
WARM_ROUNDS, WARM_CONNECTIONS = 4, 8
POLICY = "Bench around the clock"
DEPARTMENT = "Bench billing"
UNRESOLVED = ("new", "open", "pending")


def prepare(hub: Hub, admin_id: int, rng: random.Random,
            plain: list[int]) -> dict[str, list[int]]:
    """Ticket ids per kind of page: `plain` (random tickets as seeded), `long_conversation`,
    `handoffs` and `sla_clocks`, up to ten of each (fewer when the database holds too few
    unresolved tickets)."""
    admin = hub.app.directory.agent(LOCAL_OPERATOR, admin_id)
    if not any(p.name == POLICY for p in hub.app.sla.policies(admin)):
        hub.app.sla.create_policy(admin, {"name": POLICY, "targets": {
            level: {"first_response": 60, "next_response": 120, "resolution": 480}
            for level in ("low", "normal", "high", "urgent")}})
    unresolved = _unresolved(hub)
    spare = iter(rng.sample(unresolved, k=len(unresolved)))
    kinds: dict[str, list[int]] = {"plain": plain[:PER_KIND]}
    kinds["long_conversation"] = _long_conversations(hub, admin, _fresh(spare, kinds))
    kinds["handoffs"] = _with_handoffs(hub, admin, _fresh(spare, kinds))
    kinds["sla_clocks"] = _with_clocks(hub, _fresh(spare, kinds), taken=kinds)
    return kinds


def _fresh(spare: Iterator[int], kinds: dict[str, list[int]]) -> Iterator[int]:
    """The spare tickets no other kind has taken: each kind has tickets of its own."""
    taken = {ticket_id for ids in kinds.values() for ticket_id in ids}
    return (ticket_id for ticket_id in spare if ticket_id not in taken)


def _unresolved(hub: Hub) -> list[int]:
    with hub.engine.connect() as c:
        return list(c.execute(select(t.tickets.c.id).where(
            t.tickets.c.status.in_(UNRESOLVED)).order_by(t.tickets.c.id).limit(2000)).scalars())


def _long_conversations(hub: Hub, admin: Agent, spare: Iterator[int]) -> list[int]:
    with hub.engine.connect() as c:
        found = list(c.execute(select(t.messages.c.ticket_id).group_by(t.messages.c.ticket_id)
                               .having(func.count() >= LONG_CONVERSATION)
                               .order_by(t.messages.c.ticket_id).limit(PER_KIND)).scalars())
    while len(found) < PER_KIND and (ticket_id := next(spare, None)) is not None:
        have = len(hub.app.tickets.get(admin, ticket_id).messages)
        for i in range(have, LONG_CONVERSATION, 2):
            hub.app.tickets.customer_wrote(
                ticket_id, f"Still waiting on my order, this is message {i} about it. "
                           "The tracking page has not changed since yesterday.")
            hub.app.tickets.reply(admin, ticket_id, f"Thank you for your patience ({i}). "
                                  "We have asked the carrier again and will write back.")
        found.append(ticket_id)
    return found


def _department(hub: Hub, admin: Agent) -> int:
    existing = next((d for d in hub.app.directory.departments(admin) if d.name == DEPARTMENT),
                    None)
    department = existing or hub.app.directory.create_department(admin,
                                                                 Department(None, DEPARTMENT))
    assert department.id is not None
    if existing is None:
        hub.app.handoffs.set_ola(admin, department.id, OlaInput(target_minutes=240))
    return department.id


def _with_handoffs(hub: Hub, admin: Agent, spare: Iterator[int]) -> list[int]:
    with hub.engine.connect() as c:
        found = list(c.execute(select(t.handoffs.c.ticket_id).group_by(t.handoffs.c.ticket_id)
                               .order_by(t.handoffs.c.ticket_id).limit(PER_KIND)).scalars())
    department_id = _department(hub, admin) if len(found) < PER_KIND else 0
    while len(found) < PER_KIND and (ticket_id := next(spare, None)) is not None:
        for i in range(HANDOFFS_EACH):
            hub.app.handoffs.open(admin, ticket_id, NewHandoff(
                department_id=department_id, request=f"Please refund the charge ({i + 1}).",
                blocking=i == 0))
        found.append(ticket_id)
    return found


def _with_clocks(hub: Hub, spare: Iterator[int], *, taken: dict[str, list[int]]) -> list[int]:
    """Tickets whose clocks run, apart from those of the other kinds (a long conversation's
    customer messages started its clocks too)."""
    others = [ticket_id for ids in taken.values() for ticket_id in ids]
    with hub.engine.connect() as c:
        found = list(c.execute(select(t.ticket_sla_clocks.c.ticket_id)
                               .where(t.ticket_sla_clocks.c.ticket_id.not_in(others))
                               .group_by(t.ticket_sla_clocks.c.ticket_id)
                               .order_by(t.ticket_sla_clocks.c.ticket_id.desc())
                               .limit(PER_KIND)).scalars())
    while len(found) < PER_KIND and (ticket_id := next(spare, None)) is not None:
        # A customer writing starts the next-response clock (and, on a ticket it wakes from
        # pending, the missing ones); a ticket the policy leaves without a clock is skipped.
        hub.app.tickets.customer_wrote(ticket_id, "Any news about my refund?")
        with hub.engine.connect() as c:
            if c.execute(select(func.count()).select_from(t.ticket_sla_clocks).where(
                    t.ticket_sla_clocks.c.ticket_id == ticket_id)).scalar_one():
                found.append(ticket_id)
    return found


def timed(port: int, build: Connection, tickets: dict[str, list[int]],
          n: int) -> dict[str, Any]:
    """`/tickets/{id}`, one request after another, `n` for each kind of ticket in turn: the
    whole spread and each kind on its own. Before that, one page of each kind a few times
    over eight connections at once, so that every server worker has most likely served one:
    a worker's first likely duplicates check imports scikit-learn (kept out of a worker until
    needed, for its memory); that first wait is reported apart, as `warm_up`."""
    warm = [build.encode("GET", f"/tickets/{ids[0]}") for ids in tickets.values() if ids]
    warming = run_async(partial(drive, port, warm * WARM_ROUNDS, WARM_CONNECTIONS))
    by_kind: dict[str, Any] = {}
    latencies: list[float] = []
    errors = 0
    for kind, ids in tickets.items():
        if not ids:
            continue
        paths = [f"/tickets/{ids[i % len(ids)]}" for i in range(n)]
        result = run_async(partial(drive, port, [build.encode("GET", p) for p in paths], 1))
        by_kind[kind] = {**summarise_ms(result.latencies), "requests": n,
                         "errors": result.errors, "tickets": len(ids), "ticket_ids": ids}
        latencies += result.latencies
        errors += result.errors
    return {**summarise_ms(latencies), "requests": n * len(by_kind), "errors": errors,
            "kinds": by_kind,
            "warm_up": {"requests": len(warm) * WARM_ROUNDS, "errors": warming.errors,
                        "max_ms": round(max(warming.latencies, default=0.0) * 1000, 2)}}
