"""The bare commit loop that `bench intake` divides by: its rate and what each row cost."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from hubdesk.bench.databases import RAW_TABLE, RawLoop, raw_insert_loop
from hubdesk.bench.intake import ticket_cpu_to_raw


def test_the_loop_on_sqlite_reports_its_rate_time_and_cpu_per_row(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'raw.db'}")
    try:
        loop = raw_insert_loop(engine, seconds=5.0, max_rows=300)
        assert not inspect(engine).has_table(RAW_TABLE)  # the scratch table is gone
    finally:
        engine.dispose()

    assert loop.per_s == pytest.approx(1000 / loop.wall_ms_per_row)
    # One thread does all of SQLite's work: its CPU is the loop's, and never more than the
    # time the loop took.
    assert 0 < loop.client_cpu_ms_per_row <= loop.wall_ms_per_row * 1.01
    assert loop.database_cpu_ms_per_row is None
    assert loop.cpu_ms_per_row == loop.client_cpu_ms_per_row
    figures = loop.figures()
    assert figures["cpu_ms_per_row"] == {"client": round(loop.client_cpu_ms_per_row, 4),
                                         "database": None}


def test_a_ticket_s_cpu_is_counted_in_rows_of_the_loop() -> None:
    loop = RawLoop(per_s=4000.0, wall_ms_per_row=0.25, client_cpu_ms_per_row=0.06,
                   database_cpu_ms_per_row=0.04)
    spent = {"server": 2.5, "database": 0.9, "client": 0.1, "machine_busy_share": 0.94,
             "machine_steal_share": 0.0, "cores": 2}

    # 3.5 ms of CPU per ticket against 0.1 ms per row; the machine's shares are not CPU.
    assert ticket_cpu_to_raw(spent, loop) == 35.0
    # SQLite: the database works inside the server, and the loop's thread did its work.
    in_process = RawLoop(90_000.0, 1 / 90, 0.01, None)
    assert ticket_cpu_to_raw({"server": 3.0, "client": 0.1, "cores": 2}, in_process) == 310.0
    # A run that created nothing has no CPU per ticket to compare.
    assert ticket_cpu_to_raw({"server": None, "client": None}, loop) is None
