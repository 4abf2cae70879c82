"""Bootstrap stability: how reproducible a candidate's partition is when the data is resampled."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import adjusted_rand_score


def resample_rows(n_rows: int, resamples: int, fraction: float, rng: np.random.Generator) -> list[np.ndarray]:
    """Row subsets (a `fraction` of `n_rows`, without replacement), drawn once and shared by every
    candidate so that candidates are compared on the same resamples."""
    size = max(2, int(fraction * n_rows))
    return [np.sort(rng.choice(n_rows, size=size, replace=False)) for _ in range(resamples)]


def stability_of_labels(reference_labels: np.ndarray, refitted_labels: Sequence[np.ndarray | None]) -> float:
    """Mean adjusted Rand index between the reference labels of the probe rows and their labels by each
    refit (None: the refit failed, which counts as 0)."""
    if not refitted_labels:
        return np.nan
    scores = [
        0.0 if labels is None else adjusted_rand_score(reference_labels, labels) for labels in refitted_labels
    ]
    return float(np.mean(scores))
