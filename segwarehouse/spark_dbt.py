"""dbt with Python models on a local Spark session: `python -m segwarehouse.spark_dbt build --target spark`.

dbt-spark submits Python models only to Databricks clusters; on `method: session` a Python model fails
("Submission method session is not supported"). This module registers a `session` submission method that
runs the compiled model in this process, in the SparkSession dbt-spark's session connection uses, then runs
dbt's command line in the same process. It mirrors the open upstream pull request dbt-labs/dbt-spark#1063
(in-process Python models on `method: session`); drop it once dbt-spark ships that.

The compiled code is dbt-spark's own (`py_write_table`): the model, then a write of its result with
`saveAsTable`; it expects a global `spark`, which is the only thing given to it here.
"""

from __future__ import annotations

import os
import sys
from typing import Any

SUBMISSION_METHOD = "session"


class SessionPythonJobHelper:
    """Runs a compiled dbt Python model in this process's SparkSession (dbt's PythonJobHelper protocol)."""

    def __init__(self, parsed_model: dict, credentials: Any) -> None:
        self.parsed_model = parsed_model
        self.credentials = credentials

    def session(self) -> Any:
        """The SparkSession of dbt-spark's session connection: the same builder and parameters, so that a
        Python model that runs before any SQL model still gets the profile's warehouse and settings."""
        from pyspark.sql import SparkSession

        builder = SparkSession.builder.enableHiveSupport()
        for parameter, value in (self.credentials.server_side_parameters or {}).items():
            builder = builder.config(parameter, value)
        return builder.getOrCreate()

    def submit(self, compiled_code: str) -> None:
        source = self.parsed_model.get("original_file_path") or self.parsed_model.get("alias", "<model>")
        exec(compile(compiled_code, source, "exec"), {"__name__": "__dbt_model__", "spark": self.session()})


def register_session_submission() -> None:
    """Add the `session` submission method to dbt-spark's adapter, and make it the default for profiles
    with `method: session` (the Databricks methods stay the default elsewhere)."""
    from dbt.adapters.spark.impl import SparkAdapter

    helpers = SparkAdapter.python_submission_helpers
    default = SparkAdapter.default_python_submission_method
    if getattr(helpers.fget, "registers_session", False):
        return

    def python_submission_helpers(adapter: Any) -> dict:
        return {**helpers.fget(adapter), SUBMISSION_METHOD: SessionPythonJobHelper}

    def default_python_submission_method(adapter: Any) -> str:
        method = getattr(adapter.config.credentials, "method", None)
        if str(getattr(method, "value", method)) == SUBMISSION_METHOD:
            return SUBMISSION_METHOD
        return default.fget(adapter)

    python_submission_helpers.registers_session = True
    SparkAdapter.python_submission_helpers = property(python_submission_helpers)
    SparkAdapter.default_python_submission_method = property(default_python_submission_method)


def main(argv: list[str] | None = None) -> int:
    """Run dbt (arguments as for the `dbt` command) with the session submission registered. Returns dbt's
    exit code: 0 success, 1 a model or test failed, 2 dbt could not run."""
    # Spark's Python workers (pandas conversions, UDFs) must run this interpreter, which has the packages.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    register_session_submission()
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(list(sys.argv[1:] if argv is None else argv))
    if result.success:
        return 0
    return 2 if result.exception is not None else 1


if __name__ == "__main__":
    sys.exit(main())
