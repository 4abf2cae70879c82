"""One row per trained model version: the frozen model (features, preprocessing, centroids or mixture
parameters, segment ids, drift reference) that every later run scores with. Appended on a training run."""

from segwarehouse.clustering.selection import fit_selected
from segwarehouse.dbt_bridge import (
    feature_matrix,
    frozen_model_of_version,
    frozen_preprocessing,
    latest_model_version,
    segment_models_row,
    settings_from_config,
)
from segwarehouse.lifecycle.training import freeze_trained_model


def model(dbt, session):
    preprocessing = dbt.ref("int_frozen_preprocessing")
    version = latest_model_version(preprocessing)
    previous = None
    if dbt.is_incremental:
        models = session.sql(f"select * from {dbt.this}")
        if frozen_model_of_version(models, version) is not None:
            return session.sql(f"select * from {dbt.this} where false").df()
        previous = frozen_model_of_version(models)
    settings = settings_from_config(dbt.config.get("clustering_settings"))
    candidates = dbt.ref("int_segment_candidates").filter(f"model_version = {version} and is_selected")
    selected = dict(zip(candidates.columns, candidates.fetchone(), strict=True))
    features, steps, facts = frozen_preprocessing(preprocessing, version)
    _, matrix, features = feature_matrix(dbt.ref("int_customer_features_scored"), features, ordered=True)
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
    return segment_models_row(frozen, selected)
