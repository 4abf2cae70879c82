"""Bad inputs: every case either builds with every raw row accounted for (accepted, or in rejected_rows
with a reason) and no NULL, NaN or infinity in the marts, or stops with one clear message and no Python
traceback (issue 7)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from segwarehouse.demo_data import generate_customers
from tests.conftest import Warehouse, build_warehouse

pytestmark = pytest.mark.e2e

FEATURES = ["total_purchases", "avg_cart_value", "total_time_spent", "product_click", "discount_count"]
FAST = {"stability_resamples": 2, "k_max": 4}
# Marts whose every numeric value must be a finite number.
FEATURE_MARTS = ("customer_features", "customer_segments", "segment_profiles", "segment_centroids")
MARTS = (*FEATURE_MARTS, "model_selection", "feature_summary", "rejected_rows", "input_quality")


def clean_customers(n_customers: int = 300, seed: int = 5) -> pd.DataFrame:
    data = generate_customers(
        n_customers, seed=seed, missing_rate=0, duplicate_rate=0, conflict_rate=0, outlier_rate=0
    )
    return data.customers.reset_index(drop=True)


def csv_field(value, delimiter: str = ",") -> str:
    text = "" if value is None else str(value)
    if any(character in text for character in (delimiter, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(path: Path, header: list[str], rows: list[list], *, delimiter=",", newline="\n", **encoding):
    lines = [delimiter.join(csv_field(value, delimiter) for value in row) for row in [header, *rows]]
    path.write_text(newline.join(lines) + newline, newline="", **(encoding or {"encoding": "utf-8"}))
    return path


def expect_failure(workdir: Path, variables: dict, *messages: str) -> str:
    """Build; it must fail, name the problem and print no Python traceback. Returns dbt's output."""
    workdir.mkdir(parents=True, exist_ok=True)
    warehouse = Warehouse(workdir=workdir, vars={**FAST, **variables})
    result = warehouse.dbt("build", check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    for message in messages:
        assert message in result.stdout, result.stdout[-4000:]
    assert "Traceback" not in output, output[-4000:]
    assert not warehouse.path.exists(), "a failed build must not publish anything"
    return result.stdout


def assert_marts_are_finite(warehouse: Warehouse) -> None:
    for mart in MARTS:
        numeric = warehouse.query(f"select * from {mart}").select_dtypes("number").astype(float)
        values = numeric.to_numpy()
        present = values[~numeric.isna().to_numpy()]
        assert all(math.isfinite(value) for value in present), f"{mart} holds NaN or infinity"
        if mart in FEATURE_MARTS:
            with_null = list(numeric.columns[numeric.isna().any()])
            assert not with_null, f"{mart} holds NULL in {with_null}"


# --- One build: a messy but usable file -----------------------------------------------------------------


MESSY_ROWS = {
    # id -> (row overrides, expected rejection reason or None for accepted)
    "Ünïcødé-客户-1": ({}, None),
    "ACME, Inc.": ({}, None),
    "TEXT-1": ({"total_purchases": "twelve"}, "not a number in total_purchases"),
    "NEG-1": ({"product_click": "-5"}, "negative value in product_click"),
    "HUGE-1": ({"avg_cart_value": "1e300"}, None),
    "OVER-1": ({"total_time_spent": "1e400"}, "non-finite value in total_time_spent"),
}


@pytest.fixture(scope="module")
def messy_warehouse(tmp_path_factory):
    """UTF-8 with BOM, CRLF line endings, quoted fields with commas, unicode ids, text in a numeric
    column, negative and huge values, an entirely empty feature column, a constant feature column and a
    conflicting duplicate, all in one file."""
    workdir = tmp_path_factory.mktemp("messy")
    customers = clean_customers()
    header = ["customer_id", *FEATURES, "loyalty_points", "store_visits", "note"]
    rows = []
    for record in customers.itertuples(index=False):
        rows.append([record.customer_id, *(getattr(record, f) for f in FEATURES), "", "3", "plain"])
    for customer_id, (overrides, _) in MESSY_ROWS.items():
        values = [overrides.get(f, "7") for f in FEATURES]
        rows.append([customer_id, *values, "", "3", 'says "hi", twice'])
    # The same customer twice with different values: the later row is kept.
    rows.append(["DUP-1", 1, 10, 100, 10, 0, "", "3", "first"])
    rows.append(["DUP-1", 2, 20, 200, 20, 1, "", "3", "second"])
    path = workdir / "messy.csv"
    write_csv(path, header, rows, newline="\r\n", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    variables = {
        **FAST,
        "customers_path": str(path),
        "customer_features": [*FEATURES, "loyalty_points", "store_visits"],
    }
    return build_warehouse(workdir, variables), len(rows)


def test_messy_file_every_row_accounted_for(messy_warehouse):
    warehouse, n_rows = messy_warehouse
    accepted = warehouse.query("select customer_id from customer_features")
    rejected = warehouse.query("select * from rejected_rows where input_name = 'customers'")
    assert len(accepted) + len(rejected) == n_rows
    assert rejected["rejection_reason"].notna().all()
    reasons = dict(zip(rejected["customer_id"], rejected["rejection_reason"], strict=True))
    for customer_id, (_, reason) in MESSY_ROWS.items():
        if reason is None:
            assert customer_id in set(accepted["customer_id"]), customer_id
        else:
            assert reasons.get(customer_id) == reason, (customer_id, reasons.get(customer_id))
    assert reasons["DUP-1"] == "conflicting duplicate of customer id"
    kept = warehouse.query("select total_purchases from customer_features where customer_id = 'DUP-1'")
    assert kept["total_purchases"].tolist() == [2.0]


def test_messy_file_header_and_ids_survive_bom_crlf_and_quotes(messy_warehouse):
    warehouse, _ = messy_warehouse
    ids = set(warehouse.query("select customer_id from customer_segments")["customer_id"])
    assert {"Ünïcødé-客户-1", "ACME, Inc.", "HUGE-1"} <= ids
    assert not any(str(i).startswith("\ufeff") or str(i).endswith("\r") for i in ids)


def test_messy_file_marts_hold_no_null_nan_or_infinity(messy_warehouse):
    warehouse, _ = messy_warehouse
    assert_marts_are_finite(warehouse)
    # The empty column is imputed for everyone, the constant one is constant: neither is used, neither
    # divides by zero.
    selection = warehouse.query_work("select feature, is_selected from intermediate.int_features_selected")
    used = set(selection.loc[selection["is_selected"], "feature"])
    assert not {"loyalty_points", "store_visits"} & used
    features = warehouse.query("select loyalty_points_z, store_visits_z from customer_features")
    assert (features.to_numpy() == 0).all()


# --- A second build: latin-1, semicolon-delimited -----------------------------------------------------


def test_latin1_semicolon_file_builds_with_every_row_accounted_for(tmp_path):
    customers = clean_customers(200, seed=8)
    rows = [
        [f"Cliente-{record.customer_id}-José", *(getattr(record, f) for f in FEATURES)]
        for record in customers.itertuples(index=False)
    ]
    rows.append(["Müller; Søren", "1,5", 10, 10, 10, 1])  # a decimal comma is not a number
    path = write_csv(
        tmp_path / "latin1.csv", ["customer_id", *FEATURES], rows, delimiter=";", encoding="latin-1"
    )
    with pytest.raises(UnicodeDecodeError):
        path.read_text(encoding="utf-8")
    warehouse = build_warehouse(
        tmp_path, {**FAST, "customers_path": str(path), "customers_encoding": "latin1"}
    )
    accepted = set(warehouse.query("select customer_id from customer_segments")["customer_id"])
    rejected = warehouse.query("select customer_id, rejection_reason from rejected_rows")
    assert len(accepted) + len(rejected) == len(rows)
    assert f"Cliente-{customers.customer_id[0]}-José" in accepted
    assert rejected.values.tolist() == [["Müller; Søren", "not a number in total_purchases"]]
    assert_marts_are_finite(warehouse)


def test_a_file_that_is_not_utf8_is_read_as_latin1_without_the_var(tmp_path):
    path = write_csv(
        tmp_path / "latin1.csv", ["customer_id", *FEATURES], [["José", 1, 2, 3, 4, 0]], encoding="latin-1"
    )
    warehouse = Warehouse(workdir=tmp_path, vars={"customers_path": str(path)})
    warehouse.dbt("compile", "--select", "stg_customers")
    compiled = next(warehouse.target.glob("compiled/**/stg_customers.sql")).read_text()
    assert "encoding = 'latin-1'" in compiled


# --- Builds that must stop with one clear message -----------------------------------------------------


def small_file(path: Path, header=("customer_id", *FEATURES), n_rows: int = 3) -> Path:
    return write_csv(path, list(header), [[f"C{i}", 1 + i, 2, 3, 4, 0] for i in range(n_rows)])


def test_required_column_missing(tmp_path):
    path = small_file(tmp_path / "c.csv", header=("client", *FEATURES))
    expect_failure(
        tmp_path,
        {"customers_path": str(path)},
        f"required column customer_id is missing from {path}; the file has: client,",
    )


def test_column_map_naming_a_column_the_file_does_not_have(tmp_path):
    path = small_file(tmp_path / "c.csv")
    expect_failure(
        tmp_path,
        {"customers_path": str(path), "customers_columns": {"total_purchases": "Orders"}},
        "required column total_purchases is missing from",
        "(mapped to 'Orders' by var customers_columns)",
    )


def test_column_map_key_that_is_not_a_canonical_column(tmp_path):
    path = small_file(tmp_path / "c.csv")
    expect_failure(
        tmp_path,
        {"customers_path": str(path), "customers_columns": {"orders": "total_purchases"}},
        "customers_columns names 'orders', which is not a column of the customers input; canonical columns: "
        "customer_id, total_purchases",
    )


def test_input_path_that_does_not_exist(tmp_path):
    missing = tmp_path / "no_such_dir" / "customers.csv"
    expect_failure(tmp_path, {"customers_path": str(missing)}, f"file not found: {missing}")


@pytest.mark.parametrize("content", ["", "customer_id,total_purchases\n"], ids=["zero-bytes", "header-only"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_text(content)
    expect_failure(tmp_path, {"customers_path": str(path)}, f"customers input has no rows: {path}")


def test_too_few_customers(tmp_path):
    path = small_file(tmp_path / "two.csv", n_rows=2)
    needed = 10 * FAST["k_max"]  # ten customers per segment of the largest k tried (macro minimum_customers)
    output = expect_failure(
        tmp_path, {"customers_path": str(path)}, f"too few customers (2): at least {needed} are needed"
    )
    assert "int_segment_candidates_evaluated" not in output or "SKIP" in output


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"n_segments": "four"}, "var n_segments must be a whole number, got 'four'"),
        ({"algorithm": "dbscan"}, "var algorithm is 'dbscan'; choose one of kmeans, ward, gmm, hdbscan"),
        (
            {"customer_features": ["total_purchases", "x; drop table t"]},
            "var customer_features names 'x; drop table t', which is not a valid column name",
        ),
        ({"customers_encoding": "klingon"}, "var customers_encoding is 'klingon'; supported: utf-8"),
        ({"outlier_iqr_multiplier": "3); drop table t; --"}, "var outlier_iqr_multiplier must be a number"),
        ({"k_min": 5, "k_max": 3}, "k range must satisfy 2 <= k_min <= k_max, got 5..3"),
        ({"max_noise_share": 1.5}, "var max_noise_share must be between 0 and 1, got 1.5"),
        ({"reproducible_k_floor": -0.1}, "var reproducible_k_floor must be between 0 and 1, got -0.1"),
        ({"min_rate_reliability": 2}, "var min_rate_reliability must be between 0 and 1, got 2"),
        (
            {"default_model_features": {"customers": None, "transactions": [{"name": "frequency"}]}},
            "var default_model_features lists '{'name': 'frequency'}' for transactions; give a feature name",
        ),
        (
            {
                "default_model_features": {
                    "customers": [{"feature": "total_purchases", "unless_input": "orders"}]
                }
            },
            "var default_model_features: unless_input of total_purchases is 'orders'; inputs: transactions,",
        ),
    ],
    ids=[
        "n_segments",
        "algorithm",
        "feature-name",
        "encoding",
        "number",
        "k-range",
        "share",
        "floor",
        "reliability",
        "default-entry",
        "default-unless-input",
    ],
)
def test_bad_vars(tmp_path, variables, message):
    path = small_file(tmp_path / "c.csv")
    expect_failure(tmp_path, {"customers_path": str(path), **variables}, message)
