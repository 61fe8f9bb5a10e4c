"""Peak memory of a server and its worker processes, read from Linux's ``/proc``.

``VmHWM`` in ``/proc/<pid>/status`` is the most resident memory the process has held since it
started. It must be read while the processes still run, so a benchmark reads it at the end
of its load, before stopping the server. The sum over processes is an upper bound of what
they held together: each peak may come at a different moment, and pages shared after a fork
are counted in each process that maps them.

So the resident memory at the end of the load is also split, as the kernel counts it, into
the process's own (``RssAnon``: its heap, what it alone costs) and pages of mapped files
(``RssFile``: code and memory-mapped models, kept once in the page cache however many
processes map them and dropped under pressure), with its proportional share (``Pss``, from
``smaps_rollup``: each shared page divided among the processes sharing it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROC = Path("/proc")


@dataclass(frozen=True)
class ProcessMemory:
    pid: int
    role: str
    peak_rss_mib: float
    rss_mib: float
    own_rss_mib: float | None = None  # RssAnon
    file_rss_mib: float | None = None  # RssFile
    pss_mib: float | None = None


def stat_fields(pid: int | str, proc: Path = PROC) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name, from the state on (so the
    parent is ``[1]``, user and system time ``[11]`` and ``[12]``); None once it has exited."""
    try:
        stat = (proc / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name in parentheses may hold spaces: the fields follow the last ")".
    return stat[stat.rindex(")") + 2:].split()


def children_of(pid: int, proc: Path = PROC) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        fields = stat_fields(entry.name, proc)
        if fields is not None and int(fields[1]) == pid:  # None: it exited while we looked
            found.append(int(entry.name))
    return sorted(found)


def process_tree(pid: int, proc: Path = PROC) -> list[int]:
    """``pid`` and every process descending from it, parents first."""
    tree, frontier = [pid], [pid]
    while frontier:
        below = [child for parent in frontier for child in children_of(parent, proc)]
        tree.extend(below)
        frontier = below
    return tree


def memory_of(pid: int, proc: Path = PROC) -> ProcessMemory | None:
    """The process's peak and current resident memory; None once it has exited."""
    try:
        status = (proc / str(pid) / "status").read_text()
        command = (proc / str(pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    kib = {}
    for line in status.splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
            kib[name] = int(value.split()[0])
    if "VmHWM" not in kib:  # a kernel thread or a zombie holds no memory of its own
        return None
    return ProcessMemory(pid, _role(command), round(kib["VmHWM"] / 1024, 1),
                         round(kib.get("VmRSS", 0) / 1024, 1), _mib(kib.get("RssAnon")),
                         _mib(kib.get("RssFile")), _mib(_pss_kib(pid, proc)))


def _mib(kib: int | None) -> float | None:
    return None if kib is None else round(kib / 1024, 1)


def _pss_kib(pid: int, proc: Path) -> int | None:
    try:  # readable for one's own processes; absent on old kernels
        rollup = (proc / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return None
    for line in rollup.splitlines():
        name, _, value = line.partition(":")
        if name == "Pss":
            return int(value.split()[0])
    return None


def _role(command: list[bytes]) -> str:
    text = b" ".join(command).decode(errors="replace")
    if "resource_tracker" in text:
        return "resource tracker"
    if "spawn_main" in text or "multiprocessing" in text:
        return "worker"
    if any(server in text for server in ("gunicorn", "uvicorn", "hubdesk.cli", "hubdesk.serving")):
        return "server"
    return Path(command[0].decode(errors="replace")).name if command and command[0] else "?"


def _role_in_tree(memory: ProcessMemory, *, root: int) -> str:
    # A forking server's workers (gunicorn's, `hubdesk serve`'s) carry their parent's
    # command line.
    if memory.pid != root and memory.role == "server":
        return "worker"
    return memory.role


def peak_memory(pid: int | None, proc: Path = PROC) -> dict[str, Any]:
    """Per process of the tree under ``pid``: its peak RSS; and their sum (MiB)."""
    if pid is None or not (proc / str(pid)).exists():
        return {"error": "the server is not running"}
    readings = [m for m in (memory_of(p, proc) for p in process_tree(pid, proc)) if m]
    roles = [_role_in_tree(m, root=pid) for m in readings]
    if "worker" in roles:  # the first process only supervises the workers that serve
        roles[0] = "supervisor"
    return {
        "processes": [{"pid": m.pid, "role": role, "peak_rss_mib": m.peak_rss_mib,
                       "rss_mib": m.rss_mib, "own_rss_mib": m.own_rss_mib,
                       "file_rss_mib": m.file_rss_mib, "pss_mib": m.pss_mib}
                      for m, role in zip(readings, roles, strict=True)],
        "peak_rss_sum_mib": round(sum(m.peak_rss_mib for m in readings), 1),
        "pss_sum_mib": round(sum(m.pss_mib or 0.0 for m in readings), 1),
    }
