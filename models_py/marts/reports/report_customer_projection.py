"""The customer maps the reports draw, for a sample of customers: principal components, t-SNE, the
silhouette in the model's standardized space and the Ward cluster at the number of segments. The sample
(at most var projection_customers_per_segment per segment, seeded by var random_seed) is drawn in SQL by
the engine; only the sampled customers reach Python (segwarehouse.reporting.projection)."""

from segwarehouse.data_access import Table
from segwarehouse.dbt_bridge import (
    frozen_preprocessing,
    latest_model_version,
    population_moments,
    settings_from_checked,
    stratified_sample,
)
from segwarehouse.reporting.projection import PROJECTION_COLUMNS, project_customers


def model(dbt, session):
    segments = Table(dbt.ref("customer_segments"), session)
    customer_features = Table(dbt.ref("customer_features"), session)
    preprocessing = Table(dbt.ref("int_feature_parameters_frozen"), session)
    version = latest_model_version(preprocessing)
    features, _, _ = frozen_preprocessing(preprocessing, version)
    z_columns = [f"{feature}_z" for feature in features]
    random_seed = settings_from_checked(Table(dbt.ref("int_clustering_inputs_checked"), session)).random_seed
    per_segment = int(dbt.config.get("customers_per_segment"))

    sample = stratified_sample(segments, per_segment, random_seed)
    values = ", ".join(
        f"cast(coalesce(features.{customer_features.quote(column)}, 0) as double) as "
        f"{customer_features.quote(column)}"
        for column in z_columns
    )
    rows = sample.query(
        f"select sample.customer_id, sample.segment_id, {values} from $table as sample "
        "join $features as features on features.customer_id = sample.customer_id "
        "order by sample.segment_id, sample.customer_id",
        features=customer_features,
    ).pandas()
    means, covariance = population_moments(customer_features, z_columns)
    projection = project_customers(
        rows[z_columns].to_numpy(), rows["segment_id"].to_numpy(), random_seed, means, covariance
    )
    projection.insert(0, "customer_id", rows["customer_id"].astype(str).to_numpy())
    projection.insert(1, "segment_id", rows["segment_id"].astype("int32").to_numpy())
    projection = projection.assign(model_version=version).astype(
        {"ward_segment_id": "int32", "model_version": "int32"}
    )
    return projection[["customer_id", "segment_id", *PROJECTION_COLUMNS, "model_version"]]
