"""What the dbt Python models need: settings from the model config, the feature matrix from a relation,
and frames shaped like the tables they return. Kept here so the models stay thin and this stays tested."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from segwarehouse.clustering.selection import SelectionResult, SelectionSettings
from segwarehouse.lifecycle.frozen_model import FeaturePreprocessing, FrozenModel

# Rows per Arrow batch read from DuckDB: large enough to amortise the per-batch cost, small enough that a
# batch is a few megabytes.
FEATURE_BATCH_ROWS = 262_144


def _optional(value: Any) -> str | None:
    """dbt renders vars into config as text: 'None', '' and 'null' mean unset."""
    if value is None:
        return None
    text = str(value).strip()
    return None if text.lower() in ("", "none", "null") else text


def settings_from_config(config: Mapping[str, Any] | None) -> SelectionSettings:
    """Build SelectionSettings from the model's `clustering_settings` config (the project's vars)."""
    config = config or {}
    get = config.get

    def number(key: str, cast: Callable[[str], Any]) -> Any:
        value = _optional(get(key))
        if value is None:
            raise ValueError(f"var {key} is not set (clustering_settings config of the clustering models)")
        try:
            return cast(value)
        except ValueError:
            raise ValueError(f"var {key} must be a number, got {value!r}") from None

    forced_k = _optional(get("n_segments"))
    forced_algorithm = _optional(get("algorithm"))
    try:
        forced_k_value = int(forced_k) if forced_k is not None else None
    except ValueError:
        raise ValueError(f"var n_segments must be a whole number, got {forced_k!r}") from None
    return SelectionSettings(
        k_min=number("k_min", int),
        k_max=number("k_max", int),
        random_seed=number("random_seed", int),
        forced_k=forced_k_value,
        forced_algorithm=forced_algorithm.lower() if forced_algorithm else None,
        min_segment_share=number("min_segment_share", float),
        stability_floor=number("stability_floor", float),
        silhouette_tolerance=number("silhouette_tolerance", float),
        stability_resamples=number("stability_resamples", int),
    )


def model_feature_names(selection: Any) -> list[str]:
    """The model features, in priority order, from a relation shaped like int_feature_selection
    (feature, priority, is_model_feature)."""
    rows = selection.filter("is_model_feature").order("priority, feature").project("feature").fetchall()
    names = [str(row[0]) for row in rows]
    if not names:
        raise ValueError(
            "no model feature: every configured feature is constant or missing "
            "(see int_feature_selection; set var model_features to features that vary)"
        )
    return names


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
    columns = [
        "algorithm",
        "k",
        "fit_sample_size",
        "silhouette",
        "calinski_harabasz",
        "davies_bouldin",
        "bic",
        "inertia",
        "stability_ari",
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
    ]
    frame = frame[columns]
    frame["k"] = frame["k"].astype("int64")
    # is_eligible is NULL for a candidate whose stability was not measured (it could not change the choice).
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
    a relation shaped like int_frozen_preprocessing."""
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


def frozen_model_of_version(relation: Any, version: int | None = None) -> FrozenModel | None:
    """A version (default: the latest) from a relation shaped like segment_models; None when empty."""
    if version is None:
        version = latest_model_version(relation)
        if version is None:
            return None
    rows = relation.filter(f"model_version = {int(version)}")
    values = rows.fetchone()
    if values is None:
        return None
    row = dict(zip(rows.columns, values, strict=True))
    # The structured parts are stored as <name>_json; they win over a scalar of the same name.
    structured = {name.removesuffix("_json"): value for name, value in row.items() if name.endswith("_json")}
    return FrozenModel.from_record({**row, **structured})


def segment_models_row(frozen: FrozenModel, selected: Mapping[str, Any]) -> pd.DataFrame:
    """The segment_models row of a newly trained version: the frozen record plus readable facts."""
    record = frozen.to_record()
    shifts = [shift for shift in frozen.centroid_shifts if shift is not None]
    row = {
        "model_version": record["model_version"],
        "algorithm": record["algorithm"],
        "k": record["k"],
        "random_seed": record["random_seed"],
        "previous_model_version": frozen.previous_version,
        "training_customers": int(sum(frozen.training_customers)),
        "matched_segments": len(shifts) if frozen.previous_version is not None else 0,
        "new_segments": frozen.k - len(shifts) if frozen.previous_version is not None else frozen.k,
        "max_centroid_shift": max(shifts) if shifts else None,
        "far_distance": frozen.extras["far_distance"],
        "silhouette": selected.get("silhouette"),
        "stability_ari": selected.get("stability_ari"),
        "trained_at": pd.Timestamp(record["trained_at"]),
        "training_fingerprint": record["training_fingerprint"],
    }
    for key in (
        "features",
        "segment_ids",
        "training_customers",
        "centroid_shifts",
        "centroids",
        "preprocessing",
        "mixture_parameters",
        "drift_reference",
        "extras",
    ):
        row[f"{key}_json"] = record[key]
    frame = pd.DataFrame([row])
    frame["previous_model_version"] = frame["previous_model_version"].astype("Int64")
    frame["max_centroid_shift"] = frame["max_centroid_shift"].astype("float64")
    frame["silhouette"] = frame["silhouette"].astype("float64")
    frame["stability_ari"] = frame["stability_ari"].astype("float64")
    return frame
