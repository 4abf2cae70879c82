"""Assign every customer with the chosen model, with per-customer diagnostics."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segwarehouse.clustering.candidates import FittedCandidate, centroid_distances, single_threaded_numerics


def assign_customers(
    candidate: FittedCandidate, matrix: np.ndarray, batch_size: int = 500_000
) -> pd.DataFrame:
    """Label every row of `matrix` and describe how well it fits its segment.

    Columns: `cluster` (the model's label), `distance_to_centroid` (Euclidean, standardized units),
    `nearest_centroid_distance` (to the closest centroid: differs from the former only for the mixture) and
    `confidence`, the relative margin 1 - a / b with a the distance to the own centroid and b to the
    nearest other one, clipped to [0, 1]: 1 on the centroid, 0 halfway to the next (or, for the mixture,
    which assigns by density, when another centroid is nearer).
    Rows are processed in batches so memory stays flat for millions of customers.
    """
    with single_threaded_numerics():
        return _assign(candidate, matrix, batch_size)


def _assign(candidate: FittedCandidate, matrix: np.ndarray, batch_size: int) -> pd.DataFrame:
    parts = []
    for start in range(0, len(matrix), batch_size):
        batch = np.asarray(matrix[start : start + batch_size], dtype=np.float64)
        labels = candidate.predict(batch)
        distances = centroid_distances(batch, candidate.centroids)
        own = distances[np.arange(len(batch)), labels]
        others = distances.copy()
        others[np.arange(len(batch)), labels] = np.inf
        nearest_other = others.min(axis=1) if distances.shape[1] > 1 else own
        with np.errstate(invalid="ignore", divide="ignore"):
            confidence = np.where(nearest_other > 0, np.clip(1.0 - own / nearest_other, 0.0, 1.0), 0.0)
        parts.append(
            pd.DataFrame(
                {
                    "cluster": labels.astype(np.int64),
                    "distance_to_centroid": own,
                    "nearest_centroid_distance": distances.min(axis=1),
                    "confidence": confidence,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def segment_ids_by_size(clusters: np.ndarray, centroids: np.ndarray) -> dict[int, int]:
    """Map model labels to segment ids 1..k: largest segment first, ties by centroid (deterministic)."""
    counts = np.bincount(clusters, minlength=len(centroids))
    order = sorted(
        range(len(centroids)), key=lambda label: (-counts[label], tuple(np.round(centroids[label], 9)))
    )
    return {label: position + 1 for position, label in enumerate(order)}
