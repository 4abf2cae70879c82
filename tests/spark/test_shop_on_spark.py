"""The shop's four inputs (transactions, events, coupon redemptions and the customer table, gzip CSV) through
the whole build on a local Spark session (segwarehouse.spark_dbt: every model, Python models included, and
every data test), against the DuckDB build of the same files: every node passing on both engines, the same
model chosen (k of at least 3, clear of the selection rule's bars), the same frozen preprocessing, the same
segments with the same names, and every candidate feature of every customer, the rejected rows and the input
counts equal.

The rescoring build (a second build scores with the frozen model) is checked on the demo customer table
(test_demo_on_spark.py), where a build costs less than here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from segwarehouse.demo_transactions import shop_dbt_vars, write_shop
from tests.conftest import Warehouse
from tests.spark.conftest import node_statuses, run_warehouse_on_spark

pytestmark = pytest.mark.spark

CUSTOMERS = 1_000
RELATIVE_TOLERANCE = 1e-9
# Columns of int_feature_parameters_frozen that hold preprocessing parameters.
PARAMETER_COLUMNS = ["fill_value", "lower_fence", "upper_fence", "scaling_center", "scaling_scale"]
REJECTED_COLUMNS = ["input_name", "source_row_number", "customer_id", "rejection_reason"]
# How far the chosen model must clear the selection rule's bars for a comparison across engines to be
# meaningful: a choice on the edge of a bar could flip on rounding alone.
STABILITY_MARGIN = 0.05
SILHOUETTE_MARGIN = 0.01
# Prediction strengths on 1,000 customers move in steps of about 0.005; this keeps a choice by the
# reproducible-k step four steps clear of its bars.
REPRODUCIBLE_MARGIN = 0.02
# A seed whose choice clears every bar by these margins: with seeds 1, 2 and 4 a comparison of the rule was
# closer than its margin (seed 1's k = 5 separated better than 4 by 0.003 of silhouette), and seed 3's
# representative at its k won a tie between algorithms by 0.003 of prediction strength. Seed 5 chooses
# k = 3, where three algorithms find the same partition with a strength of 1.000.
SEED = 5


@pytest.fixture(scope="module")
def builds(spark_ready, tmp_path_factory):
    """The shop's files, their DuckDB warehouse and one Spark build of them."""
    workdir = tmp_path_factory.mktemp("shop-spark")
    variables = shop_dbt_vars(write_shop(workdir / "data", n_customers=CUSTOMERS, seed=SEED))
    spark = run_warehouse_on_spark(
        "build", workdir, {**variables, "export_dir": str(workdir / "spark-exports")}
    )
    assert spark.returncode == 0, spark.output[-8000:]
    duckdb_build = Warehouse(workdir=workdir / "duckdb", vars=variables)
    duckdb_build.workdir.mkdir()
    duckdb_build.dbt("build")
    return spark, duckdb_build


def test_every_node_and_data_test_passes_on_both_engines(builds):
    spark, duckdb_build = builds
    spark_statuses = spark.statuses()
    duckdb_statuses = node_statuses(duckdb_build.target)
    assert sorted(spark_statuses) == sorted(duckdb_statuses)
    failing = {node: status for node, status in spark_statuses.items() if status not in ("success", "pass")}
    assert not failing
    assert set(duckdb_statuses.values()) == {"success", "pass"}
    # The Python models ran in the session, and the data tests with them.
    assert spark_statuses["model.segments.int_segment_candidates_evaluated"] == "success"
    assert sum(node.startswith("test.") for node in spark_statuses) > 100


def assert_clear_of_the_bars(selection: pd.DataFrame) -> None:
    """The chosen model passes the bars of the rule's step that chose it, its confirmation included, and the
    next k up misses both ways of step 4 (docs/how-it-works.md), each by the margins, so that the other
    engine's rounding cannot change the choice."""
    chosen = selection.query("is_selected").iloc[0]
    assert chosen["k"] >= 3
    floor, reproducible_floor = chosen["stability_floor"], chosen["reproducible_k_floor"]
    representatives = selection[selection["is_k_representative"]].set_index("k")["silhouette"]
    threshold = representatives.max() * (1 - chosen["silhouette_tolerance"])
    below = representatives[representatives.index < chosen["k"]]
    separates = chosen["silhouette"] >= below[below.index.max()] + SILHOUETTE_MARGIN
    others = selection[(selection["k"] == chosen["k"]) & (selection["algorithm"] != chosen["algorithm"])]
    another_stable = others["prediction_strength"].max() >= floor + REPRODUCIBLE_MARGIN
    assert chosen["prediction_strength"] >= floor + STABILITY_MARGIN
    if chosen["chosen_by"] == "largest_k_within_silhouette_tolerance":
        assert chosen["silhouette"] >= threshold + SILHOUETTE_MARGIN
        assert separates or another_stable
    else:
        assert chosen["silhouette"] <= threshold - SILHOUETTE_MARGIN
        if chosen["chosen_by"] == "reproducible_past_silhouette_tolerance":
            assert chosen["prediction_strength"] >= reproducible_floor + REPRODUCIBLE_MARGIN
            assert another_stable
        else:
            assert chosen["chosen_by"] == "separating_past_silhouette_tolerance"
            assert separates
    # The next k up is neither reproduced and confirmed by a second algorithm, nor stable and separating.
    # (Step 4 measures every candidate of the next k that passes the cheap gates: the others have none.)
    next_k = selection[selection["k"] == chosen["k"] + 1]
    assert next_k["prediction_strength"].notna().any()
    near_stable = next_k[next_k["prediction_strength"] >= floor - REPRODUCIBLE_MARGIN]
    assert (
        next_k["prediction_strength"].max() <= reproducible_floor - REPRODUCIBLE_MARGIN
        or near_stable["algorithm"].nunique() <= 1
    )
    assert (near_stable["silhouette"] <= chosen["silhouette"] - SILHOUETTE_MARGIN).all()


