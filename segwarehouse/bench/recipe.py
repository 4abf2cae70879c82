"""The notebook recipe the warehouse is measured against, as a script: pandas reads the customer table,
drops duplicates, fills missing values with medians, applies log1p and standard scaling, fits KMeans for
k = 2..8, scores silhouette on a sample and keeps the best k.

`python -m segwarehouse.bench.recipe CUSTOMERS [--labels OUT]` prints the chosen k as JSON and, with
--labels, writes customer_id,label as Parquet (for the adjusted Rand index against the truth)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

from segwarehouse.demo_data import FEATURES

K_VALUES = range(2, 9)
SILHOUETTE_SAMPLE = 10_000


@dataclass(frozen=True)
class RecipeResult:
    best_k: int
    silhouettes: dict[int, float]
    customer_ids: pd.Series
    labels: np.ndarray


def read_table(path: Path | str) -> pd.DataFrame:
    path = str(path)
    if path.endswith(".parquet"):
        return pd.read_parquet(path)
    return pd.read_csv(path, dtype={"customer_id": str})


def run_recipe(table: pd.DataFrame, seed: int = 42) -> RecipeResult:
    """What a notebook does, step by step; one row per customer id is kept (the first)."""
    table = table.drop_duplicates().drop_duplicates(subset="customer_id").reset_index(drop=True)
    features = table[list(FEATURES)].apply(pd.to_numeric, errors="coerce")
    features = features.fillna(features.median())
    scaled = StandardScaler().fit_transform(np.log1p(features.clip(lower=0)))
    rng = np.random.default_rng(seed)
    sample = rng.choice(len(scaled), size=min(SILHOUETTE_SAMPLE, len(scaled)), replace=False)
    silhouettes: dict[int, float] = {}
    labels_by_k: dict[int, np.ndarray] = {}
    for k in K_VALUES:
        labels_by_k[k] = (
            KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(scaled).astype(np.int32)
        )
        silhouettes[k] = float(silhouette_score(scaled[sample], labels_by_k[k][sample]))
    best_k = max(silhouettes, key=silhouettes.get)
    return RecipeResult(best_k, silhouettes, table["customer_id"].astype(str), labels_by_k[best_k])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("customers", help="customer table: CSV or Parquet")
    parser.add_argument("--labels", help="write customer_id,label to this Parquet file")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    result = run_recipe(read_table(args.customers), seed=args.seed)
    if args.labels:
        pd.DataFrame({"customer_id": result.customer_ids, "label": result.labels}).to_parquet(args.labels)
    print(json.dumps({"best_k": result.best_k, "silhouettes": result.silhouettes}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
