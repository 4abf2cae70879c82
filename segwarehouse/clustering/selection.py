"""Model selection: fit every candidate (algorithm x k), score it on several criteria, choose by a rule.

The rule (docs/how-it-works.md; recorded per candidate in `model_selection`):

1. A candidate is *eligible* when every segment holds at least `min_segment_share` of the customers, its
   prediction strength (segwarehouse.clustering.stability: the share of each cluster's pairs of customers
   that refits on random halves keep together, for its worst cluster) is at least `stability_floor`, its
   k is within `k_min..k_max` and, for the density method (which finds its own k and leaves some customers
   as noise), at most `max_noise_share` of the customers are noise (they are scored to the nearest
   segment).
2. For each k, the representative is the eligible candidate with the best consensus rank over silhouette,
   Calinski-Harabasz and Davies-Bouldin (ties: higher prediction strength).
3. The chosen k is the *largest* k whose representative's silhouette is within `silhouette_tolerance`
   (relative) of the best representative's silhouette and which is *confirmed*: a candidate of another
   algorithm is stable at that k too, or the representative separates at least as well as the k below
   (its silhouette is not lower than that of the next smaller k's representative). With a single
   algorithm among the candidates (forced), its stability is the confirmation.
4. Past it, the next k up is taken while one of its candidates has a prediction strength of at least
   `reproducible_k_floor` and a candidate of another algorithm is stable at that k (_reproducible_candidate),
   or its representative separates at least as well as the choice so far (silhouette not lower).

Why not the best silhouette: silhouette (and CH, DB) rewards merging two overlapping groups, so on skewed,
overlapping personas it picks k - 1. Why the prediction strength: the largest k that is still within the
tolerance is often one that splits a true group in two, and such a split is arbitrary, so refits on other
halves of the data split it differently and the worst cluster's pairs fall apart (Tibshirani and Walther
2005 choose the largest k whose prediction strength is at least 0.8-0.9; the floor here is 0.9). Merges
are reproducible and splits are not: together the two criteria stop at the true k from both sides.
Why the confirmation: one algorithm can split a true group the same way on every half-sample (k-means
cutting off the tail of a sheared or unequal cluster), so its reproducibility alone does not make a k real;
a second algorithm finding a stable partition at that k, or a split that raises the silhouette, does.
Forcing `k` and/or `algorithm` restricts the candidates that the rule may choose among.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.metrics import pairwise_distances

from segwarehouse.clustering.candidates import (
    ALGORITHMS,
    ALGORITHMS_WITH_K,
    FittedCandidate,
    fit_candidate,
    single_threaded_numerics,
)
from segwarehouse.clustering.evaluation import CandidateEvaluator, EvaluationData, default_workers
from segwarehouse.clustering.stability import prediction_strength, resample_rows

# The step of the rule that chose the model (model_selection.chosen_by).
CHOSEN_WITHIN_TOLERANCE = "largest_k_within_silhouette_tolerance"
CHOSEN_REPRODUCIBLE = "reproducible_past_silhouette_tolerance"
CHOSEN_SEPARATING = "separating_past_silhouette_tolerance"
CHOSEN_MOST_STABLE = "most_stable_none_eligible"
CHOSEN_BY = (CHOSEN_WITHIN_TOLERANCE, CHOSEN_REPRODUCIBLE, CHOSEN_SEPARATING, CHOSEN_MOST_STABLE)


@dataclass(frozen=True)
class SelectionSettings:
    k_min: int = 2
    k_max: int = 10
    algorithms: tuple[str, ...] = ALGORITHMS
    random_seed: int = 42
    forced_k: int | None = None
    forced_algorithm: str | None = None
    min_segment_share: float = 0.02
    stability_floor: float = 0.90
    silhouette_tolerance: float = 0.15
    reproducible_k_floor: float = 0.95
    stability_resamples: int = 5
    # The density method's noise customers (assigned to the nearest segment when scoring) may be at most
    # this share of the customers for the candidate to be eligible.
    max_noise_share: float = 0.10
    # Fewest customers selection accepts. A build passes the number its check computed (dbt macro
    # minimum_customers, the one definition of the rule, via int_clustering_inputs_checked); None: only
    # what fitting needs, more customers than the largest k tried.
    minimum_customers: int | None = None
    # Each refit sees half of the algorithm's sample, as in Tibshirani and Walther's prediction strength.
    stability_fraction: float = 0.5
    # Sample sizes: the fitting sample for k-means, the Gaussian mixture's (its EM iterations are costly),
    # the O(n^2) methods' sample, and the probe sample on which silhouette and stability are measured.
    # Selection never sees more rows than these, whatever the number of customers, so its cost is
    # constant; only the final assignment (fit_selected + assign_customers) touches every row. 20,000 is
    # the demo's size: from there on, more customers do not change what selection sees.
    fit_sample_size: int = 20_000
    mixture_sample_size: int = 8_000
    quadratic_sample_size: int = 5_000
    metric_sample_size: int = 4_000
    # Worker processes fitting candidates at once (default: the cores, at most 4); 1 = all in this
    # process. The choice does not depend on it.
    workers: int = field(default_factory=default_workers)

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


# The candidate the latest selection in this process chose. dbt runs the selection and the training models
# in one process: training takes the fitted candidate from here instead of fitting it again.
_chosen_by_selection: dict[tuple, FittedCandidate] = {}


def _fit_key(
    matrix: np.ndarray, settings: SelectionSettings, samples: Samples, algorithm: str, k: int | None
):
    """What determines a fit: the sample's values, the algorithm, k and the settings that reach the fit."""
    sample = np.ascontiguousarray(matrix[samples.per_algorithm[algorithm]], dtype=np.float64)
    digest = hashlib.sha256(sample.tobytes()).hexdigest()
    requested_k = None if algorithm == "hdbscan" else int(k)
    return (digest, sample.shape, algorithm, requested_k, settings.random_seed, samples.min_cluster_size)


