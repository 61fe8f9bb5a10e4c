"""`hubdesk bench sla`: business-time arithmetic speed, and finding due SLA clocks among a
million open tickets on PostgreSQL.

1. ``BusinessCalendar.add`` on a realistic calendar (Berlin, two opening intervals on
   weekdays, Saturday mornings, fixed and yearly holidays) from starts spread over two years
   with SLA-sized durations, through the public method exactly as the clocks call it; several
   rounds, the median reported (the machine is shared, so one round can be unlucky).
2. A scratch PostgreSQL database, migrated; ``--tickets`` minimal open tickets with a running
   resolution clock each and a met first-response clock (the sweep must skip met clocks), all
   written server-side by multi-row ``INSERT … SELECT`` from ``generate_series``; next-due
   instants spread from an hour ago to a month ahead. Then the sweep's own query, the
   repository's ``due_tickets`` (index on running clocks' ``next_due_at``, tickets locked
   ``FOR UPDATE SKIP LOCKED``), is timed in its transaction, and its plan printed. The
   first-response clocks also get a history (met over the last year, one in twelve after its
   deadline passed), and the SLA report's queries are timed over the last 30 and 365 days;
   so are the satisfaction report's, over a survey for each ticket offered over the last
   year (two in five answered, one answer in twelve bad, one in four with a comment), and
   the ticket flow report's, over the tickets' arrivals spread over the year before the last
   three days and a history of their status changes (each opened an hour after it came; one
   in three solved a day later and reopened the day after).
3. Breach forecasts on simulated days: the shipped multi-skill scenario, one day per seed, at
   its own volume and at 1.3 times it, through the desk's routing policy; every contact still
   waiting when it has used a share of its SLA is forecast (`simulation/forecasts.py`) and the
   forecasts scored against the outcome, beside warning every waiting contact (a fixed
   threshold). The headline precision and recall are at the warning step (75 % of the SLA),
   own volume, all days pooled.
"""

from __future__ import annotations

import logging
import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, text

from hubdesk.bench.databases import bench_database
from hubdesk.commands.simulate import scenario_path
from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.satisfaction import SatisfactionReport, Survey, satisfaction_report
from hubdesk.domain.sla.report import SlaReport, sla_report
from hubdesk.domain.ticket_flow import FlowReport, flow_report
from hubdesk.services.satisfaction import COMMENTS_SHOWN
from hubdesk.simulation.runs import breach_forecasts
from hubdesk.simulation.scenario import Scenario, load_scenario
from hubdesk.store.engine import Timeouts, make_engine
from hubdesk.store.migrate import upgrade
from hubdesk.store.satisfaction import SqlSatisfaction
from hubdesk.store.sla import SqlSlaRepository
from hubdesk.store.ticket_flow import SqlTicketFlow

log = logging.getLogger("hubdesk.bench")
T = TypeVar("T")

REALISTIC_CALENDAR = {
    "timezone": "Europe/Berlin",
    "hours": {**{day: [["08:00", "12:00"], ["13:00", "17:30"]]
                 for day in ("mon", "tue", "wed", "thu", "fri")},
              "sat": [["09:00", "13:00"]], "sun": []},
    "holidays": [{"date": "01-01", "yearly": True}, {"date": "05-01", "yearly": True},
                 {"date": "10-03", "yearly": True}, {"date": "12-24", "yearly": True},
                 {"date": "12-25", "yearly": True}, {"date": "12-26", "yearly": True},
                 "2026-04-03", "2026-04-06", "2026-05-14", "2026-05-25", "2027-03-26",
                 "2027-03-29", "2027-05-06", "2027-05-17"]}
SLA_MINUTES = (15, 30, 60, 120, 240, 480, 960, 1440, 2880, 7200)
ROUNDS = 7
SEED_TIMEOUT_SECONDS = 1800.0
ADDS_PER_ROUND = 50_000
REPORT_WINDOWS_DAYS = (30, 365)


