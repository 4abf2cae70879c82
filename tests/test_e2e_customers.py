"""End to end: `dbt build` on generated customer tables with 3, 4 and 5 personas."""

import json
import re

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from tests.conftest import REPO

pytestmark = pytest.mark.e2e

SEED_PERSONAS = {"Bargain Hunters", "High Spenders", "Window Shoppers"}


def segments_with_truth(warehouse, truth_path):
    segments = warehouse.query("select customer_id, segment_id, segment_name from customer_segments")
    truth = pd.read_csv(truth_path, dtype={"customer_id": str})
    return segments.merge(truth, on="customer_id", how="outer", indicator=True)


@pytest.mark.parametrize("n_personas", [3, 4, 5])
def test_build_finds_the_personas(demo_warehouse_factory, n_personas):
    warehouse, truth_path = demo_warehouse_factory(n_personas)
    chosen = warehouse.query("select algorithm, k from model_selection where is_selected")
    assert len(chosen) == 1
    assert chosen["k"].item() == n_personas
    joined = segments_with_truth(warehouse, truth_path)
    assert (joined["_merge"] == "both").all(), "every generated customer is segmented, and nobody else"
    assert adjusted_rand_score(joined["persona"], joined["segment_id"]) >= 0.90
    names = warehouse.query("select segment_name from segment_profiles")["segment_name"]
    assert names.is_unique
    # Each segment is named after the persona most of its customers truly belong to.
    majority = joined.groupby("segment_name")["persona"].agg(lambda personas: personas.mode()[0])
    assert (majority.index == majority.values).all(), majority.to_dict()


def test_seed_personas_get_exactly_the_seed_names(demo_warehouse_factory):
    warehouse, _ = demo_warehouse_factory(3)
    profiles = warehouse.query("select * from segment_profiles order by segment_id")
    assert set(profiles["segment_name"]) == SEED_PERSONAS
    assert profiles["is_catalogue_persona"].all()
    assert profiles["customer_share"].sum() == pytest.approx(1.0)
    assert profiles["suggested_action"].str.len().gt(40).all()


def test_coupon_strategy_follows_the_discount_affinity(demo_warehouse_factory):
    """The affinity is the mean lift of the discount features; its sign and size pick the strategy."""
    warehouse, _ = demo_warehouse_factory(3)
    profiles = warehouse.query("select * from segment_profiles").set_index("segment_name")
    expected = (profiles["discount_count_lift_z"] + profiles["discount_share_lift_z"]) / 2
    np.testing.assert_allclose(profiles["discount_affinity_z"], expected, rtol=1e-9)
    assert profiles.loc["Bargain Hunters", "coupon_strategy"].startswith("Coupon-driven")
    # Discount counts per purchase differ between the personas far beyond sampling noise: a model feature.
    rate = warehouse.query_work(
        "select * from intermediate.int_feature_rates_measured where feature = 'discount_share'"
    )
    assert rate["is_count_rate"].item() and rate["reliability"].item() > 0.9
    used = warehouse.query("select features_used from model_selection where is_selected")["features_used"]
    assert "discount_share" in used.item().split(", ")
    assert profiles.loc["High Spenders", "coupon_strategy"].startswith("Pays full price")
    strategies = profiles["discount_affinity_z"].map(
        lambda z: "Coupon-driven" if z >= 0.5 else "Pays full price" if z <= -0.5 else "Average"
    )
    assert [s.startswith(p) for s, p in zip(profiles["coupon_strategy"], strategies, strict=True)] == [
        True
    ] * 3


def test_every_raw_row_is_accepted_or_rejected_with_a_reason(demo_warehouse_factory):
    warehouse, truth_path = demo_warehouse_factory(3)
    raw = pd.read_csv(truth_path.parent / "customers.csv", dtype=str)
    accepted = warehouse.query("select count(*) as n from customer_features")["n"].item()
    rejected = warehouse.query("select rejection_reason, count(*) as n from rejected_rows group by all")
    assert accepted + rejected["n"].sum() == len(raw)
    reasons = dict(zip(rejected["rejection_reason"], rejected["n"], strict=True))
    assert reasons["exact duplicate of an earlier row"] == raw.duplicated().sum()
    assert (
        reasons["conflicting duplicate of customer id"]
        == raw.drop_duplicates()["customer_id"].duplicated().sum()
    )


