"""The demo customer table built on a local Spark session (segwarehouse.spark_dbt, target spark) against
its DuckDB build: the same model chosen, the same frozen preprocessing, the same segments, every data test
passing; then a second Spark build scores with the frozen model instead of training again. The customer
table alone; the shop's four inputs are test_shop_on_spark.py.

One DuckDB build and two Spark builds of 20,000 customers: the longest of the Spark tests (the times
measured are in docs/scale-out.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from tests.conftest import Warehouse
from tests.spark.conftest import SparkDbtRun, run_warehouse_on_spark

pytestmark = pytest.mark.spark

RELATIVE_TOLERANCE = 1e-9
# Columns of int_feature_parameters_frozen that hold preprocessing parameters.
PARAMETER_COLUMNS = ["fill_value", "lower_fence", "upper_fence", "scaling_center", "scaling_scale"]


@pytest.fixture(scope="module")
def demo(spark_ready, tmp_path_factory):
    """The demo CSV, its DuckDB warehouse, and two Spark builds of it (a training and a scoring one)."""
    workdir = tmp_path_factory.mktemp("demo-spark")
    subprocess.run([sys.executable, "-m", "segwarehouse", "demo", "--out", str(workdir / "data")], check=True)
    variables = {"customers_path": str(workdir / "data" / "customers.csv")}

    duckdb_build = Warehouse(workdir=workdir / "duckdb", vars=variables)
    duckdb_build.workdir.mkdir()
    duckdb_build.dbt("build")

    def spark_build(name: str) -> SparkDbtRun:
        arguments = {**variables, "export_dir": str(workdir / "spark-exports")}
        return run_warehouse_on_spark("build", workdir, arguments, name=name)

    first = spark_build("first")
    assert first.returncode == 0, first.output[-8000:]
    first_segments = first.table("customer_segments")
    second = spark_build("second")
    assert second.returncode == 0, second.output[-8000:]
    return {"duckdb": duckdb_build, "first": first, "first_segments": first_segments, "second": second}


def test_every_model_and_data_test_passes_on_spark(demo):
    for run in (demo["first"], demo["second"]):
        statuses = run.statuses()
        failing = {node: status for node, status in statuses.items() if status not in ("success", "pass")}
        assert not failing, run.output[-8000:]
        assert statuses["model.segments.int_segment_candidates_evaluated"] == "success"
        # The Python models ran in the session, the publication last.
        assert "warehouse_publication" in run.output


def test_spark_chooses_the_same_model(demo):
    query = "select algorithm, k from model_selection where is_selected"
    expected = demo["duckdb"].query(query)
    chosen = demo["first"].table("model_selection").query("is_selected")[["algorithm", "k"]]
    assert chosen.to_dict("records") == expected.to_dict("records")


def test_spark_freezes_the_same_preprocessing(demo):
    duckdb_parameters = demo["duckdb"].query(
        "select * from lifecycle.int_feature_parameters_frozen order by model_version, feature",
        published=False,
    )
    spark_parameters = (
        demo["second"]
        .table("int_feature_parameters_frozen", schema="lifecycle")
        .sort_values(["model_version", "feature"])
        .reset_index(drop=True)
    )
    assert (
        spark_parameters[["model_version", "feature", "transform"]]
        .astype(str)
        .equals(duckdb_parameters[["model_version", "feature", "transform"]].astype(str))
    )
    for column in PARAMETER_COLUMNS:
        np.testing.assert_allclose(
            spark_parameters[column].to_numpy(dtype=float),
            duckdb_parameters[column].to_numpy(dtype=float),
            rtol=RELATIVE_TOLERANCE,
            atol=0,
            err_msg=column,
        )


def test_spark_assigns_the_same_segments(demo):
    expected = demo["duckdb"].query("select customer_id, segment_id, segment_name from customer_segments")
    merged = expected.merge(demo["first_segments"], on="customer_id", suffixes=("_duckdb", "_spark"))
    assert len(merged) == len(expected) == len(demo["first_segments"])
    assert adjusted_rand_score(merged["segment_id_duckdb"], merged["segment_id_spark"]) >= 0.99
    # Names follow segments: each Spark segment's name is the DuckDB name of most of its customers.
    majority = merged.groupby("segment_name_spark")["segment_name_duckdb"].agg(lambda names: names.mode()[0])
    assert (majority.index == majority.to_numpy()).all()


def test_a_second_spark_build_scores_with_the_frozen_model(demo):
    second = demo["second"]
    trained = second.table("int_segment_models_trained", schema="lifecycle")
    assert set(trained["model_version"]) == {1}
    candidates = second.table("int_segment_candidates_evaluated", schema="lifecycle")
    assert set(candidates["model_version"]) == {1}
    assert set(second.table("segment_models")["model_version"]) == {1}
    again = second.table("customer_segments")
    pd.testing.assert_frame_equal(
        again.sort_values("customer_id").reset_index(drop=True)[
            ["customer_id", "segment_id", "segment_name"]
        ],
        demo["first_segments"]
        .sort_values("customer_id")
        .reset_index(drop=True)[["customer_id", "segment_id", "segment_name"]],
    )


def test_spark_publishes_in_place_and_writes_the_exports_where_spark_writes(demo):
    run = demo["second"]
    log = run.table("warehouse_publication")
    assert set(log["published_to"]) == {"spark:segments"}
    customers = log.set_index("table_name").loc["customer_segments", "row_count"]
    assert customers == len(demo["first_segments"])
    exports = run.table("crm_exports")
    assert set(exports["file_format"]) == {"csv", "parquet"}
    for row in exports.itertuples():
        directory = Path(row.file_path)
        assert directory.is_dir() and (directory / "_SUCCESS").exists()
    parquet = exports.query("export_name == 'customer_segments' and file_format == 'parquet'")[
        "file_path"
    ].iloc[0]
    assert duckdb.sql(f"select count(*) from read_parquet('{parquet}/*.parquet')").fetchone()[0] == customers
