"""Drift of the scored population against the training population."""

from __future__ import annotations

import numpy as np

# Floor on bin shares so that an empty bin does not make the index infinite.
PSI_EPSILON = 1e-4


def training_bin_edges(values: np.ndarray, bins: int = 10) -> list[float]:
    """Interior decile edges of a feature's training values (duplicates dropped for discrete features)."""
    edges = np.unique(np.quantile(np.asarray(values, dtype=np.float64), np.linspace(0, 1, bins + 1)[1:-1]))
    return edges.tolist()


def bin_shares(values: np.ndarray, edges: list[float]) -> np.ndarray:
    counts = np.bincount(
        np.searchsorted(edges, np.asarray(values, dtype=np.float64), side="right"), minlength=len(edges) + 1
    )
    return counts / max(counts.sum(), 1)


def population_stability_index(expected_shares: np.ndarray, actual_shares: np.ndarray) -> float:
    """PSI = sum((actual - expected) * ln(actual / expected)).

    Conventional reading: below 0.1 stable, 0.1 to 0.25 moderate shift, above 0.25 large shift.
    """
    expected = np.maximum(np.asarray(expected_shares, dtype=np.float64), PSI_EPSILON)
    actual = np.maximum(np.asarray(actual_shares, dtype=np.float64), PSI_EPSILON)
    return float(np.sum((actual - expected) * np.log(actual / expected)))
