"""An input named as a Spark table (var customers_relation) builds the same customer features and rejected
rows as the DuckDB build of the file the table was loaded from."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from segwarehouse.demo_data import write_demo_customers
from tests.conftest import Warehouse
from tests.spark.conftest import run_warehouse_on_spark

pytestmark = pytest.mark.spark

MODELS = ["--select", "+customer_features", "+rejected_rows"]

# A Spark session of its own (a separate process: the embedded metastore admits one JVM at a time) with
# the warehouse directory and metastore of the spark target, creating the table raw.customers.
LOAD_TABLE = """
import sys
from pyspark.sql import SparkSession

spark_dir, parquet = sys.argv[1:3]
spark = (
    SparkSession.builder.enableHiveSupport()
    .config("spark.sql.warehouse.dir", spark_dir + "/spark-warehouse")
    .config("spark.driver.extraJavaOptions", "-Dderby.system.home=" + spark_dir)
    .config("spark.driver.host", "127.0.0.1")
    .config("spark.driver.bindAddress", "127.0.0.1")
    .config("spark.ui.enabled", "false")
    .getOrCreate()
)
spark.sql("create database if not exists raw")
spark.sql("create table raw.customers using parquet as select * from parquet.`" + parquet + "`")
spark.stop()
"""


def test_the_demo_from_a_spark_table_builds_what_duckdb_builds_from_the_file(spark_ready, tmp_path):
    customers, _ = write_demo_customers(tmp_path / "data", n_customers=3_000)
    # The file's rows as text with their line numbers, the order var customers_row_order gives the table.
    parquet = tmp_path / "data" / "customers.parquet"
    duckdb.sql(
        f"copy (select row_number() over () as line_number, * from read_csv('{customers}', header = true,"
        f" all_varchar = true)) to '{parquet}' (format parquet)"
    )
    spark_dir = tmp_path / "spark"
    spark_dir.mkdir()
    loaded = subprocess.run(
        [sys.executable, "-c", LOAD_TABLE, str(spark_dir), str(parquet)], capture_output=True, text=True
    )
    assert loaded.returncode == 0, loaded.stderr[-3000:]

    variables = {"customers_relation": "raw.customers", "customers_row_order": ["line_number"]}
    run = run_warehouse_on_spark("run", tmp_path, variables, *MODELS, helper=False)
    assert run.returncode == 0, run.output[-6000:]

    duckdb_build = Warehouse(workdir=tmp_path / "duckdb", vars={"customers_path": str(customers)})
    duckdb_build.workdir.mkdir()
    duckdb_build.dbt("run", *MODELS)

    expected = duckdb_build.query("select * from customer_features order by customer_id", published=False)
    actual = run.table("customer_features").sort_values("customer_id", ignore_index=True)
    assert len(expected) == 3_000
    pd.testing.assert_frame_equal(actual[list(expected.columns)], expected, check_dtype=False, rtol=1e-9)

    columns = ["input_name", "source_row_number", "customer_id", "rejection_reason"]
    expected_rejected = duckdb_build.query(
        f"select {', '.join(columns)} from rejected_rows order by source_row_number", published=False
    )
    actual_rejected = run.table("rejected_rows")
    actual_rejected = actual_rejected[columns].sort_values("source_row_number", ignore_index=True)
    assert len(expected_rejected) > 0
    pd.testing.assert_frame_equal(actual_rejected, expected_rejected, check_dtype=False)
    assert set(run.table("rejected_rows")["source_file"]) == {"raw.customers"}
