"""The benchmarks end to end on SQLite at toy sizes: a real server, real requests."""

from __future__ import annotations

from pathlib import Path

from hubdesk.bench import intake, lists, memory

INTAKE_KEYS = {"tickets", "concurrency", "db", "workers", "tickets_per_s", "p50_ms", "p95_ms",
               "p99_ms", "errors", "raw_insert_per_s", "stack_to_raw_ratio"}


def test_intake_creates_every_ticket_through_the_api(tmp_path: Path) -> None:
    result = intake.run(db="sqlite", tickets=30, concurrency=2, workers=1, warmup=4,
                        log_dir=tmp_path)

    assert set(result) >= INTAKE_KEYS
    assert result["errors"] == 0
    assert (result["tickets"], result["concurrency"], result["db"]) == (30, 2, "sqlite")
    assert result["tickets_per_s"] > 0 and result["raw_insert_per_s"] > 0
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["p99_ms"]


def test_lists_times_every_scenario_without_errors(tmp_path: Path) -> None:
    result = lists.run(db="sqlite", tickets=150, requests=3, workers=1, log_dir=tmp_path,
                       data_dir=tmp_path / "db")

    assert result["tickets"] == 150
    assert result["scenarios"]["list_plain"]["mean_items"] > 0
    for name, scenario in result["scenarios"].items():
        assert scenario["errors"] == 0, name
        assert scenario["requests"] == 3, name
    assert result["console"] == "unavailable" or result["console"]["list"]["errors"] == 0
    assert result["worst_list_p95_ms"] > 0
    similar = result["similar_solved"]
    assert similar["errors"] == 0 and similar["requests"] == 3 and similar["p95_ms"] > 0


def test_memory_reads_every_process_of_a_served_desk(tmp_path: Path) -> None:
    result = memory.run(workers=2, log_dir=tmp_path)

    assert result["workers"] == 2
    assert result["intent_model"].startswith("default-")
    # The supervisor and its two workers, forked from it: no spawned helper process.
    assert len(result["processes"]) == 3
    for process in result["processes"]:
        assert 0 < process["pss_mb"] <= process["rss_mb"]
    # Workers forked after the models loaded share their pages: the proportional sum is
    # well below the resident sum, which counts every shared page once per process.
    assert result["total_pss_mb"] < 0.8 * result["total_rss_mb"]
    assert result["largest_worker_rss_mb"] <= result["total_rss_mb"]
