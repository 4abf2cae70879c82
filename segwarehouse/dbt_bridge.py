"""What the dbt Python models need: the checked clustering settings, the feature matrix from a relation,
and frames shaped like the tables they return. Kept here so the models stay thin and this stays tested."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from segwarehouse.lifecycle.frozen_model import FeaturePreprocessing, FrozenModel, frozen_model_from_rows

if TYPE_CHECKING:
    # The clustering (scikit-learn) is imported only by the functions that train: a build that scores
    # with the frozen model does not load it.
    from segwarehouse.clustering.selection import SelectionResult, SelectionSettings

# Rows per Arrow batch read from DuckDB: large enough to amortise the per-batch cost, small enough that a
# batch is a few megabytes.
FEATURE_BATCH_ROWS = 262_144


def settings_from_checked(relation: Any) -> SelectionSettings:
    """SelectionSettings from int_clustering_inputs_checked: the clustering vars as the build checked and
    typed them once, in SQL (macro clustering_settings). `relation`: a DuckDB relation of that one row."""
    from segwarehouse.clustering.selection import SelectionSettings

    row = dict(zip(relation.columns, relation.fetchone(), strict=True))
    return SelectionSettings(
        k_min=int(row["k_min"]),
        k_max=int(row["k_max"]),
        random_seed=int(row["random_seed"]),
        forced_k=None if row["n_segments"] is None else int(row["n_segments"]),
        forced_algorithm=row["algorithm"],
        min_segment_share=float(row["min_segment_share"]),
        stability_floor=float(row["stability_floor"]),
        silhouette_tolerance=float(row["silhouette_tolerance"]),
        stability_resamples=int(row["stability_resamples"]),
        max_noise_share=float(row["max_noise_share"]),
        minimum_customers=int(row["minimum_customers"]),
    )


def feature_matrix(
    relation: Any, features: list[str] | None = None, ordered: bool = False
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(customer ids, float32 matrix, feature names) from a DuckDB relation whose first column is
    customer_id and whose other columns are the standardized features; only `features` (in that order)
    when given. Missing values are 0 (the mean). `ordered`: rows sorted by customer id, so that samples
    drawn by position are the same on every run (training needs it; scoring does not).

    The matrix is filled from Arrow record batches as they stream out of DuckDB, into one preallocated
    float32 array: no pandas frame and no float64 copy of the whole table. float32 keeps 7 significant
    digits of a z-score, far finer than any cluster boundary, at half the memory."""
    if features is not None:
        missing = sorted(set(features) - set(relation.columns))
        if missing:
            raise ValueError(f"feature(s) {', '.join(missing)} not in the standardized feature table")
        relation = relation.project(", ".join(["customer_id", *(f'"{name}"' for name in features)]))
    if ordered:
        relation = relation.order("customer_id")
    names = [name for name in relation.columns if name != "customer_id"]
    n_rows = relation.aggregate("count(*)").fetchone()[0]
    matrix = np.zeros((n_rows, len(names)), dtype=np.float32)
    ids = np.empty(n_rows, dtype=object)
    reader = relation.fetch_arrow_reader(batch_size=FEATURE_BATCH_ROWS)
    start = 0
    for batch in reader:
        stop = start + batch.num_rows
        ids[start:stop] = batch.column("customer_id").to_numpy(zero_copy_only=False)
        for position, name in enumerate(names):
            column = batch.column(name).cast(pa.float32()).fill_null(0.0)
            matrix[start:stop, position] = column.to_numpy(zero_copy_only=False)
        start = stop
    if start != n_rows:
        raise RuntimeError(f"the feature relation changed while it was read ({start} of {n_rows} rows)")
    np.nan_to_num(matrix, copy=False)
    return ids, matrix, names


def candidates_table(result: SelectionResult, features: list[str]) -> pd.DataFrame:
    """model_selection rows: one per candidate, with the settings and features they were chosen under."""
    frame = result.candidates.copy()
    settings = result.settings
    frame["features_used"] = ", ".join(features)
    frame["random_seed"] = settings.random_seed
    frame["silhouette_tolerance"] = settings.silhouette_tolerance
    frame["stability_floor"] = settings.stability_floor
    frame["min_segment_share"] = settings.min_segment_share
    frame["max_noise_share"] = settings.max_noise_share
    columns = [
        "algorithm",
        "k",
        "fit_sample_size",
        "silhouette",
        "calinski_harabasz",
        "davies_bouldin",
        "bic",
        "inertia",
        "prediction_strength",
        "smallest_segment_share",
        "noise_share",
        "consensus_rank",
        "is_eligible",
        "ineligible_reason",
        "is_k_representative",
        "is_selected",
        "features_used",
        "random_seed",
        "silhouette_tolerance",
        "stability_floor",
        "min_segment_share",
        "max_noise_share",
    ]
    frame = frame[columns]
    frame["k"] = frame["k"].astype("int64")
    # is_eligible is NULL for a candidate whose prediction strength was not measured (it could not change
    # the choice).
    frame["is_eligible"] = frame["is_eligible"].astype("boolean")
    for flag in ("is_k_representative", "is_selected"):
        frame[flag] = frame[flag].astype(bool)
    frame["ineligible_reason"] = frame["ineligible_reason"].astype(object)
    return frame


