"""CRM exports on Spark: written where Spark writes, one row per directory, and no row without a format."""

import duckdb
import pandas as pd
import pytest

from segwarehouse.exports import export_relations

pytestmark = pytest.mark.spark


def test_spark_exports_are_directories_of_part_files_one_row_each(spark_session, tmp_path):
    frame = spark_session.createDataFrame(
        pd.DataFrame({"customer_id": ["a", "b", "c"], "segment_id": [1, 2, 1]})
    )
    written = export_relations({"customer_segments": frame}, tmp_path / "exports", ("csv", "parquet"))
    assert written[["export_name", "file_format", "row_count"]].to_dict("records") == [
        {"export_name": "customer_segments", "file_format": "csv", "row_count": 3},
        {"export_name": "customer_segments", "file_format": "parquet", "row_count": 3},
    ]
    paths = dict(zip(written["file_format"], written["file_path"], strict=True))
    assert paths["parquet"] == str((tmp_path / "exports" / "customer_segments.parquet").resolve())
    parquet = duckdb.sql(f"select * from read_parquet('{paths['parquet']}/*.parquet') order by 1").fetchall()
    assert parquet == [("a", 1), ("b", 2), ("c", 1)]
    csv = duckdb.sql(f"select * from read_csv('{paths['csv']}/*.csv', header = true) order by 1").fetchall()
    assert csv == parquet


def test_no_export_format_gives_an_empty_spark_frame_with_the_manifest_columns(spark_session, tmp_path):
    frame = spark_session.createDataFrame(pd.DataFrame({"customer_id": ["a"]}))
    written = export_relations({"customer_segments": frame}, tmp_path / "exports", ())
    assert written.count() == 0
    assert [(field.name, field.dataType.simpleString()) for field in written.schema.fields] == [
        ("export_name", "string"),
        ("file_format", "string"),
        ("file_path", "string"),
        ("row_count", "bigint"),
        ("exported_at", "timestamp"),
    ]
    assert not (tmp_path / "exports").exists()
