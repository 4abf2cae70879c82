"""Fixtures of the Spark tests (`make test-spark`, marker `spark`): they run under .venv-spark's Python and
skip, saying why, where Java 17 (or 21) or pyspark and dbt-spark are missing. `run_warehouse_on_spark`
builds this repository's warehouse on Spark; a `SparkDbtRun` reads back its tables and node statuses."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
SESSION_PROJECT = Path(__file__).resolve().parent / "session_project"


def java_version() -> str | None:
    """The major version `java -version` reports (JAVA_HOME's java first), or None without a java."""
    java = Path(os.environ["JAVA_HOME"]) / "bin" / "java" if os.environ.get("JAVA_HOME") else None
    executable = str(java) if java and java.exists() else shutil.which("java")
    if executable is None:
        return None
    output = subprocess.run([executable, "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)', output)
    return match.group(1) if match else None


@pytest.fixture(scope="session")
def spark_ready() -> None:
    """Skips when this Python cannot run dbt on Spark: no Java 17/21, or no pyspark / dbt-spark (run the
    Spark tests with .venv-spark/bin/pytest after `make spark-install`)."""
    version = java_version()
    if version not in ("17", "21"):
        pytest.skip(f"Spark needs Java 17 or 21; found {version or 'no java'} (see `make spark-java`)")
    for module in ("pyspark", "dbt.adapters.spark"):
        try:
            __import__(module)
        except ImportError:
            pytest.skip(
                f"{module} is not installed in {sys.executable}: run `make spark-install`, then "
                ".venv-spark/bin/pytest -m spark tests/spark"
            )


@dataclass
class SparkDbtRun:
    """The result of `python -m segwarehouse.spark_dbt` (or plain dbt) run on a project directory."""

    returncode: int
    output: str
    spark_dir: Path
    target_path: Path | None = None

    def table_dir(self, schema: str, table: str) -> Path:
        """Where Spark keeps a table's parquet files (the local warehouse directory)."""
        return self.spark_dir / "spark-warehouse" / f"{schema}.db" / table

    def table(self, table: str, schema: str = "segments") -> pd.DataFrame:
        """A table Spark built, read from its parquet files (no Spark needed; default: a mart)."""
        files = self.table_dir(schema, table) / "*.parquet"
        return duckdb.sql(f"select * from read_parquet('{files}')").df()

    def statuses(self) -> dict[str, str]:
        """Each node the run ran -> its status (see `node_statuses`)."""
        assert self.target_path is not None, "the run was not given a target path"
        return node_statuses(self.target_path)


def node_statuses(target_path: Path) -> dict[str, str]:
    """Each model, seed and data test a dbt run ran -> its status ('success', 'pass', 'error', 'fail',
    'skipped', ...), from run_results.json in its target directory. Exposures are left out: dbt lists them
    as no-op."""
    results = json.loads((target_path / "run_results.json").read_text())["results"]
    return {
        result["unique_id"]: result["status"]
        for result in results
        if not result["unique_id"].startswith("exposure.")
    }


def run_spark_dbt(
    project_dir: Path,
    spark_dir: Path,
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    helper: bool = True,
) -> SparkDbtRun:
    """Run dbt through the session submission helper (`helper=False`: plain dbt) in a fresh process (one
    Spark JVM per run, which ends with it), against `project_dir` with Spark's warehouse and metastore
    under `spark_dir`."""
    spark_dir.mkdir(parents=True, exist_ok=True)
    entry = ["-m", "segwarehouse.spark_dbt"] if helper else ["-c", "from dbt.cli.main import cli; cli()"]
    command = [
        sys.executable,
        *entry,
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
    ]
    environment = {
        **os.environ,
        "SEGMENTS_SPARK_DIR": str(spark_dir),
        "DBT_LOG_PATH": str(spark_dir / "logs"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        **(env or {}),
    }
    result = subprocess.run(command, cwd=cwd or project_dir, env=environment, capture_output=True, text=True)
    target_path = Path(args[args.index("--target-path") + 1]) if "--target-path" in args else None
    return SparkDbtRun(result.returncode, result.stdout + result.stderr, spark_dir, target_path)


def run_warehouse_on_spark(
    command: str, workdir: Path, variables: dict, *args: str, name: str = "spark", helper: bool = True
) -> SparkDbtRun:
    """`dbt <command> --target spark` of this repository's warehouse with `variables`, Spark's tables and
    metastore under workdir/spark (shared by the runs of one workdir: a second build finds the first
    one's tables), dbt's target directory workdir/target-<name> (one per run: each its run_results.json)."""
    return run_spark_dbt(
        REPO,
        workdir / "spark",
        command,
        "--target",
        "spark",
        *args,
        "--target-path",
        str(workdir / f"target-{name}"),
        "--vars",
        json.dumps(variables),
        cwd=REPO,
        helper=helper,
    )


@pytest.fixture
def spark_dbt(spark_ready, tmp_path) -> Callable[..., SparkDbtRun]:
    """Runs the helper against a throwaway copy of a project (default: tests/spark/session_project)."""

    def run(*args: str, project: Path = SESSION_PROJECT, helper: bool = True) -> SparkDbtRun:
        project_dir = tmp_path / "project"
        if not project_dir.exists():
            shutil.copytree(project, project_dir)
        return run_spark_dbt(project_dir, tmp_path / "spark", *args, helper=helper)

    return run


@pytest.fixture(scope="session")
def spark_session(spark_ready, tmp_path_factory):
    """A small local SparkSession in the test process (stopped at the end of the session)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    directory = tmp_path_factory.mktemp("spark-session")
    session = (
        SparkSession.builder.master("local[1]")
        .config("spark.sql.warehouse.dir", str(directory / "spark-warehouse"))
        .config("spark.driver.memory", "1g")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()
