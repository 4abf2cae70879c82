"""Shared test helpers: run dbt against a private warehouse, target and export directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
ONLINE_RETAIL = SHARED_DATA / "online_retail.csv.gz"


def dbt_executable() -> str:
    local = Path(sys.executable).parent / "dbt"
    return str(local) if local.exists() else (shutil.which("dbt") or "dbt")


@dataclass
class Warehouse:
    """A warehouse built by a test: its DuckDB file, dbt target directory and export directory."""

    workdir: Path
    vars: dict

    @property
    def path(self) -> Path:
        return self.workdir / "segments.duckdb"

    @property
    def target(self) -> Path:
        return self.workdir / "target"

    @property
    def exports(self) -> Path:
        return self.workdir / "exports"

    def env(self) -> dict[str, str]:
        return {**os.environ, "SEGMENTS_DB": str(self.path), "DBT_LOG_PATH": str(self.workdir / "logs")}

    def dbt(
        self, *args: str, extra_vars: dict | None = None, check: bool = True
    ) -> subprocess.CompletedProcess:
        variables = {"export_dir": str(self.exports), **self.vars, **(extra_vars or {})}
        command = [
            dbt_executable(),
            *args,
            "--target-path",
            str(self.target),
            "--vars",
            json.dumps(variables),
        ]
        result = subprocess.run(command, cwd=REPO, env=self.env(), capture_output=True, text=True)
        if check and result.returncode != 0:
            raise AssertionError(
                f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
            )
        return result

    @property
    def working_path(self) -> Path:
        """The file dbt builds into; it is published to `path` only by a build that reaches the end."""
        return self.path.with_name(self.path.name + ".build")

    @property
    def work_path(self) -> Path:
        """The work file: staging, the intermediate layer and the seeds (never published)."""
        return self.path.with_name(self.path.name + ".work")

    def query(self, sql: str, published: bool = True):
        with duckdb.connect(str(self.path if published else self.working_path), read_only=True) as connection:
            return connection.sql(sql).df()

    def query_work(self, sql: str):
        """A query against the work file (schemas staging, intermediate and reference), attached under the
        alias dbt gives it, so that its views resolve."""
        with duckdb.connect() as connection:
            connection.execute(f"attach '{self.work_path}' as work (read_only)")
            connection.execute("use work")
            return connection.sql(sql).df()


def build_warehouse(workdir: Path, variables: dict) -> Warehouse:
    workdir.mkdir(parents=True, exist_ok=True)
    warehouse = Warehouse(workdir=workdir, vars=variables)
    warehouse.dbt("build")
    return warehouse


@pytest.fixture(scope="session")
def demo_warehouse_factory(tmp_path_factory):
    """Build (once per session and persona count) a warehouse from generated demo customers."""
    from segwarehouse.demo_data import write_demo_customers

    built: dict[int, tuple[Warehouse, Path]] = {}

    def build(n_personas: int) -> tuple[Warehouse, Path]:
        if n_personas not in built:
            workdir = tmp_path_factory.mktemp(f"demo{n_personas}")
            customers, truth = write_demo_customers(
                workdir / "data", n_customers=20_000, n_personas=n_personas
            )
            built[n_personas] = (build_warehouse(workdir, {"customers_path": str(customers)}), truth)
        return built[n_personas]

    return build
