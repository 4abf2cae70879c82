"""Model selection: fit every candidate (algorithm x k), score it on several criteria, choose by a rule.

The rule (documented in the README and in `model_selection`):

1. A candidate is *eligible* when every segment holds at least `min_segment_share` of the customers and its
   bootstrap stability (mean ARI between refits on resamples) is at least `stability_floor`.
2. For each k, the representative is the eligible candidate with the best consensus rank over silhouette,
   Calinski-Harabasz and Davies-Bouldin (ties: higher stability).
3. The chosen k is the *largest* k whose representative's silhouette is within `silhouette_tolerance`
   (relative) of the best representative's silhouette.

Why not the best silhouette: silhouette (and CH, DB) rewards merging two overlapping groups, so on skewed,
overlapping personas it picks k - 1. A finer partition that costs little separation and is reproducible
on resamples is the real structure; one that is not reproducible is rejected by the stability floor.
Forcing `k` and/or `algorithm` restricts the candidates that the rule may choose among.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import linkage
from sklearn.metrics import pairwise_distances

from segwarehouse.clustering.candidates import (
    ALGORITHMS,
    ALGORITHMS_WITH_K,
    CandidateFailed,
    FittedCandidate,
    fit_candidate,
    single_threaded_numerics,
)
from segwarehouse.clustering.metrics import (
    internal_criteria,
    smallest_cluster_share,
    within_cluster_sum_of_squares,
)
from segwarehouse.clustering.stability import bootstrap_stability, resample_rows


@dataclass(frozen=True)
class SelectionSettings:
    k_min: int = 2
    k_max: int = 10
    algorithms: tuple[str, ...] = ALGORITHMS
    random_seed: int = 42
    forced_k: int | None = None
    forced_algorithm: str | None = None
    min_segment_share: float = 0.02
    stability_floor: float = 0.80
    silhouette_tolerance: float = 0.15
    stability_resamples: int = 5
    stability_fraction: float = 0.8
    # Sample sizes: the fitting sample for k-means, the Gaussian mixture's (its EM iterations are costly),
    # the O(n^2) methods' sample, and the probe sample on which silhouette and stability are measured.
    # Selection never sees more rows than these, whatever the number of customers, so its cost is
    # constant; only the final assignment (fit_selected + assign_customers) touches every row. 20,000 is
    # the demo's size: from there on, more customers do not change what selection sees.
    fit_sample_size: int = 20_000
    mixture_sample_size: int = 8_000
    quadratic_sample_size: int = 5_000
    metric_sample_size: int = 4_000

    def __post_init__(self) -> None:
        unknown = set(self.algorithms) - set(ALGORITHMS)
        if unknown:
            raise ValueError(f"unknown algorithm(s) {sorted(unknown)}; choose among {', '.join(ALGORITHMS)}")
        if self.forced_algorithm is not None and self.forced_algorithm not in ALGORITHMS:
            raise ValueError(
                f"unknown algorithm {self.forced_algorithm!r}; choose one of {', '.join(ALGORITHMS)}"
            )
        if not 2 <= self.k_min <= self.k_max:
            raise ValueError(f"k range must satisfy 2 <= k_min <= k_max, got {self.k_min}..{self.k_max}")
        if self.forced_k is not None and self.forced_k < 2:
            raise ValueError(f"n_segments must be at least 2, got {self.forced_k}")

    @property
    def k_values(self) -> list[int]:
        if self.forced_k is not None:
            return [self.forced_k]
        return list(range(self.k_min, self.k_max + 1))

    @property
    def candidate_algorithms(self) -> list[str]:
        if self.forced_algorithm is not None:
            return [self.forced_algorithm]
        if self.forced_k is not None:
            # The density method cannot be told a k.
            return [a for a in self.algorithms if a in ALGORITHMS_WITH_K]
        return list(self.algorithms)


@dataclass
class SelectionResult:
    candidates: pd.DataFrame
    chosen: FittedCandidate
    settings: SelectionSettings


def minimum_customers(settings: SelectionSettings) -> int:
    """Fewest customers with which selection is meaningful: ten per segment of the largest k tried."""
    return 10 * max(settings.k_values)


def _sample(rng: np.random.Generator, n_rows: int, size: int) -> np.ndarray:
    if n_rows <= size:
        return np.arange(n_rows)
    return np.sort(rng.choice(n_rows, size=size, replace=False))


@dataclass(frozen=True)
class Samples:
    """Row samples drawn once per selection, in a fixed order from the seed, so that the chosen candidate
    can be refitted identically later (see fit_selected)."""

    fit_rows: np.ndarray
    per_algorithm: dict[str, np.ndarray]
    probe_positions: np.ndarray
    resamples: dict[str, list[np.ndarray]]
    min_cluster_size: int


def draw_samples(n_rows: int, settings: SelectionSettings) -> Samples:
    rng = np.random.default_rng(settings.random_seed)
    fit_rows = _sample(rng, n_rows, settings.fit_sample_size)
    quadratic_rows = _sample(rng, n_rows, settings.quadratic_sample_size)
    mixture_rows = _sample(rng, n_rows, settings.mixture_sample_size)
    # Silhouette and stability are measured on a probe sample drawn from inside the fitting sample.
    probe_positions = _sample(rng, len(fit_rows), settings.metric_sample_size)
    per_algorithm = {
        "kmeans": fit_rows,
        "gmm": mixture_rows,
        "ward": quadratic_rows,
        "hdbscan": quadratic_rows,
    }
    resamples = {
        algorithm: resample_rows(len(rows), settings.stability_resamples, settings.stability_fraction, rng)
        for algorithm, rows in per_algorithm.items()
    }
    return Samples(
        fit_rows=fit_rows,
        per_algorithm=per_algorithm,
        probe_positions=probe_positions,
        resamples=resamples,
        min_cluster_size=max(10, int(settings.min_segment_share * len(quadratic_rows))),
    )


def _fit(
    algorithm: str,
    k: int | None,
    data: np.ndarray,
    settings: SelectionSettings,
    samples: Samples,
    seed_offset: int = 0,
    ward_tree: np.ndarray | None = None,
) -> FittedCandidate:
    return fit_candidate(
        algorithm,
        k,
        data,
        settings.random_seed + seed_offset,
        min_cluster_size=samples.min_cluster_size,
        ward_tree=ward_tree,
    )


def sample_rows(matrix: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The given rows as a contiguous float64 array: only samples are converted, never the whole matrix
    (which may be float32 and tens of millions of rows)."""
    return np.ascontiguousarray(matrix[rows], dtype=np.float64)