def latest_model_version(relation: Any) -> int | None:
    """The highest model_version in a relation that has that column (None when it holds no row)."""
    value = relation.aggregate("max(model_version)").fetchone()[0]
    return None if value is None else int(value)


def frozen_preprocessing(
    relation: Any, version: int
) -> tuple[list[str], dict[str, FeaturePreprocessing], dict]:
    """(features in model order, their preprocessing, the training run's facts) of one model version, from
    a relation shaped like int_feature_parameters_frozen."""
    table = (
        relation.filter(f"model_version = {int(version)} and is_model_feature")
        .order("feature_position")
        .project(
            "feature, transform, lower_fence, upper_fence, scaling_center, scaling_scale, fill_value, "
            "strftime(trained_at, '%Y-%m-%d %H:%M:%S.%f') as trained_at, training_fingerprint"
        )
        .fetchall()
    )
    if not table:
        raise ValueError(f"no frozen preprocessing for model version {version}")
    features = [row[0] for row in table]
    preprocessing = {
        row[0]: FeaturePreprocessing(
            transform=row[1],
            lower_fence=float(row[2]),
            upper_fence=float(row[3]),
            center=float(row[4]),
            scale=float(row[5]),
            fill_value=float(row[6]),
        )
        for row in table
    }
    return features, preprocessing, {"trained_at": table[0][7], "training_fingerprint": table[0][8]}


def training_matrix(
    relation: Any, features: list[str], sample_size: int, random_seed: int
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The rows training reads: every customer when there are at most `sample_size`, otherwise a seeded
    sample of that many (the customers with the smallest hash of id and seed, found in one streaming pass,
    never every row through Python). Sorted by customer id, so that samples drawn by position are the
    same on every run. Selection and training read the same rows."""
    total = relation.aggregate("count(*)").fetchone()[0]
    if total > sample_size:
        relation = relation.order(f"hash(customer_id || '#{int(random_seed)}'), customer_id").limit(
            sample_size
        )
    return feature_matrix(relation, features, ordered=True)


def trained_model(trained: Any, preprocessing: Any, version: int | None = None) -> FrozenModel | None:
    """A version (default: the latest) of the trained model, from relations shaped like
    int_segment_models_trained (parameter rows) and int_feature_parameters_frozen; None when empty."""
    if version is None:
        version = latest_model_version(trained)
        if version is None:
            return None
    rows = trained.filter(f"model_version = {int(version)}").df()
    if rows.empty:
        return None
    features, steps, _ = frozen_preprocessing(preprocessing, version)
    return frozen_model_from_rows(rows, steps, features)


def stratified_sample(segments: Any, per_segment: int, random_seed: int) -> Any:
    """(customer_id, segment_id) of up to `per_segment` customers of each segment: those with the
    smallest hash of their id and the seed, so that a segment smaller than that is taken whole and the
    same customers and seed give the same sample. `segments`: a DuckDB relation with customer_id and
    segment_id; the window runs in DuckDB over those two columns, so no customer reaches Python unless
    sampled."""
    if int(per_segment) < 1:
        raise ValueError(f"customers per segment must be at least 1, got {per_segment}")
    sample_key = f"hash(customer_id || '#projection#{int(random_seed)}')"
    ranked = segments.project(
        "customer_id, segment_id, "
        f"row_number() over (partition by segment_id order by {sample_key}, customer_id) as sample_rank"
    )
    return ranked.filter(f"sample_rank <= {int(per_segment)}").project("customer_id, segment_id")


def population_moments(relation: Any, columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(means, population covariance matrix) of `columns` over every row of a DuckDB relation, computed
    in one aggregate pass in DuckDB; a missing value counts as 0 (the mean of a standardized feature), as
    in feature_matrix."""
    values = [f'coalesce("{name}", 0)::double' for name in columns]
    size = len(columns)
    pairs = [(i, j) for i in range(size) for j in range(i, size)]
    aggregates = [f"avg({value})" for value in values]
    aggregates += [f"covar_pop({values[i]}, {values[j]})" for i, j in pairs]
    row = relation.aggregate(", ".join(aggregates)).fetchone()
    means = np.array(row[:size], dtype=np.float64)
    covariance = np.zeros((size, size))
    for (i, j), value in zip(pairs, row[size:], strict=True):
        covariance[i, j] = covariance[j, i] = 0.0 if value is None else value
    return means, covariance
