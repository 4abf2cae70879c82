"""Every customer assigned with the selected model (refitted identically from the same sample and seed)."""

from segwarehouse.clustering.selection import fit_selected
from segwarehouse.dbt_bridge import (
    assignments_table,
    feature_matrix,
    model_feature_names,
    settings_from_config,
)


def model(dbt, session):
    # Checked in SQL first: the clustering vars, enough customers, at least one feature that varies.
    dbt.ref("int_clustering_preconditions")
    settings = settings_from_config(dbt.config.get("clustering_settings"))
    chosen = dbt.ref("int_segment_candidates").filter("is_selected").fetchone()
    chosen_columns = dbt.ref("int_segment_candidates").columns
    selected = dict(zip(chosen_columns, chosen, strict=True))
    features = model_feature_names(dbt.ref("int_feature_selection"))
    ids, matrix, _ = feature_matrix(dbt.ref("int_customer_features_standardized"), features)
    candidate = fit_selected(matrix, settings, selected["algorithm"], int(selected["k"]))
    return assignments_table(ids, matrix, candidate)
