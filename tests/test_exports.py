"""The CRM export files: the formats written (var export_formats), and where they wait until published."""

import duckdb
import pytest

from segwarehouse.exports import EXPORT_FORMATS, export_formats, export_relations, publish_exports


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (["csv", "parquet"], ("csv", "parquet")),
        (["parquet", "csv"], ("csv", "parquet")),
        ("parquet", ("parquet",)),
        (" Parquet , csv ", ("csv", "parquet")),
        ("csv,csv", ("csv",)),
        ([], ()),
        ("", ()),
        (None, ()),
    ],
)
def test_export_formats_read_lists_and_text(setting, expected):
    assert export_formats(setting) == expected


def test_an_unknown_export_format_is_an_error_naming_the_var():
    with pytest.raises(ValueError, match="var export_formats: unknown format.*xlsx.*csv, parquet"):
        export_formats(["parquet", "xlsx"])


@pytest.fixture
def relations():
    connection = duckdb.connect()
    connection.execute(
        "create table segments as "
        "select range::varchar as customer_id, range % 3 as segment_id from range(50)"
    )
    yield {"customer_segments": connection.table("segments")}
    connection.close()


def test_only_the_chosen_formats_are_written_and_published(tmp_path, relations):
    manifest = export_relations(relations, tmp_path / "out", ("parquet",))
    assert manifest[["export_name", "file_format", "row_count"]].values.tolist() == [
        ["customer_segments", "parquet", 50]
    ]
    final = tmp_path / "out" / "customer_segments.parquet"
    # Written beside the final name until publishing renames it into place.
    assert [path.name for path in (tmp_path / "out").iterdir()] == ["customer_segments.parquet.pending"]
    assert publish_exports(manifest["file_path"].tolist()) == [str(final)]
    assert duckdb.sql(f"select count(*), count(distinct segment_id) from '{final}'").fetchone() == (50, 3)
    assert not (tmp_path / "out" / "customer_segments.csv").exists()


def test_every_format_by_default(tmp_path, relations):
    manifest = export_relations(relations, tmp_path)
    assert tuple(manifest["file_format"]) == EXPORT_FORMATS
    publish_exports(manifest["file_path"].tolist())
    assert duckdb.sql(
        f"select count(*) from read_csv('{tmp_path / 'customer_segments.csv'}')"
    ).fetchone() == (50,)


def test_no_format_writes_no_file_and_a_typed_empty_manifest(tmp_path, relations):
    manifest = export_relations(relations, tmp_path / "none", ())
    assert manifest.empty
    assert list(manifest.columns) == ["export_name", "file_format", "file_path", "row_count", "exported_at"]
    assert str(manifest["row_count"].dtype) == "int64"
    assert str(manifest["exported_at"].dtype).startswith("datetime64")
    assert not (tmp_path / "none").exists()