def fit_selected(matrix: np.ndarray, settings: SelectionSettings, algorithm: str, k: int) -> FittedCandidate:
    """Refit the candidate that select_model chose, identically (same sample, same seed)."""
    samples = draw_samples(len(matrix), settings)
    with single_threaded_numerics():
        return _fit(
            algorithm,
            None if algorithm == "hdbscan" else k,
            sample_rows(matrix, samples.per_algorithm[algorithm]),
            settings,
            samples,
        )


def check_enough_customers(n_rows: int, settings: SelectionSettings) -> None:
    needed = minimum_customers(settings)
    if n_rows < needed:
        raise ValueError(f"too few customers ({n_rows}): at least {needed} are needed")


def select_model(matrix: np.ndarray, settings: SelectionSettings) -> SelectionResult:
    """Evaluate every candidate on `matrix` (standardized features, one row per customer) and choose one.

    Only the samples of draw_samples are read, so the cost does not grow with the number of rows."""
    check_enough_customers(len(matrix), settings)
    samples = draw_samples(len(matrix), settings)
    with single_threaded_numerics():
        return _select(matrix, settings, samples)


def _select(matrix: np.ndarray, settings: SelectionSettings, samples: Samples) -> SelectionResult:
    fit_matrix_all = sample_rows(matrix, samples.fit_rows)
    probe_matrix = fit_matrix_all[samples.probe_positions]
    # Every candidate's silhouette is measured on the same probe rows: their distances are computed once.
    probe_distances = pairwise_distances(probe_matrix)
    ward_trees: dict[int, np.ndarray] = {}

    def fit(algorithm: str, k: int | None, data: np.ndarray, resample_index: int) -> FittedCandidate:
        tree = None
        if algorithm == "ward":
            # One Ward tree per data set (-1: the whole sample, else the resample) serves every k.
            if resample_index not in ward_trees:
                ward_trees[resample_index] = linkage(data, method="ward")
            tree = ward_trees[resample_index]
        return _fit(algorithm, k, data, settings, samples, resample_index + 1, tree)

    rows: list[dict] = []
    fitted: dict[tuple[str, int], FittedCandidate] = {}
    for algorithm in settings.candidate_algorithms:
        fit_matrix = sample_rows(matrix, samples.per_algorithm[algorithm])
        for k in [None] if algorithm == "hdbscan" else settings.k_values:
            record = {"algorithm": algorithm, "k": k or 0, "fit_sample_size": len(fit_matrix)}
            try:
                candidate = fit(algorithm, k, fit_matrix, -1)
            except CandidateFailed as failure:
                rows.append({**record, "failure_reason": str(failure)})
                continue
            labels = candidate.predict(fit_matrix_all)
            record["k"] = candidate.k
            record.update(internal_criteria(fit_matrix_all, labels, samples.probe_positions, probe_distances))
            record["inertia"] = within_cluster_sum_of_squares(fit_matrix_all, labels, candidate.centroids)
            record["bic"] = candidate.extras.get("bic", np.nan)
            record["noise_share"] = candidate.extras.get("noise_share", np.nan)
            record["smallest_segment_share"] = smallest_cluster_share(labels, candidate.k)
            record["stability_ari"] = bootstrap_stability(
                lambda index, subset, algorithm=algorithm, k=k, fit_matrix=fit_matrix: fit(
                    algorithm, k, fit_matrix[subset], index
                ),
                candidate,
                samples.resamples[algorithm],
                probe_matrix,
            )
            rows.append(record)
            fitted.setdefault((algorithm, candidate.k), candidate)

    candidates = apply_selection_rule(pd.DataFrame(rows), settings)
    chosen_row = candidates.loc[candidates["is_selected"]].iloc[0]
    chosen = fitted[(chosen_row["algorithm"], int(chosen_row["k"]))]
    return SelectionResult(candidates=candidates, chosen=chosen, settings=settings)


