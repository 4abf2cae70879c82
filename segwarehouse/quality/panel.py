"""The quality panel: the data sets `make quality` segments, each written once per size and seed.

A DataSet writes its files into a directory and returns the dbt vars that point a build at them and the
truth file (None for real data without truth). Families:
- `table`: the project's customer-table generator idea at 2 to 8 segments, separated or overlapping,
  with size imbalance, heavier skew and pure-noise columns (generators.segmented_customer_table);
- `demo`: the demo generator's named personas (3, 4 and 5);
- `sklearn`: scikit-learn blobs and classification clusters through skewed marginals;
- `shop`: the shop generator with every non-empty subset of its four inputs, and variants where one
  persona never buys or never browses;
- `real`: the UCI Online Retail file when it is on the machine, and the CDNOW purchase history (from a
  wheel on PyPI; segwarehouse.quality.cdnow) - no truth: judged by stability and the smallest segment.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from segwarehouse.demo_data import write_demo_customers
from segwarehouse.demo_transactions import (
    ONLINE_RETAIL_COLUMNS,
    SHOP_FILES,
    SHOP_INPUTS,
    shop_dbt_vars,
    write_csv,
)
from segwarehouse.demo_transactions import write_shop as write_shop_files
from segwarehouse.quality.cdnow import write_cdnow
from segwarehouse.quality.generators import (
    segmented_customer_table,
    shop_variant,
    sklearn_customer_table,
)

REPO = Path(__file__).resolve().parents[2]
ONLINE_RETAIL = REPO.parent / "shared" / "data" / "online_retail.csv.gz"

Writer = Callable[[Path, int, int], tuple[dict, Path | None]]


@dataclass(frozen=True)
class DataSet:
    name: str
    family: str
    true_k: int | None
    write: Writer = field(repr=False)
    # Whether the truth's labels are persona names the catalogue should give.
    named: bool = False
    # Customers, as a share of the panel size (the shop's builds read ~50 lines per customer).
    size_factor: float = 1.0


def _customer_table_files(directory: Path, table: pd.DataFrame, truth: pd.DataFrame) -> tuple[dict, Path]:
    """Write a generated customer table and its truth; the vars that make every column a feature."""
    table.to_csv(directory / "customers.csv", index=False)
    truth.to_csv(directory / "truth.csv", index=False)
    features = [column for column in table.columns if column != "customer_id"]
    variables = {
        "customers_path": str(directory / "customers.csv"),
        "customer_features": features,
        "derived_ratios": {},
    }
    return variables, directory / "truth.csv"


def _table_writer(k: int, overlap: str, imbalance: float = 1.0, skew: float = 1.0, noise: int = 0) -> Writer:
    def write(directory: Path, n_customers: int, seed: int) -> tuple[dict, Path]:
        table, truth = segmented_customer_table(n_customers, k, seed, overlap, imbalance, skew, noise)
        return _customer_table_files(directory, table, truth)

    return write


def _sklearn_writer(k: int, family: str) -> Writer:
    def write(directory: Path, n_customers: int, seed: int) -> tuple[dict, Path]:
        return _customer_table_files(directory, *sklearn_customer_table(n_customers, k, seed, family))

    return write


def _demo_writer(personas: int) -> Writer:
    def write(directory: Path, n_customers: int, seed: int) -> tuple[dict, Path]:
        customers, truth = write_demo_customers(
            directory, n_customers=n_customers, n_personas=personas, seed=seed
        )
        return {"customers_path": str(customers)}, truth

    return write


def _shop_writer(inputs: tuple[str, ...]) -> Writer:
    def write(directory: Path, n_customers: int, seed: int) -> tuple[dict, Path]:
        paths = write_shop_files(directory, n_customers=n_customers, seed=seed, inputs=inputs)
        return shop_dbt_vars(paths), paths["truth"]

    return write


def _shop_variant_writer(never_buys: bool, never_browses: bool) -> Writer:
    def write(directory: Path, n_customers: int, seed: int) -> tuple[dict, Path]:
        data, truth = shop_variant(n_customers, seed, never_buys, never_browses)
        paths = {}
        for name in SHOP_INPUTS:
            paths[name] = directory / SHOP_FILES[name]
            write_csv(getattr(data, name), paths[name])
        truth.to_csv(directory / "truth.csv", index=False)
        return shop_dbt_vars(paths), directory / "truth.csv"

    return write


def _online_retail(directory: Path, n_customers: int, seed: int) -> tuple[dict, None]:
    return {"transactions_path": str(ONLINE_RETAIL), "transactions_columns": ONLINE_RETAIL_COLUMNS}, None


def _cdnow(directory: Path, n_customers: int, seed: int) -> tuple[dict, None]:
    # Every customer of the file, whatever the panel size; the wheel is kept beside the data sets.
    return write_cdnow(directory, directory.parent / "wheels")


SHOP_INPUT_ABBREVIATIONS = {"transactions": "T", "events": "E", "coupon_redemptions": "C", "customers": "U"}


def panel() -> list[DataSet]:
    sets: list[DataSet] = []
    for k in range(2, 9):
        for overlap in ("separated", "overlapping"):
            sets.append(DataSet(f"table_k{k}_{overlap}", "table", k, _table_writer(k, overlap)))
    for k in (4, 6):
        sets.append(
            DataSet(f"table_k{k}_imbalanced", "table", k, _table_writer(k, "separated", imbalance=0.6))
        )
        sets.append(DataSet(f"table_k{k}_skewed", "table", k, _table_writer(k, "separated", skew=2.0)))
        sets.append(DataSet(f"table_k{k}_noise_columns", "table", k, _table_writer(k, "separated", noise=2)))
    for personas in (3, 4, 5):
        sets.append(
            DataSet(f"demo_{personas}_personas", "demo", personas, _demo_writer(personas), named=True)
        )
    for k in (3, 4, 5, 6):
        sets.append(DataSet(f"sklearn_blobs_k{k}", "sklearn", k, _sklearn_writer(k, "anisotropic_blobs")))
        sets.append(
            DataSet(f"sklearn_classification_k{k}", "sklearn", k, _sklearn_writer(k, "classification"))
        )
    for size in range(1, len(SHOP_INPUTS) + 1):
        for inputs in itertools.combinations(SHOP_INPUTS, size):
            label = "".join(SHOP_INPUT_ABBREVIATIONS[name] for name in inputs)
            # Only the invoice lines carry what the shop's persona names describe (recency, orders, spend).
            named = "transactions" in inputs
            sets.append(
                DataSet(f"shop_{label}", "shop", 5, _shop_writer(inputs), named=named, size_factor=0.25)
            )
    sets.append(
        DataSet(
            "shop_never_buy",
            "shop variant",
            5,
            _shop_variant_writer(True, False),
            named=True,
            size_factor=0.25,
        )
    )
    sets.append(
        DataSet(
            "shop_never_browse",
            "shop variant",
            5,
            _shop_variant_writer(False, True),
            named=True,
            size_factor=0.25,
        )
    )
    if ONLINE_RETAIL.exists():
        sets.append(DataSet("online_retail", "real", None, _online_retail))
    sets.append(DataSet("cdnow", "real", None, _cdnow))
    return sets
