"""The names of each model version's segments: persisted once, when the version is trained, and carried for
as long as the version is in use. A segment that kept its id keeps its name; the others are named from the
persona catalogue by an optimal one-to-one assignment on how well each persona's signature fits the
segment's profile on the training customers (segwarehouse.lifecycle.naming)."""

import pandas as pd

from segwarehouse.lifecycle.naming import NAME_COLUMNS, Catalogue, name_segments


def model(dbt, session):
    trained = dbt.ref("int_segment_models_trained")
    version = trained.aggregate("max(model_version)").fetchone()[0]
    previous_names = None
    if dbt.is_incremental:
        if session.sql(f"select count(*) from {dbt.this} where model_version = {version}").fetchone()[0]:
            return session.sql(f"select * from {dbt.this} where false").df()
        previous_names = session.sql(f"select * from {dbt.this}").df()
    segments = trained.filter(
        f"model_version = {version} and parameter in ('segment_position', 'centroid_shift', "
        "'previous_model_version')"
    ).df()
    positions = segments[segments["parameter"] == "segment_position"].sort_values("value")
    segment_ids = [int(segment_id) for segment_id in positions["segment_id"]]
    shifts = segments[segments["parameter"] == "centroid_shift"].set_index("segment_id")["value"]
    previous_version = segments.loc[segments["parameter"] == "previous_model_version", "value"]
    inherited = None
    if previous_names is not None and len(previous_version) and pd.notna(previous_version.iloc[0]):
        # A segment matched to the previous version (it has a centroid shift) keeps that version's name.
        matched = [segment_id for segment_id in segment_ids if pd.notna(shifts.get(segment_id))]
        inherited = previous_names[
            (previous_names["model_version"] == int(previous_version.iloc[0]))
            & previous_names["segment_id"].isin(matched)
        ]
    catalogue = Catalogue(
        personas=dbt.ref("persona_catalogue").df(),
        signatures=dbt.ref("persona_signatures").df(),
        labels=dbt.ref("int_feature_candidates_listed").project("feature, label, high_label, low_label").df(),
    )
    profile = (
        dbt.ref("int_segment_features_profiled").project("segment_id, feature, centroid_z, is_observed").df()
    )
    names = name_segments(segment_ids, profile, catalogue, float(dbt.config.get("persona_min_z")), inherited)
    names.insert(0, "model_version", version)
    names["segment_id"] = names["segment_id"].astype("int64")
    return names[["model_version", *NAME_COLUMNS]]
