"""Generator of seed-style customer behaviour data with known personas.

The demo table mimics what an e-commerce shop exports per customer: skewed counts and amounts, personas of
unequal size, missing cells, exact duplicate rows, a few conflicting duplicates and absurd outliers. The
ground truth (customer -> persona) is written to a separate file that only tests read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

FEATURES = ("total_purchases", "avg_cart_value", "total_time_spent", "product_click", "discount_count")


@dataclass(frozen=True)
class Persona:
    """Typical (median) behaviour of one persona; values are drawn log-normally around these medians."""

    name: str
    purchases: float
    cart_value: float
    time_spent: float
    clicks: float
    discount_rate: float


PERSONAS: dict[str, Persona] = {
    persona.name: persona
    for persona in (
        Persona(
            "Bargain Hunters", purchases=24, cart_value=22, time_spent=260, clicks=110, discount_rate=0.55
        ),
        Persona("High Spenders", purchases=9, cart_value=190, time_spent=150, clicks=60, discount_rate=0.04),
        Persona(
            "Window Shoppers", purchases=3.5, cart_value=55, time_spent=900, clicks=420, discount_rate=0.08
        ),
        Persona("Loyal Regulars", purchases=32, cart_value=75, time_spent=70, clicks=30, discount_rate=0.08),
        Persona("Casual Browsers", purchases=4, cart_value=16, time_spent=25, clicks=12, discount_rate=0.25),
    )
}

# Unequal persona sizes per number of personas, in the order of PERSONAS.
PERSONA_SHARES: dict[int, tuple[float, ...]] = {
    3: (0.48, 0.20, 0.32),
    4: (0.38, 0.16, 0.26, 0.20),
    5: (0.31, 0.13, 0.22, 0.18, 0.16),
}

# Spread of each behaviour around the persona median (log scale): wide enough that personas overlap.
LOG_SPREAD = 0.45


@dataclass(frozen=True)
class DemoData:
    customers: pd.DataFrame
    truth: pd.DataFrame


def generate_customers(
    n_customers: int = 20_000,
    n_personas: int = 3,
    seed: int = 42,
    missing_rate: float = 0.02,
    duplicate_rate: float = 0.01,
    conflict_rate: float = 0.002,
    outlier_rate: float = 0.001,
) -> DemoData:
    """Draw `n_customers` customers from the first `n_personas` personas.

    Returns the raw table (with the flaws a real export has) and the truth (one row per customer id).
    """
    if n_personas not in PERSONA_SHARES:
        raise ValueError(f"n_personas must be one of {sorted(PERSONA_SHARES)}, got {n_personas}")
    if n_customers < 10:
        raise ValueError(f"n_customers must be at least 10, got {n_customers}")
    rng = np.random.default_rng(seed)
    personas = list(PERSONAS.values())[:n_personas]
    shares = np.array(PERSONA_SHARES[n_personas])
    persona_index = rng.choice(n_personas, size=n_customers, p=shares / shares.sum())

    def lognormal(medians: np.ndarray, spread: float = LOG_SPREAD) -> np.ndarray:
        return np.exp(np.log(medians) + rng.normal(0.0, spread, size=len(medians)))

    def pick(attribute: str) -> np.ndarray:
        return np.array([getattr(p, attribute) for p in personas])[persona_index]

    purchases = rng.poisson(lognormal(pick("purchases")))
    cart_value = np.round(lognormal(pick("cart_value")), 2)
    time_spent = np.round(lognormal(pick("time_spent")), 1)
    clicks = rng.poisson(lognormal(pick("clicks")))
    rate = np.clip(lognormal(pick("discount_rate"), 0.3), 0.0, 1.0)
    discounts = rng.binomial(purchases, rate)

    customers = pd.DataFrame(
        {
            "customer_id": np.arange(100_001, 100_001 + n_customers).astype(str),
            "total_purchases": purchases.astype(float),
            "avg_cart_value": cart_value,
            "total_time_spent": time_spent,
            "product_click": clicks.astype(float),
            "discount_count": discounts.astype(float),
        }
    )
    truth = pd.DataFrame(
        {"customer_id": customers["customer_id"], "persona": [personas[i].name for i in persona_index]}
    )

    n_outliers = max(1, int(outlier_rate * n_customers))
    outlier_rows = rng.choice(n_customers, size=n_outliers, replace=False)
    for row in outlier_rows:
        feature = FEATURES[rng.integers(len(FEATURES))]
        customers.loc[row, feature] = customers.loc[row, feature] * 1000 + 1e6

    missing = rng.random((n_customers, len(FEATURES))) < missing_rate
    for column_index, feature in enumerate(FEATURES):
        customers.loc[missing[:, column_index], feature] = np.nan

    n_conflicts = int(conflict_rate * n_customers)
    conflicting = customers.iloc[rng.choice(n_customers, size=n_conflicts, replace=False)].copy()
    # A stale second record: one behaviour off by a little, as when two exports were concatenated.
    # A missing time gets a value, so that the copy always differs from the original.
    conflicting["total_time_spent"] = (conflicting["total_time_spent"].fillna(100.0) * 0.9).round(1)

    n_duplicates = int(duplicate_rate * n_customers)
    duplicates = customers.iloc[rng.choice(n_customers, size=n_duplicates, replace=False)]

    raw = pd.concat([customers, duplicates, conflicting], ignore_index=True)
    raw = raw.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return DemoData(customers=raw, truth=truth)


def write_demo_customers(
    directory: Path | str, n_customers: int = 20_000, n_personas: int = 3, seed: int = 42
) -> tuple[Path, Path]:
    """Write `customers.csv` and `customers_truth.csv` into `directory`; returns both paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    data = generate_customers(n_customers=n_customers, n_personas=n_personas, seed=seed)
    customers_path = directory / "customers.csv"
    truth_path = directory / "customers_truth.csv"
    data.customers.to_csv(customers_path, index=False, float_format="%.10g")
    data.truth.to_csv(truth_path, index=False)
    return customers_path, truth_path