def calendar_speed(seed: int = 11) -> dict[str, Any]:
    rng = random.Random(seed)
    calendar = BusinessCalendar.from_dict(REALISTIC_CALENDAR)
    origin = datetime(2026, 1, 1, tzinfo=UTC)
    starts = [origin + timedelta(seconds=rng.randrange(2 * 365 * 86_400),
                                 microseconds=rng.randrange(1_000_000))
              for _ in range(ADDS_PER_ROUND)]
    durations = [timedelta(minutes=rng.choice(SLA_MINUTES)) for _ in range(ADDS_PER_ROUND)]
    add = calendar.add
    rates, cpu_rates = [], []
    for _ in range(ROUNDS):
        started, cpu_started = time.perf_counter(), time.process_time()
        for start, duration in zip(starts, durations, strict=True):
            add(start, duration)
        rates.append(ADDS_PER_ROUND / (time.perf_counter() - started))
        cpu_rates.append(ADDS_PER_ROUND / max(time.process_time() - cpu_started, 1e-9))
    elapsed_started = time.perf_counter()
    for start, duration in zip(starts, durations, strict=True):
        calendar.elapsed(start, start + duration)
    return {"calendar_add_per_s": round(statistics.median(rates)),
            "calendar_add_per_s_rounds": [round(r) for r in rates],
            # the machine is shared: per second of this process's own CPU time, and the load
            "calendar_add_per_cpu_s": round(statistics.median(cpu_rates)),
            "load_average_1min": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
            "calendar_elapsed_per_s": round(ADDS_PER_ROUND
                                            / (time.perf_counter() - elapsed_started)),
            "calendar": "Europe/Berlin, 2 intervals Mon-Fri + Saturday morning, "
                        f"{len(REALISTIC_CALENDAR['holidays'])} holidays",
            "adds_per_round": ADDS_PER_ROUND}


PREDICTION_DAYS = 10
WARNING_SHARE = 0.75
PREDICTION_SHARES = (0.25, 0.5, WARNING_SHARE)
PREDICTION_VOLUMES = (1.0, 1.3)


def _at_volume(scenario: Scenario, factor: float) -> Scenario:
    return replace(scenario, contact_types=tuple(
        replace(kind, rates=tuple(rate * factor for rate in kind.rates))
        for kind in scenario.contact_types))


def breach_prediction(days: int = PREDICTION_DAYS) -> dict[str, Any]:
    shipped = load_scenario(scenario_path("multiskill"))
    found: dict[str, Any] = {}
    for volume in PREDICTION_VOLUMES:
        scenario = _at_volume(shipped, volume)
        for share in PREDICTION_SHARES:
            pooled: dict[str, Any] = {}
            for seed in range(1, days + 1):
                day = breach_forecasts(scenario, share=share, seed=seed)
                for key in ("contacts", "forecasts", "predicted_breaches", "breaches", "hits"):
                    pooled[key] = pooled.get(key, 0) + day[key]
            pooled["precision"] = _ratio(pooled["hits"], pooled["predicted_breaches"])
            pooled["recall"] = _ratio(pooled["hits"], pooled["breaches"])
            # A fixed threshold warns about every contact still waiting at the step.
            pooled["fixed_threshold_precision"] = _ratio(pooled["breaches"], pooled["forecasts"])
            found[f"volume_{volume:g}_warn_at_{share:g}"] = pooled
    headline = found[f"volume_1_warn_at_{WARNING_SHARE:g}"]
    return {"prediction_precision": headline["precision"],
            "prediction_recall": headline["recall"],
            "prediction_fixed_threshold_precision": headline["fixed_threshold_precision"],
            "prediction_days": days, "prediction_scenario": shipped.name,
            "prediction_warn_at_share": WARNING_SHARE, "prediction": found}


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


_SEED_TICKETS = """
INSERT INTO tickets (subject, status, priority, channel, tags, requester_id, custom_fields,
                     created_at, updated_at)
SELECT 'Bench ticket ' || n, 'open', 'normal', 'email', '[]'::jsonb, :customer, '{}'::jsonb,
       :now - interval '3 days' - ((n::bigint * 7919) % 525600) * interval '1 minute',
       :now - interval '1 day'
FROM generate_series(1, :count) AS n
"""

# The history the ticket flow report reads: every ticket opened an hour after it arrived
# (spread over the year before the last three days); one in three solved a day later and
# reopened by its customer the day after, so every ticket is open now as seeded.
_SEED_FLOW = """
INSERT INTO ticket_events (ticket_id, kind, actor_kind, actor_id, changes, data, created_at)
SELECT id, 'status_changed', 'system', NULL::bigint, '{"status": ["new", "open"]}'::jsonb,
       '{}'::jsonb, created_at + interval '1 hour' FROM tickets
UNION ALL
SELECT id, 'status_changed', 'system', NULL, '{"status": ["open", "solved"]}'::jsonb,
       '{}'::jsonb, created_at + interval '1 day' FROM tickets WHERE id % 3 = 0
UNION ALL
SELECT id, 'status_changed', 'customer', NULL, '{"status": ["solved", "open"]}'::jsonb,
       '{}'::jsonb, created_at + interval '2 days' FROM tickets WHERE id % 3 = 0
"""

