"""The clustering reads only the model version's features, in their order, from the standardized table."""

import duckdb
import numpy as np
import pytest

from segwarehouse.data_access import Table
from segwarehouse.dbt_bridge import feature_matrix


@pytest.fixture
def connection():
    with duckdb.connect() as con:
        con.execute(
            """
            create table standardized as
            select * from (values ('a', 1.0, -1.0, 0.5, 9.0), ('b', -1.0, 1.0, -0.5, 9.0))
                as t (customer_id, frequency, recency_days, monetary, return_rate);
            """
        )
        yield con


def test_feature_matrix_keeps_only_the_model_features_in_their_order(connection):
    ids, matrix, names = feature_matrix(
        Table(connection.table("standardized"), connection), ["recency_days", "frequency"]
    )
    assert list(ids) == ["a", "b"]
    assert names == ["recency_days", "frequency"]
    np.testing.assert_array_equal(matrix, [[-1.0, 1.0], [1.0, -1.0]])
    _, everything, all_names = feature_matrix(Table(connection.table("standardized"), connection))
    assert all_names == ["frequency", "recency_days", "monetary", "return_rate"] and everything.shape == (
        2,
        4,
    )


def test_an_unknown_feature_is_a_clear_error(connection):
    with pytest.raises(ValueError, match="sessions"):
        feature_matrix(Table(connection.table("standardized"), connection), ["sessions"])
