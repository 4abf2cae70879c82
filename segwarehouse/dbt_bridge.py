"""What the dbt Python models need: the checked clustering settings, the feature matrix from a relation,
and frames shaped like the tables they return. Kept here so the models stay thin and this stays tested.
Relations are read through segwarehouse.data_access, so each function takes a DuckDB relation, a Spark
DataFrame or a Table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from segwarehouse.data_access import Table, seeded_order
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
    typed them once, in SQL (macro clustering_settings). `relation`: that one row."""
    from segwarehouse.clustering.selection import SelectionSettings

    row = Table.of(relation).first()
    return SelectionSettings(
        k_min=int(row["k_min"]),
        k_max=int(row["k_max"]),
        random_seed=int(row["random_seed"]),
        forced_k=None if row["n_segments"] is None else int(row["n_segments"]),
        forced_algorithm=row["algorithm"],
        min_segment_share=float(row["min_segment_share"]),
        stability_floor=float(row["stability_floor"]),
        silhouette_tolerance=float(row["silhouette_tolerance"]),
        reproducible_k_floor=float(row["reproducible_k_floor"]),
        stability_resamples=int(row["stability_resamples"]),
        max_noise_share=float(row["max_noise_share"]),
        minimum_customers=int(row["minimum_customers"]),
    )


def feature_matrix(
    relation: Any, features: list[str] | None = None, ordered: bool = False
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(customer ids, float32 matrix, feature names) from a relation whose first column is
    customer_id and whose other columns are the standardized features; only `features` (in that order)
    when given. Missing values are 0 (the mean). `ordered`: rows sorted by customer id, so that samples
    drawn by position are the same on every run (training needs it; scoring does not).

    The matrix is filled from Arrow record batches as they stream out of DuckDB (on Spark: as they arrive
    at the driver), into one preallocated float32 array: no pandas frame and no float64 copy of the whole
    table. float32 keeps 7 significant digits of a z-score, far finer than any cluster boundary, at half
    the memory."""
    table = Table.of(relation)
    if features is None:
        features = [name for name in table.columns if name != "customer_id"]
    missing = sorted(set(features) - set(table.columns))
    if missing:
        raise ValueError(f"feature(s) {', '.join(missing)} not in the standardized feature table")
    columns = ", ".join(["customer_id", *(table.quote(name) for name in features)])
    order = " order by customer_id" if ordered else ""
    table = table.query(f"select {columns} from $table{order}")
    names = list(features)
    n_rows = table.count()
    matrix = np.zeros((n_rows, len(names)), dtype=np.float32)
    ids = np.empty(n_rows, dtype=object)
    start = 0
    for batch in table.arrow_batches(FEATURE_BATCH_ROWS):
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


# int_segment_candidates_evaluated's columns that later releases added: an existing warehouse's table gets
# them (NULL for the versions trained before) on its next build, training or not.
CANDIDATE_COLUMNS_ADDED_LATER = {
    "prediction_strength": "double",
    "max_noise_share": "double",
    "reproducible_k_floor": "double",
    "chosen_by": "string",
}


def candidates_table(result: SelectionResult, features: list[str]) -> pd.DataFrame:
    """model_selection rows: one per candidate, with the settings and features they were chosen under."""
    frame = result.candidates.copy()
    settings = result.settings
    frame["features_used"] = ", ".join(features)
    frame["random_seed"] = settings.random_seed
    frame["silhouette_tolerance"] = settings.silhouette_tolerance
    frame["reproducible_k_floor"] = settings.reproducible_k_floor
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
        "chosen_by",
        "features_used",
        "random_seed",
        "silhouette_tolerance",
        "reproducible_k_floor",
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
    value = Table.of(relation).scalar("select max(model_version) from $table")
    return None if value is None else int(value)


def frozen_preprocessing(
    relation: Any, version: int
) -> tuple[list[str], dict[str, FeaturePreprocessing], dict]:
    """(features in model order, their preprocessing, the training run's facts) of one model version, from
    a relation shaped like int_feature_parameters_frozen."""
    parameters = Table.of(relation)
    table = parameters.query(
        "select feature, transform, lower_fence, upper_fence, scaling_center, scaling_scale, fill_value, "
        f"{parameters.timestamp_text('trained_at')} as trained_at, training_fingerprint from $table "
        f"where model_version = {int(version)} and is_model_feature order by feature_position"
    ).rows()
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
    sample of that many (the first by data_access.seeded_order: the same customers on DuckDB and Spark,
    chosen by the engine, never every row through Python). Sorted by customer id, so that samples drawn by
    position are the same on every run. Selection and training read the same rows."""
    table = Table.of(relation)
    if table.count() > sample_size:
        table = table.query(
            f"select * from $table order by {seeded_order(str(int(random_seed)))} limit {int(sample_size)}"
        )
    return feature_matrix(table, features, ordered=True)


def trained_model(trained: Any, preprocessing: Any, version: int | None = None) -> FrozenModel | None:
    """A version (default: the latest) of the trained model, from relations shaped like
    int_segment_models_trained (parameter rows) and int_feature_parameters_frozen; None when empty."""
    if version is None:
        version = latest_model_version(trained)
        if version is None:
            return None
    rows = Table.of(trained).query(f"select * from $table where model_version = {int(version)}").pandas()
    if rows.empty:
        return None
    features, steps, _ = frozen_preprocessing(preprocessing, version)
    return frozen_model_from_rows(rows, steps, features)


def stratified_sample(segments: Any, per_segment: int, random_seed: int) -> Table:
    """(customer_id, segment_id) of up to `per_segment` customers of each segment: the first by
    data_access.seeded_order, so that a segment smaller than that is taken whole and the same customers
    and seed give the same sample. `segments`: a relation with customer_id and segment_id; the window runs
    in the engine over those two columns, so no customer reaches Python unless sampled."""
    if int(per_segment) < 1:
        raise ValueError(f"customers per segment must be at least 1, got {per_segment}")
    order = seeded_order(f"projection#{int(random_seed)}")
    return Table.of(segments).query(
        "select customer_id, segment_id from (select customer_id, segment_id, row_number() over "
        f"(partition by segment_id order by {order}) as sample_rank from $table) as ranked "
        f"where sample_rank <= {int(per_segment)}"
    )


def population_moments(relation: Any, columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(means, population covariance matrix) of `columns` over every row of a relation, computed in one
    aggregate pass in the engine; a missing value counts as 0 (the mean of a standardized feature), as
    in feature_matrix."""
    table = Table.of(relation)
    values = [f"cast(coalesce({table.quote(name)}, 0) as double)" for name in columns]
    size = len(columns)
    pairs = [(i, j) for i in range(size) for j in range(i, size)]
    aggregates = [f"avg({value})" for value in values]
    aggregates += [f"covar_pop({values[i]}, {values[j]})" for i, j in pairs]
    row = table.query(f"select {', '.join(aggregates)} from $table").rows()[0]
    means = np.array(row[:size], dtype=np.float64)
    covariance = np.zeros((size, size))
    for (i, j), value in zip(pairs, row[size:], strict=True):
        covariance[i, j] = covariance[j, i] = 0.0 if value is None else value
    return means, covariance
