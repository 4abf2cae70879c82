"""The names of each model version's segments: persisted once, when the version is trained, and carried for
as long as the version is in use. A segment that kept its id keeps its name; the others are named from the
persona catalogue by an optimal one-to-one assignment on how well each persona's signature fits the
segment's profile on the training customers (segwarehouse.lifecycle.naming)."""

import pandas as pd

from segwarehouse.data_access import Table
from segwarehouse.lifecycle.naming import NAME_COLUMNS, Catalogue, name_segments


def model(dbt, session):
    trained = Table(dbt.ref("int_segment_models_trained"), session)
    version = int(trained.scalar("select max(model_version) from $table"))
    previous_names = None
    if dbt.is_incremental:
        named = Table.this(dbt, session)
        if named.scalar(f"select count(*) from $table where model_version = {version}"):
            return named.no_rows()
        previous_names = named.pandas()
    segments = trained.query(
        f"select * from $table where model_version = {version} and parameter in ('segment_position', "
        "'centroid_shift', 'previous_model_version')"
    ).pandas()
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
        personas=Table(dbt.ref("persona_catalogue"), session).pandas(),
        signatures=Table(dbt.ref("persona_signatures"), session).pandas(),
        labels=Table(dbt.ref("int_feature_candidates_listed"), session)
        .query("select feature, label, high_label, low_label from $table")
        .pandas(),
    )
    profile = (
        Table(dbt.ref("int_segment_features_profiled"), session)
        .query("select segment_id, feature, centroid_z, is_observed from $table")
        .pandas()
    )
    names = name_segments(segment_ids, profile, catalogue, float(dbt.config.get("persona_min_z")), inherited)
    names.insert(0, "model_version", version)
    names["segment_id"] = names["segment_id"].astype("int64")
    return names[["model_version", *NAME_COLUMNS]]
