"""The shop's four inputs (transactions, events, coupon redemptions and the customer table, gzip CSV) read,
validated and turned into customer features on a local Spark session, against the DuckDB build of the same
files: every candidate feature of every customer, the rejected rows and the input counts.

The SQL path only (`dbt run` up to customer_features, rejected_rows and input_quality): the whole build of
the same four inputs on Spark, Python models included, is in docs/scale-out.md (measured once; with the demo
test, the whole build on Spark is checked on the customer table)."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pytest

from segwarehouse.demo_transactions import shop_dbt_vars, write_shop
from tests.conftest import REPO, Warehouse
from tests.spark.conftest import run_spark_dbt

pytestmark = pytest.mark.spark

MODELS = ["--select", "+customer_features", "+rejected_rows", "+input_quality"]
REJECTED_COLUMNS = ["input_name", "source_row_number", "customer_id", "rejection_reason"]


def spark_table(spark_dir, table: str) -> pd.DataFrame:
    files = spark_dir / "spark-warehouse" / "segments.db" / table / "*.parquet"
    return duckdb.sql(f"select * from read_parquet('{files}')").df()


@pytest.fixture(scope="module")
def builds(spark_ready, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("shop-spark")
    variables = shop_dbt_vars(write_shop(workdir / "data", n_customers=1_000, seed=11))
    spark_dir = workdir / "spark"
    run = run_spark_dbt(
        REPO,
        spark_dir,
        "run",
        "--target",
        "spark",
        *MODELS,
        "--target-path",
        str(workdir / "spark_target"),
        "--vars",
        json.dumps(variables),
        cwd=REPO,
        helper=False,
    )
    assert run.returncode == 0, run.output[-6000:]
    duckdb_build = Warehouse(workdir=workdir / "duckdb", vars=variables)
    duckdb_build.workdir.mkdir()
    duckdb_build.dbt("run", *MODELS)
    return spark_dir, duckdb_build


def test_every_feature_of_every_customer_equals_duckdbs(builds):
    spark_dir, duckdb_build = builds
    expected = duckdb_build.query("select * from customer_features order by customer_id", published=False)
    actual = spark_table(spark_dir, "customer_features").sort_values("customer_id", ignore_index=True)
    # Every input contributes: the four inputs' features are there, for about a thousand customers.
    assert len(expected) >= 1_000
    for feature in ("monetary", "session_count", "coupon_redemptions"):
        assert feature in expected.columns, feature
    assert sorted(actual.columns) == sorted(expected.columns)
    actual = actual[list(expected.columns)]
    numeric = [column for column in expected.columns if pd.api.types.is_numeric_dtype(expected[column])]
    for column in numeric:
        np.testing.assert_allclose(
            actual[column].to_numpy(dtype=float),
            expected[column].to_numpy(dtype=float),
            rtol=1e-9,
            atol=1e-12,
            equal_nan=True,
            err_msg=column,
        )
    text = [column for column in expected.columns if column not in numeric]
    pd.testing.assert_frame_equal(actual[text], expected[text], check_dtype=False)


def test_rejected_rows_and_input_counts_equal_duckdbs(builds):
    spark_dir, duckdb_build = builds
    order = ", ".join(REJECTED_COLUMNS)
    expected = duckdb_build.query(f"select {order} from rejected_rows order by {order}", published=False)
    actual = spark_table(spark_dir, "rejected_rows")[REJECTED_COLUMNS].sort_values(
        REJECTED_COLUMNS, ignore_index=True
    )
    assert set(expected["input_name"]) >= {"transactions", "events"}
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False)
    expected_quality = duckdb_build.query("select * from input_quality order by all", published=False)
    actual_quality = spark_table(spark_dir, "input_quality")[list(expected_quality.columns)]
    actual_quality = actual_quality.sort_values(list(expected_quality.columns), ignore_index=True)
    pd.testing.assert_frame_equal(actual_quality, expected_quality, check_dtype=False)
