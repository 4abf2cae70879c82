"""What segwarehouse.data_access and the readers over it must do on either engine. Each check takes
`make`, which turns a pandas frame into a Table of the engine under test: tests/test_data_access.py runs
them on DuckDB, tests/spark/test_data_access_spark.py on Spark."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from segwarehouse.data_access import Table
from segwarehouse.dbt_bridge import (
    feature_matrix,
    frozen_preprocessing,
    population_moments,
    stratified_sample,
    training_matrix,
)

MakeTable = Callable[[pd.DataFrame], Table]


def customers(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"customer_id": [f"c{i:03d}" for i in range(n)]})
    frame["x_z"] = rng.normal(size=n)
    frame["y z"] = rng.normal(size=n)  # a name that needs quoting
    frame.loc[[1, 5], "x_z"] = np.nan
    frame["segment_id"] = np.arange(n) % 3 + 1
    return frame


def python_sample(ids: list[str], label: str, size: int) -> list[str]:
    """The seeded sample computed in Python: smallest md5 of id, '#' and the label; id breaks ties."""
    return sorted(ids, key=lambda i: (hashlib.md5(f"{i}#{label}".encode()).hexdigest(), i))[:size]


def check_training_sample_is_the_md5_order_of_python(make: MakeTable) -> None:
    frame = customers()
    ids, matrix, names = training_matrix(make(frame), ["y z", "x_z"], sample_size=12, random_seed=42)
    expected = sorted(python_sample(frame["customer_id"].tolist(), "42", 12))
    assert ids.tolist() == expected
    assert names == ["y z", "x_z"]
    rows = frame.set_index("customer_id").loc[expected, ["y z", "x_z"]].fillna(0.0)
    np.testing.assert_allclose(matrix, rows.to_numpy(dtype=np.float32))
    # At most sample_size customers: everyone, sorted by id.
    everyone, _, _ = training_matrix(make(frame), ["x_z"], sample_size=40, random_seed=42)
    assert everyone.tolist() == sorted(frame["customer_id"])


def check_feature_matrix_keeps_columns_and_fills_missing_with_zero(make: MakeTable) -> None:
    frame = customers()[["customer_id", "x_z", "y z"]]
    ids, matrix, names = feature_matrix(make(frame), ["x_z"], ordered=True)
    assert names == ["x_z"] and ids.tolist() == frame["customer_id"].tolist()
    assert matrix.dtype == np.float32 and matrix[1, 0] == 0.0 and matrix[5, 0] == 0.0
    with pytest.raises(ValueError, match="nope"):
        feature_matrix(make(frame), ["nope"])


def check_projection_sample_per_segment_is_the_md5_order(make: MakeTable) -> None:
    frame = customers()
    sample = stratified_sample(make(frame[["customer_id", "segment_id"]]), 4, 7).pandas()
    assert sample.groupby("segment_id").size().to_dict() == {1: 4, 2: 4, 3: 4}
    for segment_id, members in frame.groupby("segment_id"):
        chosen = sample.loc[sample["segment_id"] == segment_id, "customer_id"]
        assert sorted(chosen) == sorted(python_sample(members["customer_id"].tolist(), "projection#7", 4))


def check_population_moments_treat_missing_as_zero(make: MakeTable) -> None:
    frame = customers()
    means, covariance = population_moments(make(frame), ["x_z", "y z"])
    values = frame[["x_z", "y z"]].fillna(0).to_numpy()
    np.testing.assert_allclose(means, values.mean(axis=0))
    np.testing.assert_allclose(covariance, np.cov(values, rowvar=False, bias=True))


def check_frozen_preprocessing_reads_the_version_and_its_time(make: MakeTable) -> None:
    trained_at = pd.Timestamp("2026-01-02 03:04:05.123456")
    frame = pd.DataFrame(
        {
            "model_version": [1, 1, 2],
            "feature": ["b", "a", "a"],
            "feature_position": [2, 1, 1],
            "is_model_feature": [True, True, True],
            "transform": ["log1p", "none", "none"],
            "lower_fence": [0.0, -1.0, -2.0],
            "upper_fence": [9.0, 1.0, 2.0],
            "scaling_center": [1.0, 0.0, 0.5],
            "scaling_scale": [2.0, 1.0, 1.5],
            "fill_value": [0.0, 0.25, 0.0],
            "trained_at": [trained_at] * 3,
            "training_fingerprint": ["f1", "f1", "f2"],
        }
    )
    features, steps, facts = frozen_preprocessing(make(frame), 1)
    assert features == ["a", "b"]
    assert steps["b"].transform == "log1p" and steps["a"].fill_value == 0.25
    assert facts == {"trained_at": "2026-01-02 03:04:05.123456", "training_fingerprint": "f1"}
    with pytest.raises(ValueError, match="version 3"):
        frozen_preprocessing(make(frame), 3)


def check_queries_rows_and_no_rows(make: MakeTable) -> None:
    frame = customers()
    table = make(frame)
    assert table.count() == 40
    assert table.first()["customer_id"] in set(frame["customer_id"])
    assert table.scalar(f"select max({table.quote('y z')}) from $table") == pytest.approx(frame["y z"].max())
    other = make(frame[["customer_id", "segment_id"]].rename(columns={"segment_id": "s"}))
    joined = table.query(
        "select count(*) from $table as a join $other as b on a.customer_id = b.customer_id "
        "where a.segment_id = b.s",
        other=other,
    )
    assert joined.rows() == [(40,)]
    empty = table.no_rows()
    assert empty.schema.names == list(frame.columns)
    # A column a later release added comes as a typed NULL column; one the table has is left as it is.
    upgraded = table.no_rows({"chosen_by": "string", "x_z": "double"})
    assert upgraded.schema.names == [*frame.columns, "chosen_by"]
