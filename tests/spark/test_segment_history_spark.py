"""segment_history on Spark (insert_overwrite of its model-version partitions, history_incremental_config)
keeps the same periods as DuckDB's delete+insert through runs in which customers move, leave, arrive,
come back and a new model version scores everyone."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.spark

# Each run's assignments (customer_id, segment_id, model_version), the one input of segment_history.
RUNS = [
    [("c1", 1, 1), ("c2", 1, 1), ("c3", 2, 1), ("c4", 2, 1), ("c5", 3, 1), ("c6", 3, 1)],
    [("c1", 1, 1), ("c2", 1, 1), ("c3", 2, 1), ("c4", 2, 1), ("c5", 3, 1), ("c6", 3, 1)],
    [("c1", 1, 1), ("c2", 2, 1), ("c4", 2, 1), ("c5", 3, 1), ("c6", 3, 1), ("c7", 1, 1)],
    [("c1", 1, 2), ("c2", 2, 2), ("c3", 2, 2), ("c4", 3, 2), ("c5", 3, 2), ("c6", 3, 2), ("c7", 1, 2)],
    [("c1", 1, 2), ("c2", 2, 2), ("c3", 2, 2), ("c4", 1, 2), ("c6", 3, 2), ("c7", 1, 2)],
]
# The history after the five runs: (customer, segment, version, current, valid_from, valid_to), the times as
# the number of the run that set them among the runs that changed anything (run 2 changed nothing: the
# third run is 2, the fourth 3, the fifth 4). The same rows DuckDB's delete+insert keeps.
EXPECTED = [
    ["c1", 1, 1, False, 1, 3],
    ["c1", 1, 2, True, 3, None],
    ["c2", 1, 1, False, 1, 2],
    ["c2", 2, 1, False, 2, 3],
    ["c2", 2, 2, True, 3, None],
    ["c3", 2, 1, False, 1, 2],
    ["c3", 2, 2, True, 3, None],
    ["c4", 1, 2, True, 4, None],
    ["c4", 2, 1, False, 1, 3],
    ["c4", 3, 2, False, 3, 4],
    ["c5", 3, 1, False, 1, 3],
    ["c5", 3, 2, False, 3, 4],
    ["c6", 3, 1, False, 1, 3],
    ["c6", 3, 2, True, 3, None],
    ["c7", 1, 1, False, 2, 3],
    ["c7", 1, 2, True, 3, None],
]

# One process, one Spark session: dbt's (opened by a first query), in which the script also writes the
# assignments before each `dbt run --select segment_history`.
SCRIPT = """
import json, sys
from dbt.cli.main import dbtRunner
from pyspark.sql import SparkSession

runs, target_path, out = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
dbt = dbtRunner()
common = ["--target", "spark", "--target-path", target_path]
opened = dbt.invoke(["show", "--inline", "select 1 as one", *common])
assert opened.success, opened.exception
spark = SparkSession.builder.getOrCreate()
spark.sql("create database if not exists intermediate")
histories = []
for rows in runs:
    values = ", ".join(f"('{c}', {s}, {v})" for c, s, v in rows)
    spark.sql("drop table if exists intermediate.int_customers_segmented")
    spark.sql("create table intermediate.int_customers_segmented using parquet as select * from values "
              + values + " as assigned(customer_id, segment_id, model_version)")
    result = dbt.invoke(["run", "--select", "segment_history", *common])
    assert result.success, result.exception
    history = spark.sql("select * from segments.segment_history")
    histories.append({"columns": history.columns,
                      "rows": [row.asDict() for row in history.collect()]})
json.dump(histories, open(out, "w"), default=str)
"""


def test_segment_history_on_spark_keeps_the_periods_delete_insert_keeps(spark_ready, tmp_path):
    out = tmp_path / "histories.json"
    environment = {
        **os.environ,
        "SEGMENTS_SPARK_DIR": str(tmp_path / "spark"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(RUNS), str(tmp_path / "target"), str(out)],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    histories = json.loads(out.read_text())

    assert [len(history["rows"]) for history in histories] == [6, 6, 8, 15, 16]
    # Spark puts the partition column last; readers name their columns.
    assert histories[-1]["columns"] == [
        "customer_id",
        "segment_id",
        "is_current",
        "valid_from",
        "valid_to",
        "model_version",
    ]
    rows = histories[-1]["rows"]
    run_times = sorted({row["valid_from"] for row in rows} | {row["valid_to"] for row in rows} - {None})
    run_number = {time: number for number, time in enumerate(run_times, 1)}
    actual = sorted(
        [
            row["customer_id"],
            row["segment_id"],
            row["model_version"],
            row["is_current"],
            run_number[row["valid_from"]],
            run_number.get(row["valid_to"]),
        ]
        for row in rows
    )
    assert actual == EXPECTED
