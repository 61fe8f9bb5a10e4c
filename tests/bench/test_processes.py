"""Peak memory of a real process tree, read from /proc while it runs."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hubdesk.bench.processes import children_of, peak_memory

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux only")

CHILD = "import time; block = bytearray(64 * 2**20); print('ready', flush=True); time.sleep(30)"
PARENT = ("import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', "
          f"{CHILD!r}]); time.sleep(30)")


def test_every_process_of_the_tree_is_read_with_its_peak_and_their_sum() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT],
                              start_new_session=True, stdout=subprocess.PIPE)
    try:
        # the peak counts the interpreter's mapped files too, so it can pass 64 MiB while
        # the block is still being zeroed: read the tree only once the child says it is done
        ready, _, _ = select.select([parent.stdout], [], [], 20)
        assert ready and parent.stdout is not None
        assert parent.stdout.readline().strip() == b"ready"
        memory = peak_memory(parent.pid)
    finally:
        os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()

    pids = [p["pid"] for p in memory["processes"]]
    assert pids[0] == parent.pid and len(pids) == 2
    child = memory["processes"][1]
    assert child["peak_rss_mib"] >= 64 and child["peak_rss_mib"] >= child["rss_mib"] > 0
    # the 64 MiB block is the child's own heap, not a mapped file, and its alone in Pss
    assert child["own_rss_mib"] >= 64 and child["file_rss_mib"] >= 0
    assert child["pss_mib"] >= 64 and child["rss_mib"] >= child["pss_mib"] - 0.1
    assert memory["pss_sum_mib"] >= 64
    assert memory["peak_rss_sum_mib"] == pytest.approx(
        sum(p["peak_rss_mib"] for p in memory["processes"]), abs=0.11)


def test_a_process_that_has_gone_is_reported_not_raised() -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()

    assert peak_memory(gone.pid) == {"error": "the server is not running"}
    assert peak_memory(None) == {"error": "the server is not running"}


def test_parents_are_read_past_command_names_with_spaces_and_parentheses(
        tmp_path: Path) -> None:
    for pid, stat in ((10, "10 (a) b) S 1 10"), (11, "11 (py (worker) 2) S 10 10"),
                      (12, "12 (other) S 3 12")):
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "stat").write_text(stat)
    (tmp_path / "self").mkdir()

    assert children_of(10, tmp_path) == [11]
    assert children_of(1, tmp_path) == [10]
