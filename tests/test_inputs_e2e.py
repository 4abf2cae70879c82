"""End to end: `dbt build` on generated transactions, events and coupon redemptions (alone and together)
and on the real Online Retail invoice lines when the shared file is there."""

from __future__ import annotations

import re

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from segwarehouse import feature_catalogue
from segwarehouse.demo_transactions import ONLINE_RETAIL_COLUMNS, shop_dbt_vars, write_shop
from tests.conftest import ONLINE_RETAIL, Warehouse, build_warehouse

pytestmark = pytest.mark.e2e


# Builds whose tests do not check the chosen k search fewer candidates.
QUICK_SELECTION = {"k_max": 6, "stability_resamples": 3}


@pytest.fixture(scope="module")
def shop_files(tmp_path_factory):
    return write_shop(tmp_path_factory.mktemp("shop") / "data", n_customers=2_500, seed=7)


def shop_vars(shop_files, *inputs: str, **extra) -> dict:
    return {**shop_dbt_vars({name: shop_files[name] for name in inputs}), **extra}


@pytest.fixture(scope="module")
def transactions_warehouse(tmp_path_factory, shop_files):
    return build_warehouse(tmp_path_factory.mktemp("transactions"), shop_vars(shop_files, "transactions"))


@pytest.fixture(scope="module")
def events_warehouse(tmp_path_factory, shop_files):
    variables = shop_vars(shop_files, "events", **QUICK_SELECTION)
    return build_warehouse(tmp_path_factory.mktemp("events"), variables)


@pytest.fixture(scope="module")
def all_inputs_warehouse(tmp_path_factory, shop_files):
    variables = shop_vars(
        shop_files, "transactions", "events", "coupon_redemptions", "customers", **QUICK_SELECTION
    )
    # Without the session_id mapping, sessions come from 30 minutes of inactivity.
    variables["events_columns"] = {"customer_id": "user_id", "event_ts": "event_time"}
    return build_warehouse(tmp_path_factory.mktemp("all_inputs"), variables)


