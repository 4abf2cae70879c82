"""One row per feature of the model in use: population stability index of today's customers against the
training population (on the frozen preprocessing's scale)."""

from segwarehouse.dbt_bridge import feature_matrix, frozen_model_of_version
from segwarehouse.lifecycle.scoring import feature_drift


def model(dbt, session):
    frozen = frozen_model_of_version(dbt.ref("segment_models"))
    _, matrix, _ = feature_matrix(dbt.ref("int_customer_features_scored"), frozen.features)
    drift = feature_drift(frozen, matrix)
    drift.insert(0, "model_version", frozen.version)
    drift["customers_scored"] = len(matrix)
    drift["psi_threshold"] = float(dbt.config.get("drift_psi_threshold"))
    drift["is_drifted"] = drift["psi"] > drift["psi_threshold"]
    return drift
