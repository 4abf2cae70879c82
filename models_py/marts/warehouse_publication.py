"""Publish the warehouse: runs last, and only when every model and test upstream passed."""

import pandas as pd

from segwarehouse.exports import publish_exports
from segwarehouse.publishing import publish_database


def model(dbt, session):
    # Every mart is a parent, so that a failed model or test anywhere skips publishing.
    for mart in (
        dbt.ref("customer_segments"),
        dbt.ref("segment_profiles"),
        dbt.ref("segment_centroids"),
        dbt.ref("model_selection"),
        dbt.ref("feature_summary"),
        dbt.ref("customer_features"),
        dbt.ref("rejected_rows"),
        dbt.ref("crm_exports"),
        dbt.ref("customer_rfm"),
        dbt.ref("input_quality"),
        dbt.ref("segment_models"),
        dbt.ref("segment_model_segments"),
        dbt.ref("segment_model_centroids"),
        dbt.ref("segment_model_features"),
        dbt.ref("segment_history"),
        dbt.ref("segment_runs"),
        dbt.ref("segment_migrations"),
        dbt.ref("segment_drift"),
        dbt.ref("feature_drift"),
        dbt.ref("segment_model_verdict"),
        dbt.ref("report_feature_histograms"),
        dbt.ref("report_feature_boxes"),
        dbt.ref("report_feature_correlations"),
        dbt.ref("report_feature_separation"),
        dbt.ref("report_customers_by_country"),
        dbt.ref("report_recency_monetary"),
        dbt.ref("report_event_funnel"),
        dbt.ref("report_customer_projection"),
        dbt.ref("report_projection_loadings"),
    ):
        mart.limit(1).fetchall()
    published = publish_database(session, dbt.config.get("published_path"))
    # The CRM files of this build go into place only now, beside the warehouse they came from.
    exported = dbt.ref("crm_exports").project("file_path").fetchall()
    publish_exports([path for (path,) in exported])
    frame = pd.DataFrame(published)
    frame["published_to"] = dbt.config.get("published_path")
    return frame
