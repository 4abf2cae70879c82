"""Model selection of each trained model version: every candidate (algorithm x k) with its criteria and
the rule's choice. Runs when this build froze a new version (int_feature_parameters_frozen holds a version
this table does not have yet), on the rows training reads."""

from segwarehouse.data_access import Table
from segwarehouse.dbt_bridge import (
    CANDIDATE_COLUMNS_ADDED_LATER,
    candidates_table,
    frozen_preprocessing,
    latest_model_version,
    settings_from_checked,
    training_matrix,
)


def model(dbt, session):
    preprocessing = Table(dbt.ref("int_feature_parameters_frozen"), session)
    version = latest_model_version(preprocessing)
    if dbt.is_incremental:
        selected = Table.this(dbt, session)
        if selected.scalar(f"select count(*) from $table where model_version = {version}"):
            # The version in use was selected by an earlier build.
            return selected.no_rows(CANDIDATE_COLUMNS_ADDED_LATER)
    from segwarehouse.clustering.selection import select_model

    # Checked in SQL first: the clustering vars (typed, in this row), enough customers, a feature that varies.
    settings = settings_from_checked(Table(dbt.ref("int_clustering_inputs_checked"), session))
    features, _, _ = frozen_preprocessing(preprocessing, version)
    _, matrix, features = training_matrix(
        Table(dbt.ref("int_customer_features_standardized"), session),
        features,
        settings.fit_sample_size,
        settings.random_seed,
    )
    table = candidates_table(select_model(matrix, settings), features)
    table.insert(0, "model_version", version)
    return table
