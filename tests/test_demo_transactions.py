"""The shop generator: transactions, events, coupon redemptions and customer table with known personas."""

import numpy as np
import pandas as pd
import pytest

from segwarehouse.cli import main
from segwarehouse.demo_transactions import (
    SHOP_INPUTS,
    SHOP_PERSONAS,
    generate_shop,
    shop_dbt_vars,
    write_shop,
)


@pytest.fixture(scope="module")
def shop():
    return generate_shop(n_customers=1_500, seed=3)


def test_truth_has_every_customer_once_with_unequal_persona_sizes(shop):
    truth = shop.truth
    assert truth["customer_id"].is_unique and len(truth) == 1_500
    assert set(truth["persona"]) == {persona.name for persona in SHOP_PERSONAS}
    shares = truth["persona"].value_counts(normalize=True)
    assert shares.max() / shares.min() > 1.5


def test_transactions_have_the_flaws_of_a_real_export(shop):
    lines = shop.transactions
    assert list(lines.columns) == [
        "InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country",
        "discount_amount",
    ]  # fmt: skip
    cancelled = lines["InvoiceNo"].str.startswith("C")
    assert cancelled.sum() > 0
    quantity = pd.to_numeric(lines["Quantity"], errors="coerce")
    assert (quantity[cancelled] < 0).all() and (quantity[~cancelled].dropna() > 0).all()
    assert (lines["CustomerID"] == "").mean() > 0.02, "guest checkouts without a customer id"
    assert (lines["UnitPrice"] == 0).sum() > 0
    assert lines.duplicated().sum() > 0
    assert lines["CustomerID"].str.endswith(".0").any(), "float-written ids"
    assert quantity.isna().sum() > 0, "a few quantities that do not parse"
    timestamps = pd.to_datetime(lines["InvoiceDate"])
    assert timestamps.max() < pd.Timestamp("2025-01-01")


def test_every_customer_buys_and_personas_differ_in_recency_and_frequency(shop):
    lines = shop.transactions
    ids = lines["CustomerID"].str.replace(r"\.0$", "", regex=True)
    purchases = lines[(ids != "") & ~lines["InvoiceNo"].str.startswith("C")].assign(customer_id=ids)
    per_customer = purchases.groupby("customer_id").agg(
        orders=("InvoiceNo", "nunique"), last=("InvoiceDate", "max")
    )
    assert set(per_customer.index) == set(shop.truth["customer_id"])
    per_customer = per_customer.join(shop.truth.set_index("customer_id"))
    median_orders = per_customer.groupby("persona")["orders"].median()
    assert median_orders["Champions"] > median_orders["Loyal Customers"] > median_orders["Dormant"]
    last = pd.to_datetime(per_customer["last"])
    recency = (pd.Timestamp("2025-01-01") - last).dt.days.groupby(per_customer["persona"]).median()
    assert recency["Champions"] < recency["Loyal Customers"] < recency["At Risk"] < recency["Dormant"]


def test_events_have_canonical_and_other_types_sessions_and_anonymous_visits(shop):
    events = shop.events
    assert {"view", "cart", "remove_from_cart", "purchase"} <= set(events["event_type"])
    assert set(events["event_type"]) - {"view", "cart", "remove_from_cart", "purchase"}, "other types"
    assert (events["user_id"] == "").mean() > 0.02
    assert events["user_session"].notna().all()
    assert events.duplicated().sum() > 0
    # Every known customer's purchase sessions end in a purchase event.
    known = events[events["user_id"] != ""]
    assert known.groupby("user_id")["event_type"].apply(lambda types: (types == "purchase").any()).all()


def test_coupons_and_customer_table_describe_the_same_customers(shop):
    coupons = shop.coupon_redemptions
    assert {"customer_id", "redeemed_at", "coupon_code", "discount_amount"} == set(coupons.columns)
    assert (coupons["discount_amount"] > 0).all()
    assert "WELCOME10" in set(coupons["coupon_code"])
    customers = shop.customers
    assert set(customers["customer_id"]) == set(shop.truth["customer_id"])
    assert customers.duplicated().sum() > 0
    assert customers.isna().any().any()


def test_the_same_seed_gives_the_same_data_and_inputs_can_be_left_out():
    first = generate_shop(n_customers=200, seed=11, inputs=("transactions",))
    second = generate_shop(n_customers=200, seed=11, inputs=("transactions",))
    pd.testing.assert_frame_equal(first.transactions, second.transactions)
    assert first.events.empty and first.coupon_redemptions.empty and first.customers.empty
    with pytest.raises(ValueError, match="unknown input"):
        generate_shop(n_customers=200, inputs=("orders",))


def test_scales_linearly_about_fifty_lines_per_customer():
    lines = len(generate_shop(n_customers=2_000, seed=5, inputs=("transactions",)).transactions)
    assert 35 <= lines / 2_000 <= 65, "30,000 customers should give about 1.5 million lines"


def test_write_shop_and_the_cli_write_files_and_dbt_vars(tmp_path, capsys):
    paths = write_shop(tmp_path / "shop", n_customers=100, seed=1)
    assert set(paths) == {*SHOP_INPUTS, "truth"}
    lines = pd.read_csv(paths["transactions"], dtype=str, keep_default_na=False)
    assert len(lines) > 100 and "" in set(lines["CustomerID"])
    variables = shop_dbt_vars(paths)
    assert variables["transactions_columns"]["order_id"] == "InvoiceNo"
    assert "customers_columns" not in variables
    assert main(["shop", "--customers", "50", "--out", str(tmp_path / "cli"), "--inputs", "events"]) == 0
    output = capsys.readouterr().out
    assert "events_path" in output and (tmp_path / "cli" / "events.csv.gz").exists()
    assert not (tmp_path / "cli" / "transactions.csv.gz").exists()
    assert np.isfinite(pd.read_csv(tmp_path / "cli" / "events.csv.gz")["price"].dropna()).all()
