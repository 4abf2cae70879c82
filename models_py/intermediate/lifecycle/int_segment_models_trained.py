"""The trained model of each version, one row per parameter: version facts, per segment its id (matched to
the previous version's segments after a retrain), size and centroid shift, the centroids, the mixture's
weights and precision factors, and the drift reference. Appended when this build froze a new version;
what every later build scores with (int_customers_segmented, in SQL)."""

from segwarehouse.data_access import Table
from segwarehouse.dbt_bridge import (
    frozen_preprocessing,
    latest_model_version,
    settings_from_checked,
    trained_model,
    training_matrix,
)


def model(dbt, session):
    preprocessing = Table(dbt.ref("int_feature_parameters_frozen"), session)
    version = latest_model_version(preprocessing)
    previous = None
    if dbt.is_incremental:
        trained = Table.this(dbt, session)
        if trained.scalar(f"select count(*) from $table where model_version = {version}"):
            return trained.no_rows()
        previous = trained_model(trained, preprocessing)
    # Imported only when training: a scoring build needs none of it.
    from segwarehouse.clustering.selection import fit_selected
    from segwarehouse.lifecycle.frozen_model import model_parameter_rows
    from segwarehouse.lifecycle.training import freeze_trained_model

    settings = settings_from_checked(Table(dbt.ref("int_clustering_inputs_checked"), session))
    selected = (
        Table(dbt.ref("int_segment_candidates_evaluated"), session)
        .query(f"select * from $table where model_version = {version} and is_selected")
        .first()
    )
    features, steps, facts = frozen_preprocessing(preprocessing, version)
    _, matrix, features = training_matrix(
        Table(dbt.ref("int_customer_features_standardized"), session),
        features,
        settings.fit_sample_size,
        settings.random_seed,
    )
    candidate = fit_selected(matrix, settings, selected["algorithm"], int(selected["k"]))
    frozen = freeze_trained_model(
        candidate,
        matrix,
        features,
        steps,
        version=version,
        random_seed=settings.random_seed,
        trained_at=facts["trained_at"],
        training_fingerprint=facts["training_fingerprint"],
        previous=previous,
        max_match_distance=float(dbt.config.get("segment_match_max_distance")),
    )
    return model_parameter_rows(
        frozen, {"silhouette": selected["silhouette"], "prediction_strength": selected["prediction_strength"]}
    )