# Running resolution clocks due from an hour ago to a month ahead, evenly (61 minutes of the
# 44,640 are past, so about 0.14 % are due now), and the met first-response clock every
# ticket also has.
_SEED_CLOCKS = """
INSERT INTO ticket_sla_clocks (ticket_id, target, policy_id, status, cycle, goal_us,
                               elapsed_us, started_at, since, due_at, next_due_at, fired)
SELECT id, 'resolution', 1, 'running', 1, 28800000000, 0, :now - interval '1 day',
       :now - interval '1 day', due, due, '[]'::jsonb
FROM (SELECT id, :now + ((id * 7919) % 44640 - 60) * interval '1 minute' AS due
      FROM tickets) AS planned
UNION ALL
SELECT id, 'first_response', 1, 'met', 1, 3600000000, 1800000000, :now - interval '1 day',
       NULL, NULL, NULL, '[]'::jsonb
FROM tickets
"""


# The history the SLA report reads: each first response started a day before it was met, met
# at an instant spread over the last year, one in twelve after its deadline passed ten
# minutes earlier; business times from one minute to two hours.
_SEED_HISTORY = """
INSERT INTO ticket_sla_clock_history (clock_id, ticket_id, kind, cycle, at, data)
SELECT id, ticket_id, 'started', 1, decided - interval '1 day', '{}'::jsonb FROM marks
UNION ALL
SELECT id, ticket_id, 'breached', 1, decided - interval '10 minutes', '{}'::jsonb
FROM marks WHERE late
UNION ALL
SELECT id, ticket_id, 'met', 1, decided,
       jsonb_build_object('late', late, 'elapsed_seconds', 60 + (ticket_id * 31) % 7200)
FROM marks
"""
_MARKS = """
WITH marks AS (
    SELECT id, ticket_id, ticket_id % 12 = 0 AS late,
           :now - ((ticket_id * 104729) % 525600) * interval '1 minute' AS decided
    FROM ticket_sla_clocks WHERE target = 'first_response')
"""


# A satisfaction survey for each ticket, offered at an instant spread over the last year, to
# the credit of no agent and no team (the report's cost is reading the window, not grouping).
_SEED_SURVEYS = """
INSERT INTO satisfaction_surveys (ticket_id, offered_at, rating, comment, rated_at)
SELECT id, offered,
       CASE WHEN id % 5 >= 2 THEN NULL WHEN id % 30 = 0 THEN 'bad' ELSE 'good' END,
       CASE WHEN id % 5 < 2 AND id % 10 = 0 THEN 'Bench comment ' || id END,
       CASE WHEN id % 5 < 2 THEN offered + interval '1 hour' END
FROM (SELECT id, :now - ((id * 7907) % 525600) * interval '1 minute' AS offered
      FROM tickets) AS planned
"""


def seed(engine: Engine, tickets: int, now: datetime) -> float:
    started = time.perf_counter()
    with engine.begin() as db:
        customer = db.execute(text(
            "INSERT INTO customers (name, tier, notes, custom_fields, created_at, updated_at) "
            "VALUES ('Bench', 'standard', '', '{}'::jsonb, :now, :now) RETURNING id"),
            {"now": now}).scalar_one()
        db.execute(text(_SEED_TICKETS), {"customer": customer, "count": tickets, "now": now})
        db.execute(text(_SEED_CLOCKS), {"now": now})
        db.execute(text(_MARKS + _SEED_HISTORY), {"now": now})
        db.execute(text(_SEED_SURVEYS), {"now": now})
        db.execute(text(_SEED_FLOW))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        for table in ("tickets", "ticket_sla_clocks", "ticket_sla_clock_history",
                      "satisfaction_surveys", "ticket_events"):
            db.execute(text(f"VACUUM ANALYZE {table}"))
    return time.perf_counter() - started


def plan_of_due_query(engine: Engine, now: datetime, limit: int) -> list[str]:
    """The plan of the clocks half of the sweep's query, node by node from the top."""
    with engine.connect() as db:
        plan = db.execute(text(
            "EXPLAIN (FORMAT JSON) SELECT ticket_id FROM ticket_sla_clocks "
            "WHERE status = 'running' AND next_due_at <= :now ORDER BY next_due_at "
            "LIMIT :limit"), {"now": now, "limit": limit}).scalar_one()
    nodes, node = [], plan[0]["Plan"]
    while node is not None:
        name = node["Node Type"] + (f" using {node['Index Name']}" if "Index Name" in node
                                    else "")
        nodes.append(name)
        node = (node.get("Plans") or [None])[0]
    return nodes


