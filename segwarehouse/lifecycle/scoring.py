"""Score customers with a frozen model: segment ids, fit diagnostics, distance to the nearest centroid
and feature drift against the training population."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segwarehouse.clustering.assignment import assign_customers
from segwarehouse.lifecycle.drift import bin_shares, population_stability_index
from segwarehouse.lifecycle.frozen_model import FrozenModel


def score_customers(frozen: FrozenModel, customer_ids: np.ndarray, matrix: np.ndarray) -> pd.DataFrame:
    """One row per customer: segment_id (the frozen model's ids), model_version, distance_to_centroid,
    confidence, silhouette, nearest_centroid_distance and is_far_from_centroids."""
    assigned = assign_customers(frozen.candidate(), matrix)
    segment_of = np.asarray(frozen.segment_ids, dtype=np.int64)
    far_distance = float(frozen.extras.get("far_distance", np.inf))
    assigned.insert(0, "model_version", np.int64(frozen.version))
    assigned.insert(0, "segment_id", segment_of[assigned.pop("cluster").to_numpy()])
    assigned.insert(0, "customer_id", customer_ids)
    assigned["is_far_from_centroids"] = assigned["nearest_centroid_distance"] > far_distance
    return assigned


def feature_drift(frozen: FrozenModel, matrix: np.ndarray) -> pd.DataFrame:
    """One row per model feature: the population stability index of the scored customers against the
    training population, over the training deciles (matrix columns follow frozen.features)."""
    rows = []
    for column, feature in enumerate(frozen.features):
        reference = frozen.drift_reference[feature]
        shares = bin_shares(matrix[:, column], reference["edges"])
        rows.append(
            {
                "feature": feature,
                "psi": population_stability_index(np.asarray(reference["shares"]), shares),
                "bins": len(shares),
                "largest_bin_share_change": float(np.max(np.abs(shares - np.asarray(reference["shares"])))),
            }
        )
    return pd.DataFrame(rows, columns=["feature", "psi", "bins", "largest_bin_share_change"])
