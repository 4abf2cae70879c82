"""CRM export: customer labels and cleaned features as files under var export_dir, in the formats of var
export_formats (CSV and Parquet by default; none when empty)."""

from segwarehouse.exports import export_formats, export_relations


def model(dbt, session):
    relations = {
        "customer_segments": dbt.ref("customer_segments"),
        "customer_features": dbt.ref("customer_features"),
    }
    formats = export_formats(dbt.config.get("export_formats"))
    return export_relations(relations, dbt.config.get("export_dir"), formats)
