"""CPU time of processes and of the machine, read from /proc around a piece of work."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hubdesk.bench.cpu import CpuReading, cpu_per_unit, process_seconds, read_cpu, spent_seconds

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux only")

SPIN = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"


def test_a_process_busy_for_a_while_is_read_as_busy() -> None:
    child = subprocess.Popen([sys.executable, "-c", SPIN + "\nimport sys; sys.stdin.read()"],
                             stdin=subprocess.PIPE)
    try:
        before = read_cpu([os.getpid()])
        deadline = time.monotonic() + 20
        seconds = process_seconds(child.pid) or 0.0
        while seconds < 0.3 and time.monotonic() < deadline:
            time.sleep(0.05)
            seconds = process_seconds(child.pid) or 0.0
        after = read_cpu([os.getpid(), child.pid])
    finally:
        child.communicate(b"")
    # The child started after the first reading: all its time counts.
    assert spent_seconds(before, after) >= 0.3
    assert after.machine_ticks > before.machine_ticks
    assert after.machine_busy_ticks >= before.machine_busy_ticks
    assert process_seconds(child.pid) is None  # gone


def test_milliseconds_per_unit_and_the_machine_s_shares() -> None:
    before = CpuReading({1: 10.0, 2: 5.0}, machine_ticks=1000, machine_busy_ticks=400,
                        machine_steal_ticks=10)
    after = CpuReading({1: 11.0, 2: 5.5, 3: 0.5}, machine_ticks=1400,
                       machine_busy_ticks=700, machine_steal_ticks=30)
    database = CpuReading({9: 1.0}, 0, 0, 0), CpuReading({9: 1.25}, 0, 0, 0)

    figures = cpu_per_unit({"server": (before, after), "database": database}, 500)

    assert figures["server"] == 4.0  # (1 + 0.5 + 0.5) s over 500 tickets
    assert figures["database"] == 0.5
    assert figures["machine_busy_share"] == 0.75
    assert figures["machine_steal_share"] == 0.05
    assert cpu_per_unit({"server": (before, after)}, 0)["server"] is None
