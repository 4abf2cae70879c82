"""segwarehouse.data_access on DuckDB (the same checks run on Spark in tests/spark)."""

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from segwarehouse.data_access import Table, engine_of
from tests import data_access_cases as cases


@pytest.fixture
def make():
    connection = duckdb.connect()
    yield lambda frame: Table(connection.from_df(frame), connection)
    connection.close()


@pytest.mark.parametrize(
    "check",
    [
        cases.check_training_sample_is_the_md5_order_of_python,
        cases.check_feature_matrix_keeps_columns_and_fills_missing_with_zero,
        cases.check_projection_sample_per_segment_is_the_md5_order,
        cases.check_population_moments_treat_missing_as_zero,
        cases.check_frozen_preprocessing_reads_the_version_and_its_time,
        cases.check_queries_rows_and_no_rows,
    ],
)
def test_data_access_on_duckdb(make, check):
    check(make)


def test_no_rows_on_duckdb_is_an_empty_arrow_table_with_the_types(make):
    table = make(pd.DataFrame({"a": [1], "b": ["x"]}))
    empty = table.no_rows()
    assert isinstance(empty, pa.Table) and empty.num_rows == 0
    assert [str(field.type) for field in empty.schema] == ["int64", "string"]
    # Typed even when it has no values: an empty pandas frame would make the added text column an integer.
    upgraded = table.no_rows({"chosen_by": "string", "reproducible_k_floor": "double"})
    assert [str(field.type) for field in upgraded.schema] == ["int64", "string", "string", "double"]


def test_a_duckdb_query_leaves_no_view_behind_and_other_objects_are_refused(make):
    connection = duckdb.connect()
    table = Table(connection.sql("select 1 as a"), connection)
    assert table.query("select a + 1 from $table").query("select * from $table").rows() == [(2,)]
    assert (
        connection.sql("select count(*) from duckdb_views() where not internal and not temporary").fetchone()[
            0
        ]
        == 0
    )
    with pytest.raises(TypeError, match="DuckDB relation or a Spark DataFrame"):
        engine_of(pd.DataFrame())