def run(*, tickets: int = 1_000_000, limit: int = 100_000, seed_value: int = 11
        ) -> dict[str, Any]:
    result: dict[str, Any] = calendar_speed(seed_value)
    log.info("calendar: %s adds/s", result["calendar_add_per_s"])
    result.update(breach_prediction())
    log.info("breach forecasts: precision %.3f, recall %.3f", result["prediction_precision"],
             result["prediction_recall"])
    now = datetime.now(UTC).replace(microsecond=0)
    with bench_database("postgres") as database:
        # Seeding a million tickets is one long statement; the sweep's timing is its own.
        engine = make_engine(database.url, pool_size=2,
                             timeouts=Timeouts(statement=SEED_TIMEOUT_SECONDS))
        try:
            upgrade(engine)
            log.info("seeding %s tickets with their clocks", tickets)
            seeded = seed(engine, tickets, now)
            with engine.begin() as db:
                repository = SqlSlaRepository(db)
                started = time.perf_counter()
                found = repository.due_tickets(now, limit).ticket_ids
                sweep_seconds = time.perf_counter() - started
            with engine.connect() as db:
                expected = db.execute(text(
                    "SELECT count(*) FROM ticket_sla_clocks WHERE status = 'running' "
                    "AND next_due_at <= :now"), {"now": now}).scalar_one()
            plan = plan_of_due_query(engine, now, limit)
            report = {f"report_{days}_days": time_report(engine, now, days)
                      for days in REPORT_WINDOWS_DAYS}
            report.update({f"satisfaction_report_{days}_days": time_satisfaction_report(
                engine, now, days) for days in REPORT_WINDOWS_DAYS})
            report.update({f"flow_report_{days}_days": time_flow_report(engine, now, days)
                           for days in REPORT_WINDOWS_DAYS})
        finally:
            engine.dispose()
    result.update({
        "db": "postgres", "open_tickets": tickets, "clocks": 2 * tickets,
        "seed_seconds": round(seeded, 1), "sweep_seconds": round(sweep_seconds, 4),
        "due_found": len(found), "due_in_database": expected, "sweep_limit": limit,
        "sweep_query": "SqlSlaRepository.due_tickets: running clocks by next_due_at, "
                       "tickets locked FOR UPDATE SKIP LOCKED",
        "plan": plan, "plan_top_node": plan[0] if plan else None,
        "index_scan": any("Index" in node for node in plan), **report})
    return result


def time_report(engine: Engine, now: datetime, days: int) -> dict[str, Any]:
    """The SLA report's two queries over the last ``days``, in one read transaction as the
    use case runs them, and what they found (the best of two runs: the first warms the
    cache)."""
    since = now - timedelta(days=days)

    def read(db: Connection) -> SlaReport:
        repository = SqlSlaRepository(db)
        return sla_report(repository.outcome_counts(since, now),
                          repository.answer_times(since, now))

    seconds, report = _best_of_two(engine, read)
    first = next((row for row in report.overall if row.target.value == "first_response"), None)
    return {"seconds": seconds,
            "first_responses_decided": first.decided if first else 0,
            "first_responses_met": first.met if first else 0,
            "met_share": round(first.met_share, 4)
            if first is not None and first.met_share is not None else None}


def time_satisfaction_report(engine: Engine, now: datetime, days: int) -> dict[str, Any]:
    """The satisfaction report's two queries over the last ``days`` in one read transaction,
    as the use case runs them (figures per agent and team, the latest comments), the better
    of two runs, and what they found."""
    since = now - timedelta(days=days)

    def read(db: Connection) -> tuple[SatisfactionReport, list[Survey]]:
        surveys = SqlSatisfaction(db)
        return (satisfaction_report(surveys.counts(since, now)),
                surveys.comments(since, now, COMMENTS_SHOWN))

    seconds, (report, comments) = _best_of_two(engine, read)
    overall = report.overall
    return {"seconds": seconds, "surveys_offered": overall.offered,
            "answered": overall.answered, "good_share": round(overall.good_share, 4)
            if overall.good_share is not None else None, "comments_shown": len(comments)}


def time_flow_report(engine: Engine, now: datetime, days: int) -> dict[str, Any]:
    """The ticket flow report's one statement over the last ``days`` (every arrival, status
    change and merge since, and the backlog now) and its arithmetic, as the use case runs
    them, the better of two runs, and what they found."""
    since = now - timedelta(days=days)

    def read(db: Connection) -> FlowReport:
        return flow_report(since, now, UTC, *SqlTicketFlow(db).history(since, now))

    seconds, report = _best_of_two(engine, read)
    return {"seconds": seconds, "days": len(report.days), "received": report.received,
            "solved": report.solved, "reopened": report.reopened,
            "backlog_at_start": report.backlog_at_start.total,
            "backlog_at_end": report.backlog_at_end.total}


def _best_of_two(engine: Engine, read: Callable[[Connection], T]) -> tuple[float, T]:
    """``read`` timed in a read transaction of its own, the better of two runs (the first
    warms the cache), and what the second found."""
    timings = []
    for _ in range(2):
        with engine.begin() as db:
            started = time.perf_counter()
            found = read(db)
            timings.append(time.perf_counter() - started)
    return round(min(timings), 4), found
