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
        silhouette = silhouette_from_distances(silhouette_distances, sample_labels)
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


def silhouette_from_distances(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette from a square distance matrix - the definition of sklearn's silhouette_score, with
    the per-cluster distance sums taken as one matrix product (several times faster when one distance
    matrix serves many labellings). a(i): mean distance to the other members of i's cluster; b(i): the
    smallest mean distance to another cluster; s(i) = (b - a) / max(a, b), and 0 in a one-member cluster."""
    labels = np.asarray(labels)
    n_rows = len(labels)
    clusters, position, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    membership = np.zeros((n_rows, len(clusters)))
    membership[np.arange(n_rows), position] = 1.0
    sums = np.asarray(distances) @ membership
    own_size = sizes[position]
    a = np.where(own_size > 1, sums[np.arange(n_rows), position] / np.maximum(own_size - 1, 1), 0.0)
    means = sums / sizes[None, :]
    means[np.arange(n_rows), position] = np.inf
    b = means.min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(own_size > 1, (b - a) / np.maximum(a, b), 0.0)
    return float(np.nan_to_num(values).mean())
