"""Naming a version's segments: inherited names kept, personas assigned one to one by the fuller fit."""

import pandas as pd
import pytest

from segwarehouse import feature_catalogue
from segwarehouse.lifecycle.naming import (
    BOUND_LEVELS,
    NAME_COLUMNS,
    TRAIT_LEVELS,
    Catalogue,
    assign_personas,
    match_scores,
    name_segments,
)
from tests.conftest import REPO

SEEDS = REPO / "dbt_project" / "seeds"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue(
        personas=pd.read_csv(SEEDS / "persona_catalogue.csv"),
        signatures=pd.read_csv(SEEDS / "persona_signatures.csv"),
        labels=feature_catalogue.labels(),
    )


def profile(lifts: dict[int, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"segment_id": segment_id, "feature": feature, "centroid_z": z}
            for segment_id, features in lifts.items()
            for feature, z in features.items()
        ]
    )


RFM = {
    # Recent, frequent, big spenders; frequent and big spenders who are less recent; lapsed regulars;
    # lapsed small occasional buyers; newcomers.
    1: {"recency_days": -1.5, "frequency": 1.2, "monetary": 1.3, "tenure_days": 0.3},
    2: {"recency_days": -0.4, "frequency": 1.0, "monetary": 0.9, "tenure_days": 0.5},
    3: {"recency_days": 1.2, "frequency": 0.8, "monetary": 0.2, "tenure_days": 0.6},
    4: {"recency_days": 1.5, "frequency": -1.0, "monetary": -1.0, "tenure_days": 0.2},
    5: {"recency_days": -0.8, "frequency": -0.9, "monetary": -0.8, "tenure_days": -1.5},
}


def test_the_fuller_signature_wins_and_every_persona_is_used_once(catalogue):
    names = name_segments([1, 2, 3, 4, 5], profile(RFM), catalogue, min_z=0.25).set_index("segment_id")
    assert names["segment_name"].to_dict() == {
        1: "Champions",
        2: "Loyal Customers",
        3: "At Risk",
        4: "Dormant",
        5: "New Customers",
    }
    assert names["is_catalogue_persona"].all() and not names["is_inherited"].any()
    assert list(names.reset_index().columns) == NAME_COLUMNS


def test_a_greedy_best_match_per_segment_would_name_the_champions_loyal(catalogue):
    """Segment 1 fits both Champions and Loyal Customers; the assignment looks at all segments at once."""
    scores = match_scores(profile({1: RFM[1], 2: RFM[2]}), catalogue, min_z=0.25)
    assert scores.loc[1, "Champions"] > scores.loc[1, "Loyal Customers"] > 0
    assert assign_personas(scores) == {
        1: ("Champions", pytest.approx(scores.loc[1, "Champions"])),
        2: ("Loyal Customers", pytest.approx(scores.loc[2, "Loyal Customers"])),
    }


def test_inherited_names_stay_and_a_new_look_alike_is_numbered(catalogue):
    inherited = pd.DataFrame(
        [
            {
                "segment_id": 1,
                "segment_name": "Champions",
                "segment_description": "d",
                "suggested_action": "a",
                "persona_match_score": 3.0,
                "is_catalogue_persona": True,
                "is_inherited": False,
            }
        ]
    )
    lifts = {1: RFM[1], 6: RFM[1]}
    names = name_segments([1, 6], profile(lifts), catalogue, 0.25, inherited).set_index("segment_id")
    assert names.loc[1, "segment_name"] == "Champions" and names.loc[1, "is_inherited"]
    assert names.loc[6, "segment_name"] == "Champions (6)" and not names.loc[6, "is_inherited"]


def test_segments_without_a_persona_are_named_after_their_strongest_traits(catalogue):
    lifts = {1: {"product_click": 1.4, "total_purchases": -0.9, "avg_cart_value": 0.1}}
    names = name_segments([1, 2], profile(lifts), catalogue, min_z=5.0).set_index("segment_id")
    assert names.loc[1, "segment_name"] == "Many clicks · Few purchases"
    assert "Many clicks (z +1.40)" in names.loc[1, "segment_description"]
    assert not names.loc[1, "is_catalogue_persona"]
    # A segment without customers today has no profile.
    assert names.loc[2, "segment_name"] == "Segment 2"


