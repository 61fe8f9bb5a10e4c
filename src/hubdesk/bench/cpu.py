"""CPU time spent during a benchmark's load, read from Linux's ``/proc``.

A rate measured on a shared machine moves with whatever else runs there; the CPU time the
server spends per request moves much less, so two versions of the code compare better by it
than by their rates. The machine's share of busy and stolen time says whether the run was
bound by the CPU, and how much of it a neighbouring guest took.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hubdesk.bench.processes import PROC, stat_fields

# Fields of /proc/stat's first line, in clock ticks since boot.
_IDLE_FIELDS = (3, 4)  # idle, iowait
_STEAL_FIELD = 7
_GUEST_FIELDS = (8, 9)  # already counted in user and nice


@dataclass(frozen=True)
class CpuReading:
    seconds_by_pid: dict[int, float]  # user + system time of every thread
    machine_ticks: int
    machine_busy_ticks: int
    machine_steal_ticks: int


def process_seconds(pid: int, proc: Path = PROC) -> float | None:
    """User and system time of ``pid`` and all its threads; None once it has exited."""
    fields = stat_fields(pid, proc)
    if fields is None:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def read_cpu(pids: Iterable[int], proc: Path = PROC) -> CpuReading:
    seconds = {pid: s for pid in pids if (s := process_seconds(pid, proc)) is not None}
    ticks = [int(v) for v in (proc / "stat").read_text().splitlines()[0].split()[1:]]
    total = sum(v for i, v in enumerate(ticks) if i not in _GUEST_FIELDS)
    idle = sum(ticks[i] for i in _IDLE_FIELDS)
    steal = ticks[_STEAL_FIELD] if len(ticks) > _STEAL_FIELD else 0
    return CpuReading(seconds, total, total - idle - steal, steal)


def spent_seconds(before: CpuReading, after: CpuReading) -> float:
    """CPU seconds the processes read ``after`` spent since ``before``; a process not read
    before started in between and counts from zero."""
    return sum(seconds - before.seconds_by_pid.get(pid, 0.0)
               for pid, seconds in after.seconds_by_pid.items())


def cpu_per_unit(groups: dict[str, tuple[CpuReading, CpuReading]], units: int
                 ) -> dict[str, Any]:
    """Milliseconds of CPU per unit of work (a ticket, a request) for each group of
    processes, by the group's name; and the machine's busy and stolen shares of its CPU
    time over the first group's interval."""
    figures: dict[str, Any] = {}
    for name, (before, after) in groups.items():
        spent = spent_seconds(before, after)
        figures[name] = round(1000 * spent / units, 3) if units else None
    before, after = next(iter(groups.values()))
    elapsed = after.machine_ticks - before.machine_ticks
    if elapsed > 0:
        figures["machine_busy_share"] = round(
            (after.machine_busy_ticks - before.machine_busy_ticks) / elapsed, 3)
        figures["machine_steal_share"] = round(
            (after.machine_steal_ticks - before.machine_steal_ticks) / elapsed, 3)
    figures["cores"] = os.cpu_count()
    return figures
