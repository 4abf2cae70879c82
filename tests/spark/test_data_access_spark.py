"""segwarehouse.data_access on Spark: the checks tests/test_data_access.py runs on DuckDB."""

import pytest

from segwarehouse.data_access import SPARK, Table
from tests import data_access_cases as cases

pytestmark = pytest.mark.spark


@pytest.fixture
def make(spark_session):
    return lambda frame: Table(spark_session.createDataFrame(frame))


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
def test_data_access_on_spark(make, check):
    check(make)


def test_no_rows_on_spark_is_a_spark_frame_with_the_types(make):
    import pandas as pd
    from pyspark.sql import DataFrame

    table = make(pd.DataFrame({"a": [1], "b": ["x"]}))
    assert table.engine == SPARK
    empty = table.no_rows()
    assert isinstance(empty, DataFrame) and empty.count() == 0
    assert [field.dataType.simpleString() for field in empty.schema.fields] == ["bigint", "string"]
    upgraded = table.no_rows({"chosen_by": "string", "reproducible_k_floor": "double"})
    assert [field.dataType.simpleString() for field in upgraded.schema.fields] == [
        "bigint",
        "string",
        "string",
        "double",
    ]