def test_a_segment_absent_from_an_input_is_not_named_or_described_by_its_filled_features(catalogue):
    """Browsers who never bought: their purchase features are filled (as lapsed as the most lapsed, no
    orders), which reads as Dormant; observed for none of them, those features are no evidence."""
    lifts = {**RFM, 6: {"recency_days": 1.6, "frequency": -1.2, "monetary": -1.1, "tenure_days": -1.0}}
    rows = profile(lifts).assign(is_observed=True)
    rows.loc[rows["segment_id"] == 6, "is_observed"] = False
    events = pd.DataFrame(
        [
            {"segment_id": segment_id, "feature": feature, "centroid_z": z, "is_observed": True}
            for segment_id in range(1, 7)
            for feature, z in {"view_count": 1.4 if segment_id == 6 else -0.2, "session_count": 0.1}.items()
        ]
    )
    names = name_segments([1, 2, 3, 4, 5, 6], pd.concat([rows, events]), catalogue, min_z=0.25)
    by_id = names.set_index("segment_id")["segment_name"]
    assert by_id[4] == "Dormant" and by_id[6] != "Dormant" and not by_id[6].startswith("Dormant")
    assert by_id[6].startswith("Many views")  # its strongest observed trait
    assert "Lapsed" not in names.set_index("segment_id").loc[6, "segment_description"]


# Segment profiles measured on the quality panel's shop data (docs/quality.md), truth in the comments.
SHOP_TRANSACTIONS_AND_EVENTS = {
    1: {"recency_days": 1.30, "frequency": -0.96, "monetary": -1.06, "tenure_days": 0.33,  # Dormant
        "cart_count": -1.14, "cart_to_purchase_rate": 0.79, "purchase_count": -0.98},
    2: {"recency_days": -0.80, "frequency": 0.60, "monetary": 0.45, "tenure_days": 0.30,  # Loyal Customers
        "cart_count": 0.63, "cart_to_purchase_rate": -0.26, "purchase_count": 0.59},
    3: {"recency_days": -0.82, "frequency": -0.92, "monetary": -0.70, "tenure_days": -1.82,  # New Customers
        "cart_count": -0.57, "cart_to_purchase_rate": -0.88, "purchase_count": -0.88},
    4: {"recency_days": 0.32, "frequency": 0.89, "monetary": 1.00, "tenure_days": 0.67,  # At Risk
        "cart_count": 0.82, "cart_to_purchase_rate": -0.10, "purchase_count": 0.86},
    5: {"recency_days": -0.90, "frequency": 1.57, "monetary": 1.58, "tenure_days": 0.61,  # Champions
        "cart_count": 1.46, "cart_to_purchase_rate": 0.08, "purchase_count": 1.60},
}  # fmt: skip
SHOP_TRANSACTIONS_AND_CUSTOMER_TABLE = {
    1: {"recency_days": 1.29, "frequency": -0.96, "monetary": -1.06, "tenure_days": 0.33,  # Dormant
        "total_time_spent": -1.14, "product_click": -1.22, "avg_cart_value": -1.00},
    2: {"recency_days": -0.79, "frequency": 0.61, "monetary": 0.47, "tenure_days": 0.31,  # Loyal Customers
        "total_time_spent": 0.58, "product_click": 0.60, "avg_cart_value": 0.02},
    3: {"recency_days": -0.84, "frequency": -0.92, "monetary": -0.70, "tenure_days": -1.84,  # New Customers
        "total_time_spent": -0.44, "product_click": -0.24, "avg_cart_value": -0.16},
    4: {"recency_days": 0.29, "frequency": 0.89, "monetary": 1.00, "tenure_days": 0.67,  # At Risk
        "total_time_spent": 0.80, "product_click": 0.79, "avg_cart_value": 0.99},
    5: {"recency_days": -0.87, "frequency": 1.59, "monetary": 1.59, "tenure_days": 0.60,  # Champions
        "total_time_spent": 1.43, "product_click": 1.28, "avg_cart_value": 1.47},
}  # fmt: skip
SHOP_TRUTH = {1: "Dormant", 2: "Loyal Customers", 3: "New Customers", 4: "At Risk", 5: "Champions"}


