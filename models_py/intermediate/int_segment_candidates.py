"""Model selection of each trained model version: every candidate (algorithm x k) with its criteria and
the rule's choice. Appended only on a training run (a new version in int_frozen_preprocessing)."""

from segwarehouse.clustering.selection import select_model
from segwarehouse.dbt_bridge import (
    candidates_table,
    feature_matrix,
    frozen_preprocessing,
    latest_model_version,
    settings_from_config,
)


def model(dbt, session):
    # Checked in SQL first: the clustering vars, enough customers, at least one feature that varies.
    dbt.ref("int_clustering_preconditions")
    preprocessing = dbt.ref("int_frozen_preprocessing")
    version = latest_model_version(preprocessing)
    if dbt.is_incremental:
        selected_before = session.sql(f"select * from {dbt.this} where model_version = {version}")
        if selected_before.aggregate("count(*)").fetchone()[0] > 0:
            # Not a training run: the frozen version keeps the selection it was trained with.
            return session.sql(f"select * from {dbt.this} where false").df()
    settings = settings_from_config(dbt.config.get("clustering_settings"))
    features, _, _ = frozen_preprocessing(preprocessing, version)
    _, matrix, features = feature_matrix(dbt.ref("int_customer_features_scored"), features, ordered=True)
    table = candidates_table(select_model(matrix, settings), features)
    table.insert(0, "model_version", version)
    return table
