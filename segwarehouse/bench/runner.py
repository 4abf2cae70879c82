"""Run the benchmark: per customer size the whole `dbt build` and the notebook recipe, per event count
the events-to-features part of the build; each in a subprocess, measured the same way."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from segwarehouse.bench.data import customer_data, event_csv_data, event_data, size_label
from segwarehouse.bench.measure import Measurement, measure
from segwarehouse.bench.quality import recipe_ari, warehouse_ari

REPO = Path(__file__).resolve().parents[2]
# The models that turn events into per-customer features, with everything upstream of them.
EVENT_FEATURES_SELECTOR = "+int_events_aggregated_to_customers"


@dataclass
class BenchRow:
    run_at: str
    size: str
    customers: int
    events: int
    tool: str
    wall_s: float
    cpu_s: float | None
    peak_mib: float
    ratio_wall: float | None
    ratio_memory: float | None
    ari: float | None
    k: int | None
    status: str


def dbt_executable() -> str:
    local = Path(sys.executable).parent / "dbt"
    return str(local) if local.exists() else (shutil.which("dbt") or "dbt")


def _dbt(workdir: Path, command: list[str], variables: dict) -> Measurement:
    env = {
        **os.environ,
        "SEGMENTS_DB": str(workdir / "segments.duckdb"),
        "DBT_LOG_PATH": str(workdir / "logs"),
    }
    full = [
        dbt_executable(),
        *command,
        "--target-path",
        str(workdir / "target"),
        "--vars",
        json.dumps(variables),
    ]
    return measure(full, REPO, env, workdir / "dbt.log")


def _fresh(directory: Path) -> Path:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


def _keep_node_timings(workdir: Path, build: str) -> None:
    """Keep dbt's per-node timings of a build (target/run_results.json, which the next build overwrites)
    as run_results_<build>.json in the work directory: where the time went."""
    results = workdir / "target" / "run_results.json"
    if results.exists():
        shutil.copyfile(results, workdir / f"run_results_{build}.json")


def _status(measurement: Measurement, log: Path) -> str:
    if measurement.returncode == 0:
        return "ok"
    text = re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(errors="replace")) if log.exists() else ""
    tail = [line.strip() for line in text.strip().splitlines()[-3:]]
    return "failed: " + " | ".join(tail)[-300:]


def bench_customers(
    n_customers: int, data_root: Path, work_root: Path, seed: int, file_format: str, with_recipe: bool
) -> list[BenchRow]:
    """The first build (training: selection and all), a second build (rescoring everyone with the frozen
    model) and the recipe, on the same customer table."""
    customers, truth = customer_data(data_root, n_customers, seed, file_format)
    label, run_at = size_label(n_customers), datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    workdir = _fresh(work_root / f"build_{label}")
    variables = {"customers_path": str(customers), "export_dir": str(workdir / "exports")}

    def row(tool: str, measurement: Measurement, log: Path, quality) -> BenchRow:
        status = _status(measurement, log)
        ari, k = quality() if status == "ok" else (None, None)
        return BenchRow(
            run_at=run_at,
            size=label,
            customers=n_customers,
            events=0,
            tool=tool,
            wall_s=measurement.wall_seconds,
            cpu_s=measurement.cpu_seconds,
            peak_mib=measurement.peak_memory_mib,
            ratio_wall=None,
            ratio_memory=None,
            ari=ari,
            k=k,
            status=status,
        )

    def warehouse_quality():
        return warehouse_ari(workdir / "segments.duckdb", truth)

    rows = [row("dbt build", _dbt(workdir, ["build"], variables), workdir / "dbt.log", warehouse_quality)]
    _keep_node_timings(workdir, "first_build")
    if rows[0].status == "ok":
        # The steady state: a second build scores everyone with the frozen model, without selection.
        rescore = _dbt(workdir, ["build"], variables)
        rows.append(row("dbt build, rescoring", rescore, workdir / "dbt.log", warehouse_quality))
        _keep_node_timings(workdir, "rescoring")
    if with_recipe:
        labels_path = workdir / "recipe_labels.parquet"
        command = [sys.executable, "-m", "segwarehouse.bench.recipe", str(customers)]
        command += ["--labels", str(labels_path), "--seed", str(seed)]
        recipe = measure(command, REPO, os.environ, workdir / "recipe.log")
        rows.append(
            row("notebook recipe", recipe, workdir / "recipe.log", lambda: recipe_ari(labels_path, truth))
        )
        if rows[-1].status == "ok":
            rows[-1].ratio_wall = rows[-1].ratio_memory = 1.0
            for build in rows[:-1]:
                if build.status == "ok":
                    build.ratio_wall = build.wall_s / recipe.wall_seconds
                    build.ratio_memory = build.peak_mib / recipe.peak_memory_mib
    return rows


def bench_events(n_events: int, data_root: Path, work_root: Path, seed: int, file_format: str) -> BenchRow:
    """`dbt build` of the event staging and feature models (and their tests) on `n_events` events, read
    from Parquet files or from one gzip-compressed CSV (file_format parquet or csv.gz)."""
    if file_format == "parquet":
        events_path = event_data(data_root, n_events, seed)
    else:
        events_path = event_csv_data(data_root, n_events, seed)
    label, run_at = size_label(n_events), datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    workdir = _fresh(work_root / f"events_{label}_{file_format.replace('.', '')}")
    run = _dbt(
        workdir,
        # Cautious: only the tests of the selected models, not those that also need the clustering.
        ["build", "--select", EVENT_FEATURES_SELECTOR, "--indirect-selection", "cautious"],
        {"events_path": events_path, "export_dir": str(workdir / "exports")},
    )
    return BenchRow(
        run_at=run_at,
        size=label,
        customers=0,
        events=n_events,
        tool=f"events to features ({'Parquet' if file_format == 'parquet' else 'gzip CSV'})",
        wall_s=run.wall_seconds,
        cpu_s=run.cpu_seconds,
        peak_mib=run.peak_memory_mib,
        ratio_wall=None,
        ratio_memory=None,
        ari=None,
        k=None,
        status=_status(run, workdir / "dbt.log"),
    )
