"""Wall time and peak memory of a command's whole process tree, sampled: the resident set (RSS) of a
single process, and while it has children, the proportional set size (PSS) of each member. PSS counts a
page shared by several processes once in all (each gets its share): the dbt process forks worker
processes for model selection that share its memory, and summing their resident sets would count that
memory once per process. PSS is read only then because it is expensive: the kernel walks every page of
the process (about 0.2 s for a 3 GB one), and sampling it 20 times a second took a third of a core
from the command being measured on a 2-core machine."""

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
    peak_memory_mib: float
    returncode: int


def _memory(process: psutil.Process) -> int:
    """PSS where the platform reports it (Linux), RSS otherwise."""
    try:
        return process.memory_full_info().pss
    except (AttributeError, psutil.AccessDenied):
        return process.memory_info().rss


def _tree_memory(process: psutil.Process) -> int:
    children = process.children(recursive=True)
    if not children:
        return process.memory_info().rss
    total = 0
    for member in [process, *children]:
        try:
            total += _memory(member)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def measure(
    command: Sequence[str], cwd: Path | str, env: Mapping[str, str], log_path: Path | str
) -> Measurement:
    """Run `command`, writing its output to `log_path`; peak memory is the largest memory of the process
    tree seen in one sample (DuckDB runs inside the dbt process)."""
    peak = 0
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log_path, "w") as log:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=dict(env), stdout=log, stderr=subprocess.STDOUT)
        watched = psutil.Process(child.pid)
        while child.poll() is None:
            try:
                peak = max(peak, _tree_memory(watched))
            except psutil.NoSuchProcess:
                pass
            time.sleep(SAMPLE_INTERVAL_SECONDS)
        wall = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return Measurement(
        wall_seconds=wall, cpu_seconds=cpu, peak_memory_mib=peak / 2**20, returncode=child.returncode
    )