def _remember_chosen(
    matrix: np.ndarray, settings: SelectionSettings, samples: Samples, chosen: FittedCandidate
) -> None:
    _chosen_by_selection.clear()
    key = _fit_key(matrix, settings, samples, chosen.algorithm, chosen.k)
    _chosen_by_selection[key] = chosen


def fit_selected(matrix: np.ndarray, settings: SelectionSettings, algorithm: str, k: int) -> FittedCandidate:
    """The candidate that select_model chose: the fitted one when that selection ran in this process on the
    same data, otherwise refitted identically (same sample, same seed)."""
    samples = draw_samples(len(matrix), settings)
    remembered = _chosen_by_selection.get(_fit_key(matrix, settings, samples, algorithm, k))
    if remembered is not None:
        return remembered
    with single_threaded_numerics():
        return _fit(
            algorithm,
            None if algorithm == "hdbscan" else k,
            sample_rows(matrix, samples.per_algorithm[algorithm]),
            settings,
            samples,
        )


def check_enough_customers(n_rows: int, settings: SelectionSettings) -> None:
    needed = (
        settings.minimum_customers if settings.minimum_customers is not None else max(settings.k_values) + 1
    )
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
    scoring_matrix = sample_rows(matrix, samples.fit_rows)
    probe_matrix = scoring_matrix[samples.probe_positions]
    data = EvaluationData(
        fit_matrices={
            algorithm: sample_rows(matrix, samples.per_algorithm[algorithm])
            for algorithm in settings.candidate_algorithms
        },
        scoring_matrix=scoring_matrix,
        probe_positions=samples.probe_positions,
        # Every candidate's silhouette is measured on the same probe rows: their distances, once.
        probe_distances=pairwise_distances(probe_matrix),
        resamples=samples.resamples,
        random_seed=settings.random_seed,
        min_cluster_size=samples.min_cluster_size,
    )
    with CandidateEvaluator(data, settings.workers) as evaluator:
        results = evaluator.evaluate(settings.candidate_algorithms, settings.k_values)
        rows = [record for record, _ in results]
        fitted = [candidate for _, candidate in results]

        def measure_stability(position: int) -> float:
            """Prediction strength of candidate `position`: refits on the shared half-samples."""
            row = rows[position]
            refitted = evaluator.resample_labels(row["algorithm"], row["requested_k"])
            return prediction_strength(fitted[position].predict(probe_matrix), refitted)

        frame = pd.DataFrame(rows).drop(columns="requested_k")
        candidates = apply_selection_rule(frame, settings, measure_stability)
    chosen_position = int(np.flatnonzero(candidates["is_selected"].to_numpy())[0])
    chosen = fitted[chosen_position]
    _remember_chosen(matrix, settings, samples, chosen)
    return SelectionResult(candidates=candidates, chosen=chosen, settings=settings)