def test_spark_chooses_the_same_model_clear_of_the_selection_bars(builds):
    spark, duckdb_build = builds
    expected = duckdb_build.query("select * from model_selection")
    actual = spark.table("model_selection")
    for selection in (expected, actual):
        assert_clear_of_the_bars(selection)
    chosen_on_spark = actual.query("is_selected")[["algorithm", "k"]].to_dict("records")
    assert chosen_on_spark == expected.query("is_selected")[["algorithm", "k"]].to_dict("records")


def test_spark_freezes_the_same_preprocessing(builds):
    spark, duckdb_build = builds
    expected = duckdb_build.query(
        "select * from lifecycle.int_feature_parameters_frozen order by model_version, feature",
        published=False,
    )
    actual = (
        spark.table("int_feature_parameters_frozen", schema="lifecycle")
        .sort_values(["model_version", "feature"])
        .reset_index(drop=True)
    )
    # Every candidate feature of the four inputs is frozen, not only the model's.
    assert len(expected) > 50
    labels = ["model_version", "feature", "transform"]
    pd.testing.assert_frame_equal(actual[labels].astype(str), expected[labels].astype(str))
    for column in PARAMETER_COLUMNS:
        np.testing.assert_allclose(
            actual[column].to_numpy(dtype=float),
            expected[column].to_numpy(dtype=float),
            rtol=RELATIVE_TOLERANCE,
            atol=0,
            err_msg=column,
        )


def test_spark_assigns_the_same_segments_with_the_same_names(builds):
    spark, duckdb_build = builds
    expected = duckdb_build.query("select customer_id, segment_id, segment_name from customer_segments")
    actual = spark.table("customer_segments")[["customer_id", "segment_id", "segment_name"]]
    merged = expected.merge(actual, on="customer_id", suffixes=("_duckdb", "_spark"))
    assert len(merged) == len(expected) >= CUSTOMERS
    assert adjusted_rand_score(merged["segment_id_duckdb"], merged["segment_id_spark"]) >= 0.99
    # Names follow segments: each Spark segment's name is the DuckDB name of most of its customers.
    majority = merged.groupby("segment_name_spark")["segment_name_duckdb"].agg(lambda names: names.mode()[0])
    assert (majority.index == majority.to_numpy()).all()
    assert majority.size >= 3


def test_every_feature_of_every_customer_equals_duckdbs(builds):
    spark, duckdb_build = builds
    expected = duckdb_build.query("select * from customer_features order by customer_id")
    actual = spark.table("customer_features").sort_values("customer_id", ignore_index=True)
    # Every input contributes: the four inputs' features are there, for about a thousand customers.
    assert len(expected) >= CUSTOMERS
    for feature in ("monetary", "session_count", "coupon_redemptions"):
        assert feature in expected.columns, feature
    assert sorted(actual.columns) == sorted(expected.columns)
    actual = actual[list(expected.columns)]
    numeric = [column for column in expected.columns if pd.api.types.is_numeric_dtype(expected[column])]
    for column in numeric:
        np.testing.assert_allclose(
            actual[column].to_numpy(dtype=float),
            expected[column].to_numpy(dtype=float),
            rtol=RELATIVE_TOLERANCE,
            atol=1e-12,
            equal_nan=True,
            err_msg=column,
        )
    text = [column for column in expected.columns if column not in numeric]
    pd.testing.assert_frame_equal(actual[text], expected[text], check_dtype=False)


def test_rejected_rows_and_input_counts_equal_duckdbs(builds):
    spark, duckdb_build = builds
    order = ", ".join(REJECTED_COLUMNS)
    expected = duckdb_build.query(f"select {order} from rejected_rows order by {order}")
    actual = spark.table("rejected_rows")[REJECTED_COLUMNS].sort_values(REJECTED_COLUMNS, ignore_index=True)
    assert set(expected["input_name"]) >= {"transactions", "events"}
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False)
    expected_quality = duckdb_build.query("select * from input_quality order by all")
    actual_quality = spark.table("input_quality")[list(expected_quality.columns)]
    actual_quality = actual_quality.sort_values(list(expected_quality.columns), ignore_index=True)
    pd.testing.assert_frame_equal(actual_quality, expected_quality, check_dtype=False)