def apply_selection_rule(candidates: pd.DataFrame, settings: SelectionSettings) -> pd.DataFrame:
    """Add `is_eligible`, `ineligible_reason`, `consensus_rank`, `is_k_representative` and `is_selected`."""
    frame = candidates.copy()
    for column in (
        "silhouette",
        "calinski_harabasz",
        "davies_bouldin",
        "stability_ari",
        "smallest_segment_share",
        "failure_reason",
    ):
        if column not in frame:
            frame[column] = np.nan if column != "failure_reason" else None
    reasons = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    failed = frame["failure_reason"].notna()
    reasons[failed] = frame.loc[failed, "failure_reason"]
    too_small = ~failed & (frame["smallest_segment_share"] < settings.min_segment_share)
    reasons[too_small & reasons.isna()] = (
        f"a segment holds less than {settings.min_segment_share:.0%} of customers"
    )
    unstable = ~failed & (frame["stability_ari"] < settings.stability_floor)
    reasons[unstable & reasons.isna()] = f"stability below {settings.stability_floor:.2f}"
    undefined = ~failed & frame["silhouette"].isna()
    reasons[undefined & reasons.isna()] = "criteria undefined (a single cluster)"
    frame["ineligible_reason"] = reasons
    frame["is_eligible"] = reasons.isna()

    # Consensus rank within k: lower is better, over the three internal criteria.
    # Ranked on rounded values: two candidates with the same partition tie exactly, instead of being
    # ordered by floating-point noise that differs between runs (multi-threaded sums).
    rounded = frame[["k"]].assign(
        silhouette=frame["silhouette"].round(9),
        calinski_harabasz=(frame["calinski_harabasz"] / frame["calinski_harabasz"].abs().max()).round(9),
        davies_bouldin=frame["davies_bouldin"].round(9),
    )
    ranks = pd.concat(
        [
            rounded.groupby("k")["silhouette"].rank(ascending=False),
            rounded.groupby("k")["calinski_harabasz"].rank(ascending=False),
            rounded.groupby("k")["davies_bouldin"].rank(ascending=True),
        ],
        axis=1,
    )
    frame["consensus_rank"] = ranks.mean(axis=1)
    frame["is_k_representative"] = False
    frame["is_selected"] = False

    eligible = frame[frame["is_eligible"]]
    if eligible.empty:
        # Nothing passes the gates: fall back to the most stable candidate, and say so.
        pool = frame[~failed]
        if pool.empty:
            raise ValueError("no clustering candidate could be fitted on this data")
        best = pool.sort_values(["stability_ari", "silhouette"], ascending=False).index[0]
        frame.loc[best, "is_selected"] = True
        frame.loc[best, "is_k_representative"] = True
        return frame

    eligible = eligible.assign(stability_rounded=eligible["stability_ari"].round(9))
    representatives = (
        eligible.sort_values(
            ["k", "consensus_rank", "stability_rounded", "algorithm"], ascending=[True, True, False, True]
        )
        .groupby("k")
        .head(1)
    )
    frame.loc[representatives.index, "is_k_representative"] = True
    best_silhouette = representatives["silhouette"].round(9).max()
    threshold = best_silhouette * (1.0 - settings.silhouette_tolerance)
    within = representatives[representatives["silhouette"].round(9) >= threshold]
    chosen_index = within.sort_values("k").index[-1]
    frame.loc[chosen_index, "is_selected"] = True
    return frame
