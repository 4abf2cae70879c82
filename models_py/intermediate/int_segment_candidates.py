"""Model selection: every candidate (algorithm x k) with its criteria and the rule's choice."""

from segwarehouse.clustering.selection import select_model
from segwarehouse.dbt_bridge import (
    candidates_table,
    feature_matrix,
    model_feature_names,
    settings_from_config,
)


def model(dbt, session):
    # Checked in SQL first: the clustering vars, enough customers, at least one feature that varies.
    dbt.ref("int_clustering_preconditions")
    settings = settings_from_config(dbt.config.get("clustering_settings"))
    features = model_feature_names(dbt.ref("int_feature_selection"))
    _, matrix, features = feature_matrix(dbt.ref("int_customer_features_standardized"), features)
    return candidates_table(select_model(matrix, settings), features)