def read_raw(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def normalized_ids(ids: pd.Series) -> pd.Series:
    ids = ids.str.strip()
    return ids.str.replace(r"^([0-9]+)\.0+$", r"\1", regex=True).replace("", np.nan)


def independent_rfm(raw: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """RFM straight from the raw lines with pandas, by the documented definitions: exact duplicates
    dropped; a valid purchase line has a customer id, quantity > 0, unit_price > 0 and no 'C' order;
    as_of = the day after the latest valid purchase."""
    read = [*columns.values(), *(column for column in ("discount_amount",) if column in raw)]
    lines = raw[read].rename(columns={v: k for k, v in columns.items()}).drop_duplicates()
    lines = lines.assign(
        customer=normalized_ids(lines["customer_id"]),
        quantity=pd.to_numeric(lines["quantity"], errors="coerce"),
        unit_price=pd.to_numeric(lines["unit_price"], errors="coerce"),
        order_ts=pd.to_datetime(lines["order_ts"], errors="coerce"),
    )
    valid = (
        lines["customer"].notna()
        & (lines["quantity"] > 0)
        & (lines["unit_price"] > 0)
        & ~lines["order_id"].str.upper().str.startswith("C")
        & lines["order_ts"].notna()
    )
    purchases = lines[valid].assign(value=lambda frame: frame["quantity"] * frame["unit_price"])
    as_of = purchases["order_ts"].max().normalize() + pd.Timedelta(days=1)
    per_customer = purchases.groupby("customer").agg(
        last=("order_ts", "max"), first=("order_ts", "min"), frequency=("order_id", "nunique"),
        monetary=("value", "sum"),
    )  # fmt: skip
    per_customer["recency_days"] = (as_of - per_customer["last"].dt.normalize()).dt.days
    per_customer["tenure_days"] = (as_of - per_customer["first"].dt.normalize()).dt.days
    return per_customer


def assert_rfm_matches(warehouse: Warehouse, expected: pd.DataFrame) -> None:
    rfm = warehouse.query("select * from customer_rfm").set_index("customer_id").sort_index()
    expected = expected.sort_index()
    assert list(rfm.index) == list(expected.index)
    for column in ("recency_days", "frequency", "tenure_days"):
        assert (rfm[column].to_numpy() == expected[column].to_numpy()).all(), column
    np.testing.assert_allclose(rfm["monetary"], expected["monetary"], rtol=1e-9)
    np.testing.assert_allclose(
        rfm["avg_order_value"], expected["monetary"] / expected["frequency"], rtol=1e-9
    )


def assert_segmented_once(warehouse: Warehouse, customers: set[str]) -> None:
    segments = warehouse.query("select customer_id from customer_segments")["customer_id"]
    assert segments.is_unique
    assert set(segments) == customers


def test_transactions_alone_find_the_five_personas(transactions_warehouse, shop_files):
    chosen = transactions_warehouse.query("select k from model_selection where is_selected")
    assert chosen["k"].item() == 5
    segments = transactions_warehouse.query(
        "select customer_id, segment_id, segment_name from customer_segments"
    )
    truth = pd.read_csv(shop_files["truth"], dtype=str)
    joined = segments.merge(truth, on="customer_id")
    assert len(joined) == len(segments)
    assert adjusted_rand_score(joined["persona"], joined["segment_id"]) >= 0.90
    # Each segment carries the name of the persona most of its customers truly belong to.
    majority = joined.groupby("segment_name")["persona"].agg(lambda personas: personas.mode()[0])
    assert sorted(majority.index) == sorted(majority.values) == sorted(truth["persona"].unique())
    assert (majority.index == majority.values).all(), majority.to_dict()


def test_transactions_rfm_equals_an_independent_computation(transactions_warehouse, shop_files):
    raw = read_raw(shop_files["transactions"])
    columns = {k: v for k, v in shop_dbt_vars(shop_files)["transactions_columns"].items()}
    expected = independent_rfm(raw, columns)
    assert_rfm_matches(transactions_warehouse, expected)
    assert_segmented_once(transactions_warehouse, set(expected.index))
    as_of = transactions_warehouse.query_work("select * from intermediate.int_as_of_date")
    assert as_of["as_of_date_rule"].item() == "day after the latest valid purchase"


def test_rfm_scores_that_point_the_wrong_way_fail_the_build(transactions_warehouse):
    warehouse = transactions_warehouse
    passed = warehouse.dbt("test", "--select", "customer_rfm,test_name:scores_follow_values")
    assert passed.stdout.count("PASS scores_follow_values") == 3

    def reverse_recency_scores():
        with duckdb.connect(str(warehouse.working_path)) as connection:
            connection.execute("update customer_rfm set recency_score = 6 - recency_score")

    # Scores computed in the opposite order (most recent = 1), the mistake the gate is there for.
    reverse_recency_scores()
    try:
        failed = warehouse.dbt("test", "--select", "customer_rfm,test_name:scores_follow_values", check=False)
    finally:
        reverse_recency_scores()
    assert failed.returncode != 0
    assert "FAIL 4 scores_follow_values_customer_rfm_recency_score" in failed.stdout


def test_transactions_every_line_accepted_or_rejected_with_its_reason(transactions_warehouse, shop_files):
    raw = read_raw(shop_files["transactions"])
    quality = transactions_warehouse.query("select * from input_quality where input_name = 'transactions'")
    counts = dict(zip(quality["outcome"], quality["row_count"], strict=True))
    assert sum(counts.values()) == len(raw)
    rejected = transactions_warehouse.query(
        "select rejection_reason, count(*) as n from rejected_rows"
        " where input_name = 'transactions' group by all"
    )
    for reason, n in zip(rejected["rejection_reason"], rejected["n"], strict=True):
        assert counts[reason] == n
    assert counts["missing customer id"] == (raw["CustomerID"].str.strip() == "").sum()
    assert counts["return"] > 0 and counts["zero or negative unit price"] > 0
    assert counts["exact duplicate of an earlier line"] > 0
    rfm = transactions_warehouse.query("select * from customer_rfm")
    assert rfm["rfm_group"].notna().all() and rfm["recency_score"].between(1, 5).all()


def test_correlated_features_are_pruned_and_recorded(transactions_warehouse):
    summary = transactions_warehouse.query(
        "select feature, is_model_feature, data_exclusion_reason from feature_summary"
    )
    used = transactions_warehouse.query("select features_used from model_selection limit 1")["features_used"]
    model_features = set(summary.loc[summary["is_model_feature"], "feature"])
    assert set(used.item().split(", ")) == model_features
    selection = transactions_warehouse.query_work(
        "select * from intermediate.int_features_selected order by candidate_order"
    ).set_index("feature")
    assert model_features <= {"recency_days", "frequency", "monetary", "tenure_days", "avg_order_value"}
    assert {"recency_days", "frequency", "tenure_days"} <= model_features
    # monetary follows frequency closely in this data: the later, lower-priority one is dropped.
    assert selection.loc["monetary", "exclusion_reason"].startswith("correlated with frequency")
    assert selection.loc["return_rate", "exclusion_reason"] == "not configured"
    # feature_summary says why (this build trained on today's data, so the two agree).
    reasons = summary.set_index("feature")["data_exclusion_reason"]
    pd.testing.assert_series_equal(
        reasons.sort_index(),
        selection["exclusion_reason"].rename("data_exclusion_reason").sort_index(),
        check_index_type=False,
    )
    assert reasons[reasons.isna()].index.sort_values().tolist() == sorted(model_features)
    correlations = transactions_warehouse.query_work(
        "select * from intermediate.int_feature_pairs_correlated"
    )
    kept = correlations[
        correlations["feature_a"].isin(model_features) & correlations["feature_b"].isin(model_features)
    ]
    assert (kept["abs_pearson_r"] <= 0.9).all()


def test_events_alone_build_sessions_and_thirty_features(events_warehouse, shop_files):
    raw = read_raw(shop_files["events"])
    summary = events_warehouse.query("select feature, is_model_feature from feature_summary")
    assert len(summary) >= 30
    customers = set(normalized_ids(raw["user_id"]).dropna())
    assert_segmented_once(events_warehouse, customers)
    # Sessions come from the session id: count them independently on the accepted events.
    accepted = events_warehouse.query_work(
        "select customer_id, session_id from intermediate.int_event_rows_validated where is_accepted"
    )
    expected_sessions = accepted.groupby("customer_id")["session_id"].nunique()
    features = events_warehouse.query("select customer_id, session_count, event_count from customer_features")
    features = features.set_index("customer_id").loc[expected_sessions.index]
    assert (features["session_count"].to_numpy() == expected_sessions.to_numpy()).all()
    assert events_warehouse.query("select count(*) as n from customer_rfm")["n"].item() == 0
    as_of = events_warehouse.query_work("select * from intermediate.int_as_of_date")
    assert as_of["as_of_date_rule"].item() == "day after the latest event or redemption"
    quality = events_warehouse.query(
        "select outcome, row_count from input_quality where input_name = 'events'"
    )
    assert quality["row_count"].sum() == len(raw)
    assert {"view", "cart", "remove_from_cart", "purchase", "other"} <= set(quality["outcome"])


def test_all_four_inputs_join_per_customer(all_inputs_warehouse, shop_files):
    warehouse = all_inputs_warehouse
    truth = pd.read_csv(shop_files["truth"], dtype=str)
    assert_segmented_once(warehouse, set(truth["customer_id"]))
    candidates = warehouse.query_work(
        "select feature, input_name, label, high_label, low_label, definition"
        " from intermediate.int_feature_candidates_listed"
    )
    assert set(candidates["input_name"]) == {"transactions", "events", "coupon_redemptions", "customers"}
    # dbt compiled the labels and definitions of the same catalogue Python reads (segment naming tests).
    catalogue = {feature.name: feature for feature in feature_catalogue.features()}
    for row in candidates.itertuples():
        entry = catalogue[row.feature]
        assert (row.input_name, row.label, row.high_label, row.low_label, row.definition) == (
            entry.input_name,
            entry.label,
            entry.high_label,
            entry.low_label,
            entry.definition,
        )
    selection = warehouse.query_work("select * from intermediate.int_features_selected").set_index("feature")
    # The customer table repeats what the detailed inputs say: its features lose to them.
    assert selection.loc["total_purchases", "exclusion_reason"].startswith("correlated with")
    assert selection["is_selected"].sum() >= 4
    # With the transactions given, the coupons contribute the number of redemptions: their rates and recency
    # restate the orders (dbt_project.yml default_model_features) and are only profiled.
    assert selection.loc["coupon_redemptions", "is_configured"]
    for restated in ["coupon_redemptions_per_order", "coupon_discount_share", "days_since_last_redemption"]:
        assert selection.loc[restated, "exclusion_reason"] == "not configured", restated
    # The customer table's coupon orders per purchase, over a handful of purchases each, are mostly
    # sampling noise: measured, and left out of the model with the reason.
    rate = warehouse.query_work(
        "select * from intermediate.int_feature_rates_measured where feature = 'discount_share'"
    )
    assert rate["is_count_rate"].item() and rate["reliability"].item() < 0.5
    reason = selection.loc["discount_share", "exclusion_reason"]
    assert reason == f"mostly sampling noise (rate reliability {rate['reliability'].item():.2f} < 0.5)"
    summary = warehouse.query("select feature, data_exclusion_reason from feature_summary").set_index(
        "feature"
    )
    assert summary.loc["discount_share", "data_exclusion_reason"] == reason
    # Sessions were inferred from 30 minutes of inactivity (no session id mapped).
    keys = warehouse.query_work(
        "select distinct session_key from intermediate.int_events_sessionized limit 5"
    )
    assert keys["session_key"].str.startswith("gap:").all()
    rejected = warehouse.query("select distinct input_name from rejected_rows")
    assert set(rejected["input_name"]) == {"transactions", "events", "coupon_redemptions", "customers"}
    features = warehouse.query("select * from customer_features")
    assert {"recency_days", "session_count", "coupon_redemptions_per_order", "total_purchases"} <= set(
        features
    )


def test_coupons_alone_and_a_missing_column_is_named(tmp_path, shop_files):
    warehouse = build_warehouse(
        tmp_path / "coupons", shop_vars(shop_files, "coupon_redemptions", **QUICK_SELECTION)
    )
    raw = read_raw(shop_files["coupon_redemptions"])
    assert_segmented_once(warehouse, set(normalized_ids(raw["customer_id"]).dropna()))
    summary = warehouse.query("select feature, is_model_feature from feature_summary")
    assert "coupon_redemptions" in set(summary["feature"])
    assert "coupon_redemptions_per_order" not in set(summary["feature"])
    # Without the transactions the days since the last redemption are the customers' only recency.
    configured = warehouse.query_work(
        "select feature from intermediate.int_features_selected where is_configured"
    )["feature"]
    assert set(configured) == {"coupon_redemptions", "days_since_last_redemption"}

    (tmp_path / "broken").mkdir()
    broken = Warehouse(tmp_path / "broken", shop_vars(shop_files, "transactions"))
    broken.vars["transactions_columns"] = {**broken.vars["transactions_columns"], "order_id": "OrderNumber"}
    result = broken.dbt("run", "--select", "stg_transactions", check=False)
    assert result.returncode != 0
    assert re.search(r"required column order_id is missing .*'OrderNumber'", result.stdout)


def test_timestamp_format_var_parses_other_date_styles(tmp_path):
    """The Excel-era Online Retail export writes 12/1/2010 8:26; var timestamp_format reads it."""
    path = tmp_path / "lines.csv"
    path.write_text(
        "Invoice,Cust,When,Qty,Price\n536365,17850.0,12/1/2010 8:26,6,2.55\n536366,,13/45/2010,1,1\n"
    )
    warehouse = Warehouse(
        tmp_path,
        {
            "transactions_path": str(path),
            "transactions_columns": {
                "order_id": "Invoice", "customer_id": "Cust", "order_ts": "When", "quantity": "Qty",
                "unit_price": "Price",
            },
            "timestamp_format": "%m/%d/%Y %H:%M",
        },
    )  # fmt: skip
    warehouse.dbt("run", "--select", "stg_transactions")
    # Staging lives in the work file (never published).
    staged = warehouse.query_work("select * from staging.stg_transactions order by source_row_number")
    assert staged["customer_id"].tolist()[0] == "17850" and pd.isna(staged["customer_id"].tolist()[1])
    assert staged["order_ts"].tolist()[0] == pd.Timestamp("2010-12-01 08:26:00")
    assert pd.isna(staged["order_ts"].tolist()[1]) and staged["order_ts_text"].tolist()[1] == "13/45/2010"
    assert staged["quantity"].tolist() == [6.0, 1.0]


@pytest.mark.skipif(not ONLINE_RETAIL.exists(), reason="shared Online Retail file not available")
def test_online_retail_through_the_column_map_alone(tmp_path_factory):
    warehouse = build_warehouse(
        tmp_path_factory.mktemp("online_retail"),
        {"transactions_path": str(ONLINE_RETAIL), "transactions_columns": ONLINE_RETAIL_COLUMNS},
    )
    raw = read_raw(ONLINE_RETAIL)
    expected = independent_rfm(raw, ONLINE_RETAIL_COLUMNS)
    assert len(expected) == 4338
    assert_segmented_once(warehouse, set(expected.index))
    assert_rfm_matches(warehouse, expected)
    as_of = warehouse.query_work("select as_of_date from intermediate.int_as_of_date")["as_of_date"].item()
    assert str(as_of)[:10] == "2011-12-10"
    quality = warehouse.query("select * from input_quality where input_name = 'transactions'")
    counts = dict(zip(quality["outcome"], quality["row_count"], strict=True))
    assert sum(counts.values()) == len(raw) == 541_909
    assert counts["missing customer id"] == 135_080
    assert counts["return"] > 8_000
    chosen = warehouse.query("select k from model_selection where is_selected")["k"].item()
    assert 2 <= chosen <= 10
    # The reports' exploration of the same lines: customers and spend by country (38 countries on the
    # lines; Hong Kong's buyers have no customer id, so 37 main countries), recency against spend.
    countries = warehouse.query("select * from report_customers_by_country order by country_rank")
    rfm = warehouse.query("select main_country, monetary from customer_rfm")
    by_country = rfm.groupby("main_country")["monetary"].agg(["size", "sum"])
    assert len(countries) == len(by_country) == 37
    assert countries["country"].iloc[0] == "United Kingdom" and countries["customers"].iloc[0] == 3_920
    assert countries.set_index("country")["customers"].to_dict() == by_country["size"].to_dict()
    spend = countries.set_index("country")["monetary"]
    np.testing.assert_allclose(spend.loc[by_country.index], by_country["sum"], rtol=1e-9)
    grid = warehouse.query("select sum(customers) as customers from report_recency_monetary")
    assert grid["customers"].item() == 4_338
    assert warehouse.query("select count(*) as n from report_event_funnel")["n"].item() == 0
