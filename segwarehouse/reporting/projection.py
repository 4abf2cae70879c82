"""Two-dimensional pictures of a sample of customers in the model's standardized feature space.

For each customer of the sample: the first two principal components, a t-SNE map, the silhouette (the
real one, from the distances to every other customer of the sample) and the cluster of Ward's
hierarchical method cut at the number of segments, named after the segment it overlaps most.

The principal axes come from a covariance matrix: the one of every customer when the caller has it
(computed in SQL over the whole table), otherwise the sample's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# t-SNE settings: perplexity 30 is the usual neighbourhood size; 500 iterations are sklearn's 250 of early
# exaggeration plus 250 of refinement (with 350 the Kullback-Leibler divergence of a 3,500-customer map was
# still 20% higher, with 1,000 only 10% lower). One thread: 1.4 s for 1,050 customers and 6.2 s for 3,500
# (10 features) on the 2-core reference machine, whatever else runs. Two OpenMP threads took 0.9 s and 3.9
# s on an otherwise idle machine, but 4 to 24 s for the 3,500 when another process used the other core,
# as the build's other thread can.
TSNE_PERPLEXITY = 30.0
TSNE_MAX_ITER = 500
TSNE_THREADS = 1

PROJECTION_COLUMNS = [
    "pc1",
    "pc2",
    "tsne_1",
    "tsne_2",
    "silhouette",
    "ward_segment_id",
    "pc1_variance_share",
    "pc2_variance_share",
    "ward_adjusted_rand_index",
]


@dataclass(frozen=True)
class PrincipalAxes:
    """The first two principal axes (columns of `axes`, one row per feature), the mean they are centred
    on, and the share of the total variance along each."""

    means: np.ndarray
    axes: np.ndarray
    variance_shares: np.ndarray

    def project(self, matrix: np.ndarray) -> np.ndarray:
        return (np.asarray(matrix, dtype=np.float64) - self.means) @ self.axes


def principal_axes(means: np.ndarray, covariance: np.ndarray) -> PrincipalAxes:
    """The first two eigenvectors of a covariance matrix, each oriented so that its largest loading is
    positive (the picture does not flip between runs). With a single feature the second axis is zero."""
    covariance = np.atleast_2d(np.asarray(covariance, dtype=np.float64))
    size = covariance.shape[0]
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues, eigenvectors = np.clip(eigenvalues[order], 0, None), eigenvectors[:, order]
    eigenvectors = eigenvectors * np.sign(eigenvectors[np.abs(eigenvectors).argmax(axis=0), range(size)])
    total = eigenvalues.sum()
    shares = eigenvalues / total if total > 0 else np.zeros(size)
    axes = np.zeros((size, 2))
    kept = min(2, size)
    axes[:, :kept] = eigenvectors[:, :kept]
    variance_shares = np.zeros(2)
    variance_shares[:kept] = shares[:kept]
    return PrincipalAxes(np.asarray(means, dtype=np.float64).reshape(size), axes, variance_shares)


def tsne_map(matrix: np.ndarray, random_seed: int) -> np.ndarray:
    """Two t-SNE coordinates per row (Barnes-Hut). Initialised from the rows' principal components, so the
    layout follows the linear projection; the seed is passed on, but with this initialisation scikit-learn
    gives the same map for every seed (the map changes with the rows, which the seed draws). A model of a
    single feature has no second principal component to start from: its map starts from the feature and
    a zero second coordinate."""
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits

    matrix = np.asarray(matrix, dtype=np.float64)
    rows = len(matrix)
    if rows < 3:
        return np.zeros((rows, 2))
    init: str | np.ndarray = "pca"
    if matrix.shape[1] < 2:
        # scikit-learn's "pca" start scales the components to a standard deviation of 1e-4; so does this.
        start = np.column_stack([matrix[:, 0] - matrix[:, 0].mean(), np.zeros(rows)])
        spread = start[:, 0].std()
        init = start / spread * 1e-4 if spread > 0 else "random"
    tsne = TSNE(
        n_components=2,
        perplexity=min(TSNE_PERPLEXITY, (rows - 1) / 3),
        init=init,
        learning_rate="auto",
        max_iter=TSNE_MAX_ITER,
        random_state=random_seed,
    )
    with threadpool_limits(TSNE_THREADS):
        embedding = tsne.fit_transform(matrix)
    return embedding.astype(np.float64)


def ward_segments(matrix: np.ndarray, segment_ids: np.ndarray) -> np.ndarray:
    """Ward's hierarchical clustering of the rows cut into as many clusters as there are segments, each
    cluster named after a segment by a one-to-one assignment that maximises the customers on which the two
    agree (Hungarian algorithm on the contingency table)."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.optimize import linear_sum_assignment

    segments = np.unique(segment_ids)
    tree = linkage(np.asarray(matrix, dtype=np.float64), method="ward")
    clusters = fcluster(tree, len(segments), criterion="maxclust")
    cluster_values = np.unique(clusters)
    contingency = np.array(
        [[np.sum((clusters == c) & (segment_ids == s)) for s in segments] for c in cluster_values]
    )
    rows, columns = linear_sum_assignment(-contingency)
    names = {cluster_values[r]: segments[c] for r, c in zip(rows, columns, strict=True)}
    return np.array([names[c] for c in clusters], dtype=np.int64)


def project_customers(
    matrix: np.ndarray,
    segment_ids: np.ndarray,
    random_seed: int,
    means: np.ndarray | None = None,
    covariance: np.ndarray | None = None,
) -> pd.DataFrame:
    """One row per row of `matrix` (customers x model features, standardized) with the columns of
    PROJECTION_COLUMNS. `means` and `covariance`: the moments of every customer's standardized features;
    without them the principal axes are the sample's. The variance shares and the adjusted Rand index of
    the Ward clusters against the segments are the same on every row. Same inputs and seed, same result."""
    from sklearn.metrics import adjusted_rand_score, silhouette_samples

    matrix = np.asarray(matrix, dtype=np.float64)
    segment_ids = np.asarray(segment_ids).astype(np.int64)
    if matrix.ndim != 2 or len(matrix) != len(segment_ids):
        raise ValueError("the matrix needs one row per segment id")
    if len(np.unique(segment_ids)) < 2:
        raise ValueError("the sample needs customers of at least two segments")
    if means is None or covariance is None:
        means, covariance = matrix.mean(axis=0), np.cov(matrix, rowvar=False, bias=True)
    axes = principal_axes(means, covariance)
    projected = axes.project(matrix)
    embedding = tsne_map(matrix, random_seed)
    ward = ward_segments(matrix, segment_ids)
    frame = pd.DataFrame(
        {
            "pc1": projected[:, 0],
            "pc2": projected[:, 1],
            "tsne_1": embedding[:, 0],
            "tsne_2": embedding[:, 1],
            "silhouette": silhouette_samples(matrix, segment_ids),
            "ward_segment_id": ward,
        }
    )
    frame["pc1_variance_share"] = axes.variance_shares[0]
    frame["pc2_variance_share"] = axes.variance_shares[1]
    frame["ward_adjusted_rand_index"] = float(adjusted_rand_score(segment_ids, ward))
    return frame[PROJECTION_COLUMNS]
