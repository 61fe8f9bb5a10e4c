"""The SLA report's SQL on both databases against the plain arithmetic it stands for: counts
per group and outcome, and nearest-rank medians and 90th percentiles of random answer times
ranked by the database (`domain.percentiles.percentile` is the reference)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from hubdesk.domain.agents import Role
from hubdesk.domain.percentiles import percentile
from hubdesk.domain.sla.report import Dimension
from hubdesk.store import tables as t
from hubdesk.store.sla import SqlSlaRepository
from tests import factories

START = datetime(2026, 3, 2, 8, tzinfo=UTC)


def test_counts_and_ranked_times_match_the_arithmetic(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    hub.app.sla.create_policy(admin, {"name": "Round the clock", "ladder": [], "targets": {
        "normal": {"first_response": 60, "resolution": 480}}})
    teams = [factories.team(hub).id for _ in range(4)] + [None]
    # Groups of 1, 2, 3, 10 and 37 answers: the ranks' edges.
    sizes = dict(zip(teams, (1, 2, 3, 10, 37), strict=True))
    tickets = {team: factories.ticket(hub, admin, team_id=team).ticket.id for team in teams}
    rng = random.Random(7)
    with hub.engine.begin() as db:
        clocks = dict(db.execute(select(t.ticket_sla_clocks.c.ticket_id,
                                        t.ticket_sla_clocks.c.id)
                                 .where(t.ticket_sla_clocks.c.target == "first_response")).all())
        db.execute(t.ticket_sla_clock_history.delete())  # only what is written below
        rows, seconds = [], {team: [] for team in teams}
        for team, size in sizes.items():
            for cycle in range(1, size + 1):
                value = rng.choice([rng.uniform(1, 9000), float(rng.randint(1, 5) * 60)])
                late = rng.random() < 0.3
                seconds[team].append(value)
                at = START + timedelta(minutes=rng.randint(0, 600))
                rows.append({"clock_id": clocks[tickets[team]], "ticket_id": tickets[team],
                             "kind": "met", "cycle": cycle, "at": at,
                             "data": {"late": late, "elapsed_seconds": value}})
                if late:
                    rows.append({**rows[-1], "kind": "breached", "at": at - timedelta(
                        minutes=1), "data": {}})
        # Outside the window: never counted.
        rows.append({**rows[0], "cycle": 99, "at": START - timedelta(seconds=1)})
        db.execute(insert(t.ticket_sla_clock_history), rows)
        repository = SqlSlaRepository(db)
        window = (START, START + timedelta(days=1))
        times = {(row.dimension, row.key): row for row in repository.answer_times(*window)}
        counts = repository.outcome_counts(*window)

    def expected(values):
        ordered = sorted(timedelta(seconds=v) for v in values)
        return percentile(ordered, 0.5), percentile(ordered, 0.9)

    everything = [v for values in seconds.values() for v in values]
    desk = times[(Dimension.DESK, None)]
    assert _close((desk.median, desk.p90), expected(everything))
    for team in teams:
        row = times[(Dimension.TEAM, team)]
        assert _close((row.median, row.p90), expected(seconds[team])), team
    assert set(times) == {(Dimension.DESK, None), (Dimension.CHANNEL, "api"),
                          (Dimension.PRIORITY, "normal")} | {
        (Dimension.TEAM, team) for team in teams}
    met = Counter(row.team_id for row in counts if row.kind == "met" for _ in range(row.count))
    assert met == Counter(sizes)
    missed = sum(row.count for row in counts if row.kind == "missed")
    assert missed == sum(1 for row in rows[:-1] if row["kind"] == "breached")
    assert all(row.answered for row in counts)  # every deadline here was met afterwards


def _close(got, wanted):
    return all(abs((a - b).total_seconds()) < 1e-3 for a, b in zip(got, wanted, strict=True))
