"""Wall time and peak memory of a command: the resident set of its whole process tree, sampled."""

from __future__ import annotations

import resource
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

SAMPLE_INTERVAL_SECONDS = 0.05


@dataclass(frozen=True)
class Measurement:
    wall_seconds: float
    # User + system CPU seconds of the command and its children: less sensitive than wall time to other
    # work on a shared machine.
    cpu_seconds: float
    peak_rss_mib: float
    returncode: int


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def measure(
    command: Sequence[str], cwd: Path | str, env: Mapping[str, str], log_path: Path | str
) -> Measurement:
    """Run `command`, writing its output to `log_path`; peak RSS is the largest sum over the process and
    its children seen in one sample (DuckDB runs inside the dbt process, so that is all of it)."""
    peak = 0
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log_path, "w") as log:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=dict(env), stdout=log, stderr=subprocess.STDOUT)
        watched = psutil.Process(child.pid)
        while child.poll() is None:
            try:
                peak = max(peak, _tree_rss(watched))
            except psutil.NoSuchProcess:
                pass
            time.sleep(SAMPLE_INTERVAL_SECONDS)
        wall = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return Measurement(
        wall_seconds=wall, cpu_seconds=cpu, peak_rss_mib=peak / 2**20, returncode=child.returncode
    )
