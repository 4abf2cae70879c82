"""Prediction strength: whether each of a candidate's clusters is reproduced when the data is resampled.

Tibshirani and Walther (2005, "Cluster validation by prediction strength", JCGS 14(3)): fit the candidate
again on half of the data; for each cluster of the candidate, the share of its pairs of customers that the
refit also puts together. A real cluster keeps its pairs together whatever half the refit saw; a cluster
that splits one true group arbitrarily does not. The candidate's prediction strength is that share for its
worst cluster, averaged over the refits: a partition is only as reproducible as its least reproducible
cluster. (A global agreement such as the adjusted Rand index between fit and refit barely moves when one
of six clusters is split at random, which is how the number of segments was overestimated.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def resample_rows(n_rows: int, resamples: int, fraction: float, rng: np.random.Generator) -> list[np.ndarray]:
    """Row subsets (a `fraction` of `n_rows`, without replacement), drawn once and shared by every
    candidate so that candidates are compared on the same resamples."""
    size = max(2, int(fraction * n_rows))
    return [np.sort(rng.choice(n_rows, size=size, replace=False)) for _ in range(resamples)]


def worst_cluster_pair_agreement(reference_labels: np.ndarray, other_labels: np.ndarray) -> float:
    """For each cluster of `reference_labels` (two members or more), the share of its ordered pairs of rows
    that `other_labels` also puts in one cluster; the smallest of these shares."""
    reference_labels = np.asarray(reference_labels)
    other_labels = np.asarray(other_labels)
    worst = 1.0
    for cluster in np.unique(reference_labels):
        members = other_labels[reference_labels == cluster]
        size = len(members)
        if size < 2:
            continue
        _, counts = np.unique(members, return_counts=True)
        worst = min(worst, float((counts * (counts - 1)).sum() / (size * (size - 1))))
    return worst


def prediction_strength(reference_labels: np.ndarray, refitted_labels: Sequence[np.ndarray | None]) -> float:
    """Mean over the refits of worst_cluster_pair_agreement between the candidate's labels of the probe
    rows and the refit's labels of the same rows (a refit that failed counts as 0)."""
    if not refitted_labels:
        return np.nan
    scores = [
        0.0 if labels is None else worst_cluster_pair_agreement(reference_labels, labels)
        for labels in refitted_labels
    ]
    return float(np.mean(scores))