def apply_selection_rule(
    candidates: pd.DataFrame,
    settings: SelectionSettings,
    measure_stability: Callable[[int], float] | None = None,
) -> pd.DataFrame:
    """Add `is_eligible`, `ineligible_reason`, `consensus_rank`, `is_k_representative`, `is_selected` and
    `chosen_by` (on the chosen row, the step of the rule that chose it: one of CHOSEN_BY).

    Prediction strength is the costly criterion (a refit per half-sample). With `measure_stability` (row
    position -> prediction strength), it is measured only for the candidates whose value can change the
    choice - those the rule reaches, in the order it reaches them - and left NULL for the others
    (is_eligible NULL too: not judged). Without it, the `prediction_strength` column must hold every
    candidate's value. Either way the choice is the same."""
    frame = candidates.copy().reset_index(drop=True)
    for column in (
        "silhouette",
        "calinski_harabasz",
        "davies_bouldin",
        "prediction_strength",
        "smallest_segment_share",
        "failure_reason",
    ):
        if column not in frame:
            frame[column] = np.nan if column != "failure_reason" else None
    frame["prediction_strength"] = frame["prediction_strength"].astype(float)
    measured = frame["prediction_strength"].notna().to_numpy().copy() if measure_stability else None

    def stability(position: int) -> float:
        if measure_stability is not None and not measured[position]:
            frame.loc[position, "prediction_strength"] = measure_stability(position)
            measured[position] = True
        return float(frame.loc[position, "prediction_strength"])

    failed = frame["failure_reason"].notna()
    too_small = ~failed & (frame["smallest_segment_share"] < settings.min_segment_share)
    undefined = ~failed & frame["silhouette"].isna()
    # Only the density method can find a k outside the range, or leave customers as noise.
    k_range = settings.k_values
    outside_k_range = ~failed & ((frame["k"] < min(k_range)) | (frame["k"] > max(k_range)))
    noise_share = frame["noise_share"] if "noise_share" in frame else pd.Series(np.nan, index=frame.index)
    too_noisy = ~failed & (noise_share.astype(float) > settings.max_noise_share)
    # Candidates that pass every gate but stability: only their stability can matter.
    passes_cheap_gates = ~failed & ~too_small & ~undefined & ~outside_k_range & ~too_noisy

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
    silhouettes = rounded["silhouette"]

    def is_stable(position: int) -> bool:
        return stability(position) >= settings.stability_floor

    representatives: dict[int, int | None] = {}

    def representative(k: int) -> int | None:
        """The eligible candidate with the best consensus rank at k (ties: higher stability, then name)."""
        if k not in representatives:
            pool = frame[passes_cheap_gates & (frame["k"] == k)]
            chosen = None
            for _, group in pool.groupby(pool["consensus_rank"].round(9), sort=True):
                stable = [position for position in group.index if is_stable(position)]
                if stable:
                    chosen = min(stable, key=lambda p: (-round(stability(p), 9), frame.loc[p, "algorithm"]))
                    break
            representatives[k] = chosen
        return representatives[k]

    ks = sorted(frame.loc[passes_cheap_gates, "k"].unique())
    several_algorithms = frame.loc[passes_cheap_gates, "algorithm"].nunique() >= 2

    def separates_at_least_as_well(position: int, below: int | None) -> bool:
        return below is None or silhouettes[position] >= silhouettes[below]

    def another_algorithm_stable(k: int, position: int) -> bool:
        """Whether a candidate of another algorithm than `position`'s is stable at k (consensus order)."""
        others = frame[
            passes_cheap_gates & (frame["k"] == k) & (frame["algorithm"] != frame.loc[position, "algorithm"])
        ]
        ordered = sorted(
            others.index,
            key=lambda p: (round(others.loc[p, "consensus_rank"], 9), others.loc[p, "algorithm"]),
        )
        return any(is_stable(other) for other in ordered)

    def representative_below(k: int) -> int | None:
        for lower in sorted((candidate_k for candidate_k in ks if candidate_k < k), reverse=True):
            position = representative(lower)
            if position is not None:
                return position
        return None

    def is_confirmed(k: int, position: int) -> bool:
        """Step 3's confirmation of k (module docstring): the cheap criterion first."""
        if not several_algorithms:
            return True
        return separates_at_least_as_well(position, representative_below(k)) or another_algorithm_stable(
            k, position
        )

    # The best representative silhouette: visit k by the best silhouette it could have, stop when no k
    # left can beat the best found.
    ceiling = {k: silhouettes[passes_cheap_gates & (frame["k"] == k)].max() for k in ks}
    best_silhouette = None
    for k in sorted(ks, key=lambda k: -ceiling[k]):
        if best_silhouette is not None and ceiling[k] <= best_silhouette:
            break
        position = representative(k)
        if position is not None and (best_silhouette is None or silhouettes[position] > best_silhouette):
            best_silhouette = silhouettes[position]

    chosen_position = None
    chosen_by = None
    if best_silhouette is not None:
        threshold = best_silhouette * (1.0 - settings.silhouette_tolerance)
        for k in sorted(ks, reverse=True):
            if ceiling[k] < threshold:
                continue
            position = representative(k)
            if position is not None and silhouettes[position] >= threshold and is_confirmed(k, position):
                chosen_position = position
                chosen_by = CHOSEN_WITHIN_TOLERANCE
                break
        # Past the tolerance: the next k up is taken while one of its candidates is reproducible (prediction
        # strength at least reproducible_k_floor) and a candidate of another algorithm is stable at that k,
        # or while its representative separates at least as well as the choice so far.
        k = int(frame.loc[chosen_position, "k"])
        while k + 1 in ks:
            extension = _reproducible_candidate(
                frame[passes_cheap_gates & (frame["k"] == k + 1)], stability, settings
            )
            step = CHOSEN_REPRODUCIBLE
            if extension is None:
                extension = representative(k + 1)
                step = CHOSEN_SEPARATING
                if extension is None or not separates_at_least_as_well(extension, chosen_position):
                    break
            k += 1
            chosen_position = representatives[k] = extension
            chosen_by = step
    else:
        # Nothing passes the gates: fall back to the most stable candidate, and say so.
        pool = frame[~failed & ~outside_k_range & ~too_noisy]
        if pool.empty:
            pool = frame[~failed]
        if pool.empty:
            raise ValueError("no clustering candidate could be fitted on this data")
        for position in pool.index:
            stability(position)
        chosen_position = (
            frame.loc[pool.index].sort_values(["prediction_strength", "silhouette"], ascending=False).index[0]
        )
        chosen_by = CHOSEN_MOST_STABLE

    reasons = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    reasons[failed] = frame.loc[failed, "failure_reason"]
    reasons[outside_k_range & reasons.isna()] = f"k outside {min(k_range)}..{max(k_range)}"
    reasons[too_noisy & reasons.isna()] = f"more than {settings.max_noise_share:.0%} of customers are noise"
    reasons[too_small & reasons.isna()] = (
        f"a segment holds less than {settings.min_segment_share:.0%} of customers"
    )
    unstable = ~failed & (frame["prediction_strength"] < settings.stability_floor)
    reasons[unstable & reasons.isna()] = f"prediction strength below {settings.stability_floor:.2f}"
    reasons[undefined & reasons.isna()] = "criteria undefined (a single cluster)"
    frame["ineligible_reason"] = reasons
    judged = reasons.notna() | frame["prediction_strength"].notna()
    frame["is_eligible"] = pd.Series(reasons.isna(), dtype="boolean").where(judged, pd.NA)
    frame["is_k_representative"] = False
    for position in representatives.values():
        if position is not None:
            frame.loc[position, "is_k_representative"] = True
    frame["is_selected"] = False
    frame.loc[chosen_position, "is_selected"] = True
    frame["chosen_by"] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    frame.loc[chosen_position, "chosen_by"] = chosen_by
    if best_silhouette is None:
        frame.loc[chosen_position, "is_k_representative"] = True
    return frame


def _reproducible_candidate(
    pool: pd.DataFrame, stability: Callable[[int], float], settings: SelectionSettings
) -> int | None:
    """The candidate of `pool` (one k) that takes the choice past the silhouette tolerance, or None: the best
    consensus rank among those with prediction strength at least reproducible_k_floor, when a candidate of
    another algorithm is stable (stability_floor) at the same k. One algorithm can split a true group the
    same way on every half-sample, so its reproducibility alone does not make a k real; two algorithms
    finding a stable partition at that k do (Tibshirani and Walther 2005 for the strength; Strehl and Ghosh
    2002 on agreement between clusterers). Strengths are measured in consensus order, only as needed."""
    ordered = sorted(
        pool.index, key=lambda p: (round(pool.loc[p, "consensus_rank"], 9), pool.loc[p, "algorithm"])
    )
    reproducible = None
    stable_algorithms: set[str] = set()
    for position in ordered:
        strength = stability(position)
        if strength >= settings.stability_floor:
            stable_algorithms.add(pool.loc[position, "algorithm"])
        if reproducible is None and strength >= settings.reproducible_k_floor:
            reproducible = position
        if reproducible is not None and len(stable_algorithms) >= 2:
            return reproducible
    return None