def test_outliers_are_clipped_and_missing_values_imputed(demo_warehouse_factory):
    warehouse, _ = demo_warehouse_factory(3)
    summary = warehouse.query("select * from feature_summary").set_index("feature")
    assert (summary.loc["avg_cart_value", "transform"]) == "log1p"
    assert (summary["clipped_count"] > 0).all()
    assert (summary["filled_count"] > 0).all()
    features = warehouse.query("select * from customer_features")
    z_columns = [column for column in features.columns if column.endswith("_z")]
    assert features[z_columns].abs().max().max() < 10
    assert features["is_avg_cart_value_imputed"].sum() == summary.loc["avg_cart_value", "filled_count"]
    # No outlier owns a segment: every segment is at least 2% of customers.
    assert warehouse.query("select min(customer_share) as s from segment_profiles")["s"].item() >= 0.02


def test_marts_have_no_missing_or_non_finite_numbers(demo_warehouse_factory):
    warehouse, _ = demo_warehouse_factory(4)
    for mart in ("customer_segments", "segment_centroids", "feature_summary", "customer_features"):
        frame = warehouse.query(f"select * from {mart}")
        numeric = frame.select_dtypes("number")
        assert numeric.notna().all().all(), mart
        assert (numeric.abs() < float("inf")).all().all(), mart


def test_published_tables_have_only_plain_columns(demo_warehouse_factory):
    """BI tools read the published file: no JSON, list, struct or map column anywhere in it."""
    warehouse, _ = demo_warehouse_factory(3)
    columns = warehouse.query("select table_name, column_name, data_type from information_schema.columns")
    assert len(columns) > 100
    nested = columns[columns["data_type"].str.contains(r"JSON|\[\]|STRUCT|MAP|UNION", regex=True)]
    assert nested.empty, nested.to_dict("records")


def test_customers_far_from_every_segment_are_flagged(demo_warehouse_factory):
    warehouse, _ = demo_warehouse_factory(3)
    segments = warehouse.query("select distance_to_centroid, is_far_from_segments from customer_segments")
    far = warehouse.query("select far_distance from segment_models where is_current_version")[
        "far_distance"
    ].item()
    expected = segments["distance_to_centroid"] > far
    assert (segments["is_far_from_segments"] == expected).mean() > 0.999
    # The threshold is the distance 99% of the training customers were within; training saw everyone.
    assert segments["is_far_from_segments"].mean() == pytest.approx(0.01, abs=0.005)


def test_crm_export_writes_csv_and_parquet(demo_warehouse_factory):
    warehouse, _ = demo_warehouse_factory(3)
    manifest = warehouse.query("select * from crm_exports")
    assert sorted(manifest["export_name"].unique()) == ["customer_features", "customer_segments"]
    for row in manifest.itertuples():
        path = warehouse.exports / f"{row.export_name}.{row.file_format}"
        assert path.exists()
        reader = "read_parquet" if row.file_format == "parquet" else "read_csv"
        assert duckdb.sql(f"select count(*) from {reader}('{path}')").fetchone()[0] == row.row_count == 20_000
    # Published: nothing is left waiting beside the final names.
    assert not list(warehouse.exports.glob("*.pending"))


def test_cookbook_analyses_compile_and_run(demo_warehouse_factory):
    warehouse, _ = demo_warehouse_factory(3)
    warehouse.dbt("compile", "--select", "resource_type:analysis")
    compiled = sorted((warehouse.target / "compiled" / "segments" / "dbt_project" / "analyses").glob("*.sql"))
    assert len(compiled) == len(list((REPO / "dbt_project" / "analyses").glob("*.sql"))) >= 5
    with duckdb.connect(str(warehouse.path), read_only=True) as connection:
        for path in compiled:
            result = connection.sql(path.read_text()).df()
            assert len(result) > 0, path.name
    top = warehouse.query(
        (warehouse.target / "compiled/segments/dbt_project/analyses/top_customers_in_segment.sql").read_text()
    )
    assert top["customer_value"].is_monotonic_decreasing and (top["segment_name"].nunique() == 1)
    # The generator's absurd outliers are among the top customers, and the analysis says they were clipped.
    assert top["clipped_features"].str.contains("above its fence").any()


