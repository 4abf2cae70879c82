"""Fixtures of the Spark tests (`make test-spark`, marker `spark`): they run under .venv-spark's Python and
skip, saying why, where Java 17 (or 21) or pyspark and dbt-spark are missing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
    """The result of `python -m segwarehouse.spark_dbt` run on a project directory."""

    returncode: int
    output: str
    spark_dir: Path

    def table_dir(self, schema: str, table: str) -> Path:
        """Where Spark keeps a table's parquet files (the local warehouse directory)."""
        return self.spark_dir / "spark-warehouse" / f"{schema}.db" / table


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
    return SparkDbtRun(result.returncode, result.stdout + result.stderr, spark_dir)


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
