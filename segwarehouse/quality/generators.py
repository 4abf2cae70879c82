"""Data the quality panel segments, with the truth kept apart: families the demo generators do not cover.

- segmented_customer_table: a customer table of k log-normal segments, with a chosen overlap, size
  imbalance, skew and pure-noise columns.
- sklearn_customer_table: scikit-learn's make_blobs (anisotropic, unequal variances) or
  make_classification clusters pushed through skewed (exponential) marginals, so that they look like
  counts and amounts.
- shop_variant: the shop generator's data with one persona that never buys (its orders, purchase events
  and coupons removed: browsers) and/or one that never browses (its events removed: buys offline).

Every function is deterministic in its seed and returns (customer table or shop frames, truth), the truth
being customer_id -> label (a persona name where the data has names).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.datasets import make_blobs, make_classification

from segwarehouse.demo_transactions import ShopData, generate_shop

TABLE_FEATURES = ("orders", "basket_value", "minutes_online", "page_views", "returns")
FIRST_CUSTOMER_ID = 500_001


@dataclass(frozen=True)
class Overlap:
    """How far apart segment centres are (log scale) against the spread of customers around them."""

    min_centre_distance: float
    spread: float


OVERLAPS = {"separated": Overlap(2.2, 0.35), "overlapping": Overlap(1.6, 0.45)}


def _segment_shares(k: int, imbalance: float) -> np.ndarray:
    """Shares falling geometrically by `imbalance` (1: equal), normalised."""
    shares = imbalance ** np.arange(k)
    return shares / shares.sum()


def _centres(rng: np.random.Generator, k: int, n_features: int, min_distance: float) -> np.ndarray:
    """k log-scale centres, each at least `min_distance` from every other (drawn by rejection)."""
    centres: list[np.ndarray] = []
    attempts = 0
    while len(centres) < k:
        candidate = rng.uniform(0.5, 5.5, n_features)
        attempts += 1
        if all(np.linalg.norm(candidate - centre) >= min_distance for centre in centres) or attempts > 50_000:
            centres.append(candidate)
    return np.array(centres)


def _customer_ids(n: int) -> np.ndarray:
    return np.arange(FIRST_CUSTOMER_ID, FIRST_CUSTOMER_ID + n).astype(str)


def segmented_customer_table(
    n_customers: int,
    k: int,
    seed: int,
    overlap: str = "separated",
    imbalance: float = 1.0,
    skew: float = 1.0,
    noise_features: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """k segments of log-normal behaviour over TABLE_FEATURES (orders and page views as Poisson counts).
    skew > 1 widens the spread of two features (heavier right tails); noise_features adds columns that
    carry no segment information."""
    rng = np.random.default_rng(seed)
    shape = OVERLAPS[overlap]
    centres = _centres(rng, k, len(TABLE_FEATURES), shape.min_centre_distance)
    segment = rng.choice(k, size=n_customers, p=_segment_shares(k, imbalance))
    spreads = np.full(len(TABLE_FEATURES), shape.spread)
    spreads[[1, 2]] *= skew
    logs = centres[segment] + rng.normal(0.0, 1.0, (n_customers, len(TABLE_FEATURES))) * spreads
    values = np.exp(logs)
    table = pd.DataFrame(values, columns=list(TABLE_FEATURES))
    table["orders"] = rng.poisson(table["orders"]).astype(float)
    table["page_views"] = rng.poisson(table["page_views"]).astype(float)
    table["basket_value"] = table["basket_value"].round(2)
    table["minutes_online"] = table["minutes_online"].round(1)
    table["returns"] = table["returns"].round(2)
    for index in range(noise_features):
        table[f"noise_{index + 1}"] = np.exp(rng.normal(2.0, 0.8, n_customers)).round(2)
    table.insert(0, "customer_id", _customer_ids(n_customers))
    truth = pd.DataFrame({"customer_id": table["customer_id"], "persona": [f"S{s + 1}" for s in segment]})
    return table, truth


def sklearn_customer_table(
    n_customers: int, k: int, seed: int, family: str = "anisotropic_blobs"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """make_blobs with unequal variances, sheared by a random linear map (family 'anisotropic_blobs'), or
    make_classification with one cluster per class and unequal class sizes ('classification'); each
    column then exponentiated (a skewed, positive marginal) and scaled like an amount."""
    rng = np.random.default_rng(seed)
    n_features = 5
    if family == "anisotropic_blobs":
        points, labels = make_blobs(
            n_samples=n_customers,
            n_features=n_features,
            centers=k,
            cluster_std=rng.uniform(0.6, 1.4, k),
            center_box=(-7.0, 7.0),
            random_state=seed,
        )
        shear = np.eye(n_features) + rng.normal(0.0, 0.35, (n_features, n_features))
        points = points @ shear
    elif family == "classification":
        weights = _segment_shares(k, 0.8)
        points, labels = make_classification(
            n_samples=n_customers,
            n_features=n_features + 1,
            n_informative=n_features - 1,
            n_redundant=1,
            n_repeated=0,
            n_classes=k,
            n_clusters_per_class=1,
            weights=list(weights[:-1]),
            class_sep=2.5,
            flip_y=0.0,
            random_state=seed,
        )
    else:
        raise ValueError(f"unknown family {family!r}")
    scaled = (points - points.mean(axis=0)) / points.std(axis=0)
    values = np.exp(0.8 * scaled) * rng.uniform(5.0, 200.0, points.shape[1])
    columns = [f"measure_{index + 1}" for index in range(points.shape[1])]
    table = pd.DataFrame(values.round(3), columns=columns)
    table.insert(0, "customer_id", _customer_ids(n_customers))
    truth = pd.DataFrame(
        {"customer_id": table["customer_id"], "persona": [f"S{label + 1}" for label in labels]}
    )
    return table, truth


# Personas of the shop generator whose behaviour a variant changes, and the name the truth then gives them.
NEVER_BUYS = ("New Customers", "Engaged Browsers")
NEVER_BROWSES = ("Loyal Customers", "Loyal Customers")


def shop_variant(
    n_customers: int, seed: int, never_buys: bool = True, never_browses: bool = False
) -> tuple[ShopData, pd.DataFrame]:
    """The shop's four inputs where the New Customers never buy (no lines, purchase events or coupons:
    they browse, and are Engaged Browsers in the truth) and/or the Loyal Customers never browse (no
    events: they buy in a store whose till feeds the invoice lines)."""
    data = generate_shop(n_customers=n_customers, seed=seed)
    truth = data.truth.copy()
    transactions, events, coupons = data.transactions, data.events, data.coupon_redemptions
    customers = data.customers

    def written_ids(persona: str) -> set[str]:
        ids = set(truth.loc[truth["persona"] == persona, "customer_id"])
        return ids | {f"{customer_id}.0" for customer_id in ids}

    if never_buys:
        persona, renamed = NEVER_BUYS
        ids = written_ids(persona)
        transactions = transactions[~transactions["CustomerID"].astype(str).str.strip().isin(ids)]
        coupons = coupons[~coupons["customer_id"].astype(str).str.strip().isin(ids)]
        is_purchase = events["event_type"].astype(str).str.lower().eq("purchase")
        events = events[~(is_purchase & events["user_id"].astype(str).str.strip().isin(ids))]
        customers = customers[~customers["customer_id"].astype(str).str.strip().isin(ids)]
        truth.loc[truth["persona"] == persona, "persona"] = renamed
    if never_browses:
        persona, renamed = NEVER_BROWSES
        ids = written_ids(persona)
        events = events[~events["user_id"].astype(str).str.strip().isin(ids)]
        truth.loc[truth["persona"] == persona, "persona"] = renamed
    variant = ShopData(
        transactions=transactions.reset_index(drop=True),
        events=events.reset_index(drop=True),
        coupon_redemptions=coupons.reset_index(drop=True),
        customers=customers.reset_index(drop=True),
        truth=truth,
    )
    return variant, truth
