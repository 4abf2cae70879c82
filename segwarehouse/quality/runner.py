"""Build the warehouse on each data set of the panel and measure what it found against the truth."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from segwarehouse.bench.runner import dbt_executable
from segwarehouse.quality.cdnow import DataUnavailable
from segwarehouse.quality.panel import REPO, DataSet

SELECTION_NODE = "model.segments.int_segment_candidates_evaluated"
# The status of a data set this machine cannot obtain (a real one: no file, no registry): not a failure.
SKIPPED = "skipped"


@dataclass
class QualityRow:
    data_set: str
    family: str
    customers: int
    true_k: int | None
    k: int | None
    algorithm: str | None
    ari: float | None
    personas_named: int | None  # true personas that are the majority of one segment carrying their name
    personas: int | None
    smallest_share: float | None
    stability: float | None
    selection_s: float | None
    build_s: float
    status: str
    chosen_by: str | None = None  # the step of the selection rule that chose (model_selection.chosen_by)

    @property
    def skipped(self) -> bool:
        return self.status.startswith(SKIPPED)

    @property
    def k_exact(self) -> bool:
        return self.true_k is not None and self.k == self.true_k


def write_data(data_set: DataSet, data_dir: Path, size: int, seed: int) -> tuple[dict, Path | None]:
    """The data set's files, written once per size and seed (a marker file says they are complete)."""
    n_customers = max(200, int(size * data_set.size_factor))
    directory = data_dir / f"{data_set.name}-{n_customers}-{seed}"
    marker = directory / "vars.json"
    if marker.exists():
        stored = json.loads(marker.read_text())
        return stored["vars"], Path(stored["truth"]) if stored["truth"] else None
    directory.mkdir(parents=True, exist_ok=True)
    variables, truth = data_set.write(directory, n_customers, seed)
    marker.write_text(json.dumps({"vars": variables, "truth": str(truth) if truth else None}))
    return variables, truth


def _named_personas(segments: pd.DataFrame, truth: pd.DataFrame) -> int:
    joined = segments.merge(truth, on="customer_id")
    majority = joined.groupby("segment_id").agg(
        persona=("persona", lambda personas: personas.mode().iloc[0]), name=("segment_name", "first")
    )
    named = 0
    for persona, rows in majority.groupby("persona"):
        named += int(len(rows) == 1 and rows["name"].iloc[0] == persona)
    return named


def build_and_measure(
    data_set: DataSet, data_dir: Path, work_dir: Path, size: int, seed: int, extra_vars: dict
) -> QualityRow:
    try:
        variables, truth_path = write_data(data_set, data_dir, size, seed)
    except DataUnavailable as unavailable:
        empty = dict.fromkeys(("k", "algorithm", "ari", "personas_named", "personas", "smallest_share"))
        return QualityRow(
            data_set.name, data_set.family, 0, data_set.true_k, **empty, stability=None, selection_s=None,
            build_s=0.0, status=f"{SKIPPED}: {unavailable}",
        )  # fmt: skip
    workdir = work_dir / data_set.name
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    database = workdir / "segments.duckdb"
    env = {**os.environ, "SEGMENTS_DB": str(database), "DBT_LOG_PATH": str(workdir / "logs")}
    build_vars = {"export_dir": str(workdir / "exports"), "random_seed": seed, **variables, **extra_vars}
    command = [
        dbt_executable(),
        "build",
        "--target-path",
        str(workdir / "target"),
        "--vars",
        json.dumps(build_vars),
    ]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    build_s = time.perf_counter() - started
    (workdir / "dbt.log").write_text(result.stdout + result.stderr)
    row = QualityRow(
        data_set.name, data_set.family, 0, data_set.true_k, None, None, None, None, None, None, None, None,
        round(build_s, 1), "ok",
    )  # fmt: skip
    if result.returncode != 0:
        errors = [line for line in result.stdout.splitlines() if "Error" in line or "error" in line]
        row.status = "build failed: " + (errors[-1].strip()[:160] if errors else f"exit {result.returncode}")
        return row
    run_results = json.loads((workdir / "target" / "run_results.json").read_text())
    timings = {node["unique_id"]: node["execution_time"] for node in run_results["results"]}
    row.selection_s = round(timings.get(SELECTION_NODE, float("nan")), 1)
    with duckdb.connect(str(database), read_only=True) as connection:
        segments = connection.sql("select customer_id, segment_id, segment_name from customer_segments").df()
        chosen = connection.sql(
            "select algorithm, k, prediction_strength, chosen_by from model_selection where is_selected"
        ).df()
    row.customers = len(segments)
    row.k = int(segments["segment_id"].nunique())
    row.algorithm = str(chosen["algorithm"].iloc[0])
    row.chosen_by = chosen["chosen_by"].iloc[0]
    stability = chosen["prediction_strength"].iloc[0]
    row.stability = None if pd.isna(stability) else round(float(stability), 3)
    row.smallest_share = round(float(segments["segment_id"].value_counts(normalize=True).min()), 4)
    if truth_path is not None:
        truth = pd.read_csv(truth_path, dtype=str)
        joined = segments.merge(truth, on="customer_id")
        row.ari = round(float(adjusted_rand_score(joined["persona"], joined["segment_id"])), 3)
        if data_set.named:
            row.personas = int(truth["persona"].nunique())
            row.personas_named = _named_personas(segments, truth)
    return row


def run_panel(
    data_sets: list[DataSet],
    data_dir: Path,
    work_dir: Path,
    size: int,
    seed: int,
    jobs: int = 1,
    extra_vars: dict | None = None,
) -> list[QualityRow]:
    """Every data set, `jobs` builds at a time; a line per data set as it finishes."""

    def one(data_set: DataSet) -> QualityRow:
        row = build_and_measure(data_set, data_dir, work_dir, size, seed, extra_vars or {})
        print(_progress_line(row), flush=True)
        return row

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, data_sets))


def _progress_line(row: QualityRow) -> str:
    k = f"k {row.k}/{row.true_k}" if row.true_k else f"k {row.k}"
    ari = f"ARI {row.ari:.3f}" if row.ari is not None else "ARI -"
    names = f"names {row.personas_named}/{row.personas}" if row.personas else ""
    algorithm = row.algorithm or ""
    return (
        f"{row.data_set:32s} {k:8s} {ari:10s} {names:11s} {algorithm:8s} {row.build_s:6.1f} s  {row.status}"
    )


def rows_frame(rows: list[QualityRow]) -> pd.DataFrame:
    return pd.DataFrame([asdict(row) for row in rows])
