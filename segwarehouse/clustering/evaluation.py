"""Fitting and scoring the candidates of a selection, on every core.

The samples are prepared once in the calling process; worker processes are forked from it, so they share
the sample matrices (and the probe distances) without copying them, and each candidate's fit is the same
whichever process runs it (its seed comes from the settings, not from the schedule). Where forking is not
available, or `workers` is 1, everything runs in the calling process; the results are identical.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import linkage

from segwarehouse.clustering.candidates import CandidateFailed, FittedCandidate, fit_candidate
from segwarehouse.clustering.metrics import (
    internal_criteria,
    smallest_cluster_share,
    within_cluster_sum_of_squares,
)


@dataclass(frozen=True)
class EvaluationData:
    """What every fit and score reads: per algorithm its fitting sample, the scoring sample (silhouette,
    Calinski-Harabasz, Davies-Bouldin, inertia), the probe rows inside it and their distances, the
    resamples for stability, the seed and the density method's smallest cluster."""

    fit_matrices: dict[str, np.ndarray]
    scoring_matrix: np.ndarray
    probe_positions: np.ndarray
    probe_distances: np.ndarray
    resamples: dict[str, list[np.ndarray]]
    random_seed: int
    min_cluster_size: int

    @property
    def probe_matrix(self) -> np.ndarray:
        return self.scoring_matrix[self.probe_positions]


# Relative cost of fitting every k of an algorithm on its sample (measured), to balance the workers.
RELATIVE_COST = {"gmm": 4, "ward": 3, "kmeans": 2, "hdbscan": 1}

# The data of the evaluation under way. Set before the workers fork, so each worker holds the same.
_data: EvaluationData | None = None
# Ward trees by resample (-1: the whole sample): one tree serves every k. Per process.
_ward_trees: dict[int, np.ndarray] = {}


def fit_on(algorithm: str, k: int | None, resample_index: int = -1) -> FittedCandidate:
    """Fit one candidate on its whole sample (resample_index -1) or on one of its stability resamples."""
    data = _data.fit_matrices[algorithm]
    if resample_index >= 0:
        data = data[_data.resamples[algorithm][resample_index]]
    tree = None
    if algorithm == "ward":
        if resample_index not in _ward_trees:
            _ward_trees[resample_index] = linkage(data, method="ward")
        tree = _ward_trees[resample_index]
    return fit_candidate(
        algorithm,
        k,
        data,
        _data.random_seed + resample_index + 1,
        min_cluster_size=_data.min_cluster_size,
        ward_tree=tree,
    )


def evaluate_algorithm(
    algorithm: str, k_values: list[int | None]
) -> list[tuple[dict, FittedCandidate | None]]:
    """Fit and score one algorithm at every k: (record of criteria, fitted candidate or None if it failed)."""
    results = []
    for k in k_values:
        record = {
            "algorithm": algorithm,
            "k": k or 0,
            "requested_k": k,
            "fit_sample_size": len(_data.fit_matrices[algorithm]),
        }
        try:
            candidate = fit_on(algorithm, k)
        except CandidateFailed as failure:
            results.append(({**record, "failure_reason": str(failure)}, None))
            continue
        scoring = _data.scoring_matrix
        labels = candidate.predict(scoring)
        record["k"] = candidate.k
        record.update(internal_criteria(scoring, labels, _data.probe_positions, _data.probe_distances))
        record["inertia"] = within_cluster_sum_of_squares(scoring, labels, candidate.centroids)
        record["bic"] = candidate.extras.get("bic", np.nan)
        record["noise_share"] = candidate.extras.get("noise_share", np.nan)
        record["smallest_segment_share"] = smallest_cluster_share(labels, candidate.k)
        results.append((record, candidate))
    return results


def refit_probe_labels(algorithm: str, k: int | None, resample_index: int) -> np.ndarray | None:
    """The probe rows' labels by the candidate refitted on a resample; None when the refit fails."""
    try:
        return fit_on(algorithm, k, resample_index).predict(_data.probe_matrix)
    except CandidateFailed:
        return None


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


class CandidateEvaluator:
    """Runs evaluate_algorithm and refit_probe_labels in forked worker processes (or in this one).

    Use as a context manager: the workers live for the whole selection, so the stability refits the rule
    asks for later reuse them."""

    def __init__(self, data: EvaluationData, workers: int):
        self.data = data
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> CandidateEvaluator:
        global _data
        _data = self.data
        _ward_trees.clear()
        if self.workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        return self

    def __exit__(self, *exc_info) -> None:
        global _data
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        _data = None
        _ward_trees.clear()

    def _map(self, function, *argument_lists) -> list:
        if self.pool is not None:
            try:
                return list(self.pool.map(function, *argument_lists))
            except (BrokenProcessPool, OSError):
                # A worker died or could not start: carry on in this process (same results).
                self.pool.shutdown(cancel_futures=True)
                self.pool = None
        return [function(*arguments) for arguments in zip(*argument_lists, strict=True)]

    def evaluate(
        self, algorithms: list[str], k_values: list[int]
    ) -> list[tuple[dict, FittedCandidate | None]]:
        """Every candidate, in the order of `algorithms` and k; the costliest algorithms go out first."""
        handed_out = sorted(algorithms, key=lambda algorithm: -RELATIVE_COST.get(algorithm, 1))
        ks = [[None] if algorithm == "hdbscan" else list(k_values) for algorithm in handed_out]
        by_algorithm = dict(zip(handed_out, self._map(evaluate_algorithm, handed_out, ks), strict=True))
        return [result for algorithm in algorithms for result in by_algorithm[algorithm]]

    def resample_labels(self, algorithm: str, k: int | None) -> list[np.ndarray | None]:
        indices = list(range(len(self.data.resamples[algorithm])))
        return self._map(refit_probe_labels, [algorithm] * len(indices), [k] * len(indices), indices)
