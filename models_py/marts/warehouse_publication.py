"""Publish the warehouse: runs last, and only when every model and test upstream passed."""

import pandas as pd

from segwarehouse.data_access import SPARK, Table
from segwarehouse.exports import publish_exports
from segwarehouse.publishing import publish_database, published_in_place


def model(dbt, session):
    # Every mart is a parent, so that a failed model or test anywhere skips publishing.
    marts = {
        "customer_segments": dbt.ref("customer_segments"),
        "segment_profiles": dbt.ref("segment_profiles"),
        "segment_centroids": dbt.ref("segment_centroids"),
        "model_selection": dbt.ref("model_selection"),
        "feature_summary": dbt.ref("feature_summary"),
        "customer_features": dbt.ref("customer_features"),
        "rejected_rows": dbt.ref("rejected_rows"),
        "crm_exports": dbt.ref("crm_exports"),
        "customer_rfm": dbt.ref("customer_rfm"),
        "input_quality": dbt.ref("input_quality"),
        "segment_models": dbt.ref("segment_models"),
        "segment_model_segments": dbt.ref("segment_model_segments"),
        "segment_model_centroids": dbt.ref("segment_model_centroids"),
        "segment_model_features": dbt.ref("segment_model_features"),
        "segment_history": dbt.ref("segment_history"),
        "segment_runs": dbt.ref("segment_runs"),
        "segment_migrations": dbt.ref("segment_migrations"),
        "segment_drift": dbt.ref("segment_drift"),
        "feature_drift": dbt.ref("feature_drift"),
        "segment_model_verdict": dbt.ref("segment_model_verdict"),
        "report_feature_histograms": dbt.ref("report_feature_histograms"),
        "report_feature_boxes": dbt.ref("report_feature_boxes"),
        "report_feature_correlations": dbt.ref("report_feature_correlations"),
        "report_feature_separation": dbt.ref("report_feature_separation"),
        "report_customers_by_country": dbt.ref("report_customers_by_country"),
        "report_recency_monetary": dbt.ref("report_recency_monetary"),
        "report_event_funnel": dbt.ref("report_event_funnel"),
        "report_customer_projection": dbt.ref("report_customer_projection"),
        "report_projection_loadings": dbt.ref("report_projection_loadings"),
    }
    tables = {name: Table(relation, session) for name, relation in marts.items()}
    for table in tables.values():
        table.first()
    if tables["customer_segments"].engine == SPARK:
        # On Spark the tables are the published state, and crm_exports wrote its files in place.
        return pd.DataFrame(published_in_place(tables, dbt.this.schema))
    published = publish_database(
        session,
        dbt.config.get("published_path"),
        input_relations=dbt.config.get("input_relations", []),
        default_schema=dbt.config.get("default_schema"),
    )
    # The CRM files of this build go into place only now, beside the warehouse they came from.
    exported = tables["crm_exports"].query("select file_path from $table").rows()
    publish_exports([path for (path,) in exported])
    frame = pd.DataFrame(published)
    frame["published_to"] = dbt.config.get("published_path")
    return frame