def without_bounds(catalogue: Catalogue) -> Catalogue:
    signatures = catalogue.signatures[catalogue.signatures["level"].isin(TRAIT_LEVELS)]
    return Catalogue(catalogue.personas, signatures, catalogue.labels)


@pytest.mark.parametrize(
    ("lifts", "named_without_bounds"),
    [
        # Active regulars add to cart more than most, so they passed for Cart Abandoners, and the lapsing
        # big spenders, recency only +0.32, for Loyal Customers.
        (SHOP_TRANSACTIONS_AND_EVENTS, {2: "Cart Abandoners", 4: "Loyal Customers"}),
        # The lapsed few-order customers also click little: Casual Browsers outscored Dormant by 0.04.
        (SHOP_TRANSACTIONS_AND_CUSTOMER_TABLE, {1: "Casual Browsers"}),
    ],
    ids=["transactions_and_events", "transactions_and_customer_table"],
)
def test_a_bound_keeps_a_persona_off_a_segment_that_shows_the_opposite_trait(
    catalogue, lifts, named_without_bounds
):
    """Loyal Customers and Casual Browsers are not lapsed, Cart Abandoners do not buy more than most: with
    those bounds the measured shop segments get their true names."""
    ids = sorted(lifts)
    names = name_segments(ids, profile(lifts), catalogue, min_z=0.25).set_index("segment_id")
    assert names["segment_name"].to_dict() == SHOP_TRUTH
    unbounded = name_segments(ids, profile(lifts), without_bounds(catalogue), min_z=0.25)
    wrong = {
        row.segment_id: row.segment_name
        for row in unbounded.itertuples()
        if row.segment_name != SHOP_TRUTH[row.segment_id]
    }
    assert wrong == named_without_bounds


def test_a_bound_is_broken_only_by_the_opposite_trait_and_never_by_a_feature_the_segment_lacks(catalogue):
    """Casual Browsers (short visits, few clicks, small baskets; bound: recency not high)."""
    light = {"total_time_spent": -1.0, "product_click": -1.1, "avg_cart_value": -0.8}
    for recency, fits in [(None, True), (-0.5, True), (0.2, True), (0.3, False)]:
        lifts = {1: light if recency is None else {**light, "recency_days": recency}}
        score = match_scores(profile(lifts), catalogue, min_z=0.25).loc[1, "Casual Browsers"]
        assert score == pytest.approx(2.9) if fits else pd.isna(score), recency
    # Unobserved (customers the input does not have) is no evidence either way.
    rows = profile({1: {**light, "recency_days": 1.5}}).assign(is_observed=True)
    rows.loc[rows["feature"] == "recency_days", "is_observed"] = False
    rows = pd.concat([rows, profile({2: {**light, "recency_days": -0.5}}).assign(is_observed=True)])
    scores = match_scores(rows, catalogue, min_z=0.25)
    assert scores.loc[1, "Casual Browsers"] == pytest.approx(2.9)


def test_signatures_name_catalogue_features_at_known_levels(catalogue):
    signatures = catalogue.signatures
    assert set(signatures["level"]) <= set(TRAIT_LEVELS) | set(BOUND_LEVELS)
    assert set(signatures["feature"]) <= set(feature_catalogue.labels()["feature"])
    # Every persona has a trait to be recognised by; a bound alone names nothing.
    with_traits = set(signatures.loc[signatures["level"].isin(TRAIT_LEVELS), "persona_name"])
    assert with_traits == set(catalogue.personas["persona_name"])