def test_forced_k_and_algorithm_vars(tmp_path, demo_warehouse_factory):
    warehouse, _ = demo_warehouse_factory(3)
    forced = {"n_segments": 4, "algorithm": "kmeans", "retrain": True}
    # Training reads the clustering vars as checked by this build: a selection that leaves the check
    # out would train with an earlier build's settings, and is stopped.
    frozen_onwards = ("build", "--select", "int_feature_parameters_frozen+")
    stale = warehouse.dbt(*frozen_onwards, extra_vars=forced, check=False)
    assert stale.returncode != 0
    assert "include it in the selection, e.g. --select int_clustering_inputs_checked+" in stale.stdout
    # Clustering vars take effect when a new model version is trained.
    warehouse.dbt("build", "--select", "int_clustering_inputs_checked+", extra_vars=forced)
    chosen = warehouse.query("select algorithm, k from model_selection where is_selected")
    assert (chosen["algorithm"].item(), chosen["k"].item()) == ("kmeans", 4)
    assert warehouse.query("select count(distinct segment_id) as n from customer_segments")["n"].item() == 4
    # Back to the automatic choice for the other tests sharing this warehouse.
    # A full refresh starts the model history over, as the other tests sharing this warehouse expect.
    warehouse.dbt("build", "--full-refresh", "--select", "int_clustering_inputs_checked+")
    assert warehouse.query("select k from model_selection where is_selected")["k"].item() == 3


def test_docs_generate(demo_warehouse_factory):
    warehouse, _ = demo_warehouse_factory(3)
    warehouse.dbt("docs", "generate")
    catalog = json.loads((warehouse.target / "catalog.json").read_text())
    manifest = json.loads((warehouse.target / "manifest.json").read_text())
    published = warehouse.query("select table_schema, table_name from information_schema.tables")
    assert len(published) >= 19
    features = set(warehouse.query("select feature from feature_summary")["feature"])
    undocumented = []
    for table in published.itertuples():
        wanted = (table.table_name, table.table_schema)
        node_id = next(
            node_id
            for node_id, node in catalog["nodes"].items()
            if (node["metadata"]["name"], node["metadata"]["schema"]) == wanted
        )
        node = manifest["nodes"][node_id]
        if not node["description"].strip():
            undocumented.append(table.table_name)
        # A mart with a column per feature documents the pattern once.
        per_feature = {
            pattern.format(feature=feature)
            for pattern in node["meta"].get("columns_per_feature", [])
            for feature in features
        }
        for column in catalog["nodes"][node_id]["columns"]:
            described = node["columns"].get(column, {}).get("description", "").strip()
            if not described and column not in per_feature:
                undocumented.append(f"{table.table_name}.{column}")
    assert undocumented == []


def test_dbt_unit_tests_pass(demo_warehouse_factory):
    """The models' unit tests (yml unit_tests:) run here, with var unit_tests; production builds skip them."""
    warehouse, _ = demo_warehouse_factory(3)
    listed = warehouse.dbt(
        "ls", "--resource-type", "unit_test", "--output", "name", extra_vars={"unit_tests": True}
    )
    names = [line for line in listed.stdout.splitlines() if line and not line.startswith("\x1b")]
    names = [line for line in names if re.fullmatch(r"[a-z0-9_]+", line.strip())]
    assert len(names) >= 15, listed.stdout[-2000:]
    result = warehouse.dbt("test", "--select", "test_type:unit", extra_vars={"unit_tests": True})
    passed = set(re.findall(r"PASS \S+::(\w+)", result.stdout))
    assert passed == {name.strip() for name in names}, result.stdout[-3000:]
    # Not part of a production build.
    production = warehouse.dbt("ls", "--resource-type", "unit_test", "--output", "name")
    assert not [line for line in production.stdout.splitlines() if re.fullmatch(r"[a-z0-9_]+", line.strip())]
