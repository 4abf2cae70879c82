"""Every customer scored with the latest frozen model (segment_models), on features preprocessed exactly
as at training (int_customer_features_scored)."""

from segwarehouse.dbt_bridge import feature_matrix, frozen_model_of_version
from segwarehouse.lifecycle.scoring import score_customers


def model(dbt, session):
    frozen = frozen_model_of_version(dbt.ref("segment_models"))
    if frozen is None:
        raise ValueError("segment_models holds no model: run a full `dbt build` first")
    ids, matrix, _ = feature_matrix(dbt.ref("int_customer_features_scored"), frozen.features)
    return score_customers(frozen, ids, matrix)
