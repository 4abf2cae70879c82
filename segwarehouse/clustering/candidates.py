"""Candidate clustering algorithms behind one interface: fit on a matrix, predict labels for any matrix.

Every candidate exposes centroids, so that customers outside the fitting sample are assigned the way
the model would (nearest centroid, or the mixture's posterior for the Gaussian mixture).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import HDBSCAN, KMeans
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

ALGORITHMS = ("kmeans", "ward", "gmm", "hdbscan")
# Algorithms for which the number of clusters is an input; the density method finds its own.
ALGORITHMS_WITH_K = ("kmeans", "ward", "gmm")
# Regularisation added to mixture covariances: standardized features with discrete spikes (counts of 0)
# would otherwise let a component collapse onto a spike.
GMM_REG_COVAR = 1e-2


def single_threaded_numerics() -> AbstractContextManager:
    """BLAS and OpenMP limited to one thread. The fits run on samples of thousands of rows, where a
    thread pool costs more than it gains; and inside dbt, DuckDB's threads run beside them, so spinning
    OpenMP workers fight for the cores (measured: k-means on 20,000 rows 1 s single-threaded, 21 s with
    two threads on a loaded 2-core machine)."""
    return threadpool_limits(limits=1)


@dataclass
class FittedCandidate:
    algorithm: str
    k: int
    centroids: np.ndarray
    model: object | None = None
    extras: dict[str, float] = field(default_factory=dict)

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        if self.algorithm == "gmm":
            return self.model.predict(matrix)
        return nearest_centroid(matrix, self.centroids)


def centroid_distances(matrix: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Euclidean distance of every row to every centroid, shape (n_rows, n_centroids)."""
    squared = (
        (matrix**2).sum(axis=1)[:, None] - 2.0 * matrix @ centroids.T + (centroids**2).sum(axis=1)[None, :]
    )
    return np.sqrt(np.maximum(squared, 0.0))


def nearest_centroid(matrix: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    return centroid_distances(matrix, centroids).argmin(axis=1)


def centroids_of(matrix: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    return np.vstack([matrix[labels == label].mean(axis=0) for label in range(k)])


def fit_candidate(
    algorithm: str,
    k: int | None,
    matrix: np.ndarray,
    seed: int,
    min_cluster_size: int = 50,
    ward_tree: np.ndarray | None = None,
) -> FittedCandidate:
    """Fit one candidate on `matrix`. `k` is ignored by the density method.

    `ward_tree` is the Ward linkage of `matrix` when the caller already has it: one tree serves every k.
    """
    if algorithm == "kmeans":
        model = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(matrix)
        return FittedCandidate(
            "kmeans", k, model.cluster_centers_, model, extras={"inertia": float(model.inertia_)}
        )
    if algorithm == "gmm":
        model = GaussianMixture(
            n_components=k,
            covariance_type="full",
            init_params="k-means++",
            reg_covar=GMM_REG_COVAR,
            random_state=seed,
        ).fit(matrix)
        return FittedCandidate("gmm", k, model.means_, model, extras={"bic": float(model.bic(matrix))})
    if algorithm == "ward":
        tree = ward_tree if ward_tree is not None else linkage(matrix, method="ward")
        labels = fcluster(tree, t=k, criterion="maxclust") - 1
        found = int(labels.max()) + 1
        return FittedCandidate("ward", found, centroids_of(matrix, labels, found))
    if algorithm == "hdbscan":
        labels = HDBSCAN(min_cluster_size=min_cluster_size, copy=True).fit_predict(matrix)
        found = int(labels.max()) + 1
        if found < 1:
            raise CandidateFailed("the density method found no cluster (everything is noise)")
        centroids = centroids_of(matrix, labels, found)
        noise_share = float((labels < 0).mean())
        return FittedCandidate("hdbscan", found, centroids, extras={"noise_share": noise_share})
    raise ValueError(f"unknown algorithm {algorithm!r}; choose one of {', '.join(ALGORITHMS)}")


class CandidateFailed(RuntimeError):
    """A candidate that cannot be fitted on this data (recorded in model selection, never fatal)."""
