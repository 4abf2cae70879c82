"""Generator of seed-style customer behaviour data with known personas.

The demo table mimics what an e-commerce shop exports per customer: skewed counts and amounts, personas of
unequal size, missing cells, exact duplicate rows, a few conflicting duplicates and absurd outliers. The
ground truth (customer -> persona) is written to a separate file that only tests read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

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

# Large tables are drawn in blocks of at most this many customers, so that memory stays flat; see
# customer_blocks.
CUSTOMERS_PER_BLOCK = 250_000
FIRST_CUSTOMER_ID = 100_001


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
    first_customer_id: int = FIRST_CUSTOMER_ID,
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
            "customer_id": np.arange(first_customer_id, first_customer_id + n_customers).astype(str),
            "total_purchases": purchases.astype(float),
            "avg_cart_value": cart_value,
            "total_time_spent": time_spent,
            "product_click": clicks.astype(float),
            "discount_count": discounts.astype(float),
        }
    )
    persona_names = np.array([persona.name for persona in personas], dtype=object)
    truth = pd.DataFrame({"customer_id": customers["customer_id"], "persona": persona_names[persona_index]})

    n_outliers = max(1, int(outlier_rate * n_customers))
    outlier_rows = rng.choice(n_customers, size=n_outliers, replace=False)
    # One draw per outlier, in this order, so the data do not depend on how the update is applied.
    outlier_features = np.array([rng.integers(len(FEATURES)) for _ in outlier_rows], dtype=np.int64)
    for feature_index, feature in enumerate(FEATURES):
        rows = outlier_rows[outlier_features == feature_index]
        customers.loc[rows, feature] = customers.loc[rows, feature] * 1000 + 1e6

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


def block_seed(seed: int, block: int) -> int:
    """The seed of block `block`: the table's own seed for the first block (so a table of one block is
    exactly generate_customers(n, seed)), an independent stream derived from (seed, block) after it."""
    if block == 0:
        return seed
    return int(np.random.SeedSequence([seed, block]).generate_state(1)[0])


def customer_blocks(n_customers: int, n_personas: int = 3, seed: int = 42) -> Iterator[DemoData]:
    """The customer table of `n_customers` in blocks of at most CUSTOMERS_PER_BLOCK customers (sizes as
    equal as possible), each drawn by generate_customers from block_seed(seed, block) with consecutive
    ids. Depends only on the arguments: the same table whether the blocks are written one at a time or
    gathered. Duplicates and shuffling stay within a block."""
    if n_customers < 10:
        raise ValueError(f"n_customers must be at least 10, got {n_customers}")
    n_blocks = -(-n_customers // CUSTOMERS_PER_BLOCK)
    first_id = FIRST_CUSTOMER_ID
    for block, size in enumerate(np.diff(np.linspace(0, n_customers, n_blocks + 1).astype(np.int64))):
        yield generate_customers(
            int(size), n_personas=n_personas, seed=block_seed(seed, block), first_customer_id=first_id
        )
        first_id += int(size)


def _arrow_table(frame: pd.DataFrame) -> pa.Table:
    # Missing values become empty cells (CSV) or nulls (Parquet), as exports write them.
    return pa.Table.from_pandas(frame, preserve_index=False)


class _TableWriter:
    """Append frames to one CSV or Parquet file (chosen by the extension), block by block."""

    def __init__(self, path: Path):
        self.path = path
        self.parquet = path.suffix == ".parquet"
        self.writer: pa_csv.CSVWriter | pq.ParquetWriter | None = None

    def write(self, frame: pd.DataFrame) -> None:
        table = _arrow_table(frame)
        if self.writer is None:
            self.writer = (
                pq.ParquetWriter(self.path, table.schema)
                if self.parquet
                else pa_csv.CSVWriter(self.path, table.schema)
            )
        self.writer.write_table(table)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def write_customer_table(
    directory: Path | str,
    n_customers: int,
    n_personas: int = 3,
    seed: int = 42,
    file_format: str = "csv",
) -> tuple[Path, Path]:
    """Write `customers.<format>` and `customers_truth.<format>` (csv or parquet) into `directory`, block
    by block (see customer_blocks): memory stays flat at tens of millions of customers."""
    if file_format not in ("csv", "parquet"):
        raise ValueError(f"file_format must be csv or parquet, got {file_format!r}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    customers_path = directory / f"customers.{file_format}"
    truth_path = directory / f"customers_truth.{file_format}"
    customers_writer, truth_writer = _TableWriter(customers_path), _TableWriter(truth_path)
    try:
        for block in customer_blocks(n_customers, n_personas, seed):
            customers_writer.write(block.customers)
            truth_writer.write(block.truth)
    finally:
        customers_writer.close()
        truth_writer.close()
    return customers_path, truth_path


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
