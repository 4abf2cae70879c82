import pandas as pd
import pytest

from segwarehouse.demo_data import (
    FEATURES,
    PERSONA_SHARES,
    PERSONAS,
    generate_customers,
    write_demo_customers,
)


@pytest.mark.parametrize("n_personas", [3, 4, 5])
def test_truth_has_one_persona_per_customer_in_unequal_shares(n_personas):
    data = generate_customers(n_customers=10_000, n_personas=n_personas, seed=1)
    truth = data.truth
    assert truth["customer_id"].is_unique
    assert len(truth) == 10_000
    shares = truth["persona"].value_counts(normalize=True)
    assert set(shares.index) == set(list(PERSONAS)[:n_personas])
    expected = dict(zip(PERSONAS, PERSONA_SHARES[n_personas], strict=False))
    for persona, share in shares.items():
        assert share == pytest.approx(expected[persona], abs=0.02)
    assert shares.max() / shares.min() > 1.5


def test_raw_table_has_the_flaws_of_a_real_export():
    data = generate_customers(n_customers=10_000, n_personas=3, seed=2)
    raw = data.customers
    assert list(raw.columns) == ["customer_id", *FEATURES]
    assert raw.duplicated().sum() == 100  # exact duplicate rows
    conflicting_ids = raw.drop_duplicates().loc[lambda f: f["customer_id"].duplicated(), "customer_id"]
    assert len(conflicting_ids) == 20  # same id, other values
    missing_share = raw[list(FEATURES)].isna().mean()
    assert ((missing_share > 0.01) & (missing_share < 0.03)).all()
    assert (raw[list(FEATURES)] > 1e6).any(axis=1).sum() >= 10  # absurd outliers
    assert (raw[list(FEATURES)].dropna() >= 0).all().all()


def test_personas_behave_as_described():
    data = generate_customers(n_customers=20_000, n_personas=3, seed=3)
    frame = data.customers.drop_duplicates("customer_id").merge(data.truth, on="customer_id")
    medians = frame.groupby("persona")[list(FEATURES)].median()
    bargain, spender, window = (
        medians.loc[name] for name in ("Bargain Hunters", "High Spenders", "Window Shoppers")
    )
    assert bargain["total_purchases"] > spender["total_purchases"] > window["total_purchases"]
    assert spender["avg_cart_value"] > window["avg_cart_value"] > bargain["avg_cart_value"]
    assert window["total_time_spent"] > bargain["total_time_spent"] > spender["total_time_spent"]
    assert window["product_click"] > bargain["product_click"]
    assert bargain["discount_count"] > 5 * max(spender["discount_count"], window["discount_count"], 1)
    skewness = frame["avg_cart_value"].clip(upper=frame["avg_cart_value"].quantile(0.999)).skew()
    assert skewness > 1.0


def test_same_seed_same_data_and_other_seed_other_data():
    first = generate_customers(n_customers=2_000, seed=7).customers
    again = generate_customers(n_customers=2_000, seed=7).customers
    other = generate_customers(n_customers=2_000, seed=8).customers
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def test_rejects_unknown_persona_count():
    with pytest.raises(ValueError, match="n_personas must be one of"):
        generate_customers(n_personas=6)


def test_writes_customers_and_truth_separately(tmp_path):
    customers, truth = write_demo_customers(tmp_path, n_customers=500, n_personas=4, seed=5)
    written = pd.read_csv(customers, dtype={"customer_id": str})
    assert "persona" not in written.columns
    assert pd.read_csv(truth)["persona"].nunique() == 4
    assert len(written) == 500 + 5 + 1  # customers, exact duplicates, conflicting duplicates
    assert written["customer_id"].nunique() == 500
