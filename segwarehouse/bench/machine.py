"""What the benchmark ran on, written beside its figures."""

from __future__ import annotations

import os
import platform
from importlib import metadata

import psutil


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_description() -> dict[str, str]:
    versions = {name: metadata.version(name) for name in ("duckdb", "dbt-core", "dbt-duckdb", "scikit-learn")}
    return {
        "cpu": cpu_model(),
        "cores": str(os.cpu_count()),
        "ram_gib": f"{psutil.virtual_memory().total / 2**30:.1f}",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        **versions,
        "load_average_at_start": " ".join(f"{value:.2f}" for value in os.getloadavg()),
    }


def describe(machine: dict[str, str]) -> str:
    return (
        f"{machine['cpu']}, {machine['cores']} cores, {machine['ram_gib']} GiB RAM, {machine['os']}; "
        f"Python {machine['python']}, DuckDB {machine['duckdb']}, dbt-core {machine['dbt-core']}, "
        f"dbt-duckdb {machine['dbt-duckdb']}, scikit-learn {machine['scikit-learn']}; "
        f"load average at start {machine['load_average_at_start']}"
    )
