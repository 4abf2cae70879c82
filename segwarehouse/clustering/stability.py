"""Bootstrap stability: how reproducible a candidate's partition is when the data is resampled."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.metrics import adjusted_rand_score

from segwarehouse.clustering.candidates import CandidateFailed, FittedCandidate


def resample_rows(n_rows: int, resamples: int, fraction: float, rng: np.random.Generator) -> list[np.ndarray]:
    """Row subsets (a `fraction` of `n_rows`, without replacement), drawn once and shared by every
    candidate so that candidates are compared on the same resamples."""
    size = max(2, int(fraction * n_rows))
    return [np.sort(rng.choice(n_rows, size=size, replace=False)) for _ in range(resamples)]


def bootstrap_stability(
    refit: Callable[[int, np.ndarray], FittedCandidate],
    reference: FittedCandidate,
    resamples: Sequence[np.ndarray],
    probe_matrix: np.ndarray,
) -> float:
    """Mean adjusted Rand index between the reference labels of `probe_matrix` and the labels given by
    the candidate refitted on each resample (`refit(resample_index, rows)`).

    1.0 means every refit partitions the probe customers identically; a refit that fails counts as 0.
    """
    if not resamples:
        return np.nan
    reference_labels = reference.predict(probe_matrix)
    scores = []
    for index, rows in enumerate(resamples):
        try:
            refitted = refit(index, rows)
        except CandidateFailed:
            scores.append(0.0)
            continue
        scores.append(adjusted_rand_score(reference_labels, refitted.predict(probe_matrix)))
    return float(np.mean(scores))
