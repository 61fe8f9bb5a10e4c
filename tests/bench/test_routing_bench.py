"""The routing and simulation benchmarks at toy sizes: the keys they promise, sane values; the
desk measure of the waiting line on PostgreSQL."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from hubdesk.bench import routing, routing_desk, simulate
from hubdesk.cli import app
from tests.bench.test_runs import bench_postgres  # noqa: F401 - a fixture


def test_routing_bench_reports_decisions_and_batch_against_greedy():
    result = routing.run(agents=60, skills=10, backlog=500, decisions=300, batch_tickets=120,
                         batch_agents=20)
    assert result["agents"] == 60 and result["skills"] == 10 and result["backlog"] == 500
    assert result["decisions_per_s"] > 0 and result["pull_decisions_per_s"] > 0
    assert result["batch_tickets"] == 120 and result["batch_agents"] == 20
    assert result["batch_seconds"] > 0
    assert result["batch_assigned"] >= result["greedy_assigned"] - 1
    assert result["batch_total_score"] > 0 and result["greedy_total_score"] > 0


def test_simulate_bench_sets_the_run_beside_erlang_c_and_compares_policies():
    printed = CliRunner().invoke(app, ["bench", "simulate", "--customers", "3000",
                                       "--scenario-customers", "400"])
    assert printed.exit_code == 0, printed.output
    result = json.loads(printed.stdout)
    assert result["contacts"] == 3000 and result["contacts_per_s"] > 0
    assert round(result["erlang_c_p_wait"], 4) == 0.1741
    assert abs(result["service_level"] - result["erlang_c_service_level"]) < 0.1
    assert set(result["comparison"]["policies"]) == {"hubdesk", "round_robin", "least_loaded"}
    assert simulate.run.__defaults__[0] == 1_000_000


@pytest.mark.usefixtures("bench_postgres")
def test_the_desk_measure_reads_the_waiting_line_and_offers_freed_units():
    result = routing_desk.run(waiting=300, rounds=3)
    assert result["waiting"] == 300 and result["db"] == "postgres"
    assert result["waiting_page_ms"] > 0 and result["offer_fits_ms"] > 0
    assert result["offer_fits_given"] == 1  # one unit was free
    assert result["offer_none_fits_given"] == 0  # nobody writes in their language
    assert result["solves"] == 3
    # each solve freed a unit that the waiting line took again at once
    assert result["solver_load_after"] == result["solver_capacity"]
