"""CRM export: customer labels and cleaned features as CSV and Parquet under var export_dir."""

from segwarehouse.exports import export_relations


def model(dbt, session):
    relations = {
        "customer_segments": dbt.ref("customer_segments"),
        "customer_features": dbt.ref("customer_features"),
    }
    return export_relations(relations, dbt.config.get("export_dir"))
