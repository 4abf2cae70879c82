"""Internal validation criteria for one labelling, on samples where the criterion is O(n^2)."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score


def internal_criteria(
    matrix: np.ndarray,
    labels: np.ndarray,
    silhouette_rows: np.ndarray,
    silhouette_distances: np.ndarray | None = None,
) -> dict[str, float]:
    """Silhouette (on the rows `silhouette_rows`), Calinski-Harabasz and Davies-Bouldin (on all rows).

    `silhouette_distances`: the Euclidean distances between the silhouette rows when the caller has
    them (they are the same for every candidate), so they are not recomputed.
    A labelling with a single cluster has no defined criteria: NaN is returned for each.
    """
    if len(np.unique(labels)) < 2:
        return {"silhouette": np.nan, "calinski_harabasz": np.nan, "davies_bouldin": np.nan}
    sample_labels = labels[silhouette_rows]
    if len(np.unique(sample_labels)) < 2:
        silhouette = np.nan
    elif silhouette_distances is not None:
        silhouette = float(silhouette_score(silhouette_distances, sample_labels, metric="precomputed"))
    else:
        silhouette = float(silhouette_score(matrix[silhouette_rows], sample_labels))
    return {
        "silhouette": silhouette,
        "calinski_harabasz": float(calinski_harabasz_score(matrix, labels)),
        "davies_bouldin": float(davies_bouldin_score(matrix, labels)),
    }


def within_cluster_sum_of_squares(matrix: np.ndarray, labels: np.ndarray, centroids: np.ndarray) -> float:
    """Inertia of any labelling: squared distance of each row to its cluster's centroid, summed."""
    return float(((matrix - centroids[labels]) ** 2).sum())


def smallest_cluster_share(labels: np.ndarray, k: int) -> float:
    counts = np.bincount(labels, minlength=k)
    return float(counts.min() / counts.sum())
