import duckdb
import numpy as np
import pandas as pd
import pytest

from segwarehouse.clustering.assignment import assign_customers, segment_ids_by_size
from segwarehouse.clustering.candidates import FittedCandidate, fit_candidate
from segwarehouse.data_access import Table
from segwarehouse.dbt_bridge import (
    feature_matrix,
    population_moments,
    settings_from_checked,
    stratified_sample,
)

CENTROIDS = np.array([[0.0, 0.0], [4.0, 0.0]])


def test_assignment_diagnostics_follow_their_definitions():
    candidate = FittedCandidate("kmeans", 2, CENTROIDS)
    points = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [5.0, 0.0]])
    assigned = assign_customers(candidate, points, batch_size=3)
    assert assigned["cluster"].tolist() == [0, 0, 0, 1]
    np.testing.assert_allclose(assigned["distance_to_centroid"], [0, 1, 2, 1])
    # Confidence is the relative margin 1 - a / b: 1 on a centroid, 0 halfway between two.
    np.testing.assert_allclose(assigned["confidence"], [1.0, 2 / 3, 0.0, 0.8])


def test_confidence_separates_sure_from_borderline_customers():
    """On two overlapping groups, customers deep inside a group score high and those between the groups
    low: the measure spreads over [0, 1] instead of sitting at 1 for almost everyone."""
    rng = np.random.default_rng(0)
    matrix = np.vstack([rng.normal(0, 1, (2_000, 2)), rng.normal(3, 1, (2_000, 2))])
    for algorithm in ("kmeans", "gmm"):
        candidate = fit_candidate(algorithm, 2, matrix, seed=0)
        confidence = assign_customers(candidate, matrix)["confidence"].to_numpy()
        assert ((confidence >= 0) & (confidence <= 1)).all()
        boundary = np.abs(matrix.sum(axis=1) - 3.0) < 0.3  # near the line halfway between the centres
        assert confidence[boundary].mean() < 0.15 < 0.5 < confidence[~boundary].mean(), algorithm
        assert 0.2 < np.median(confidence) < 0.9, algorithm


def test_segment_ids_number_segments_by_size():
    clusters = np.array([1, 1, 1, 0, 2, 2])
    assert segment_ids_by_size(clusters, np.zeros((3, 2))) == {1: 1, 2: 2, 0: 3}


CONNECTION = duckdb.connect()


def checked_row(**changes) -> duckdb.DuckDBPyRelation:
    """A row shaped like int_clustering_inputs_checked's settings columns, typed as SQL types them."""
    values = {
        "random_seed": "cast(7 as bigint)",
        "n_segments": "cast(null as integer)",
        "algorithm": "cast(null as varchar)",
        "k_min": "2",
        "k_max": "6",
        "min_segment_share": "0.05::double",
        "stability_floor": "0.8::double",
        "silhouette_tolerance": "0.1::double",
        "reproducible_k_floor": "0.97::double",
        "stability_resamples": "3",
        "max_noise_share": "0.1::double",
        "minimum_customers": "60",
        **changes,
    }
    return Table(
        CONNECTION.sql("select " + ", ".join(f"{value} as {name}" for name, value in values.items())),
        CONNECTION,
    )


def test_settings_come_typed_from_the_checked_row():
    settings = settings_from_checked(checked_row())
    assert (settings.random_seed, settings.forced_k, settings.forced_algorithm, settings.k_max) == (
        7,
        None,
        None,
        6,
    )
    assert (
        settings.min_segment_share,
        settings.stability_resamples,
        settings.max_noise_share,
        settings.reproducible_k_floor,
        settings.minimum_customers,
    ) == (0.05, 3, 0.1, 0.97, 60)
    forced = settings_from_checked(checked_row(n_segments="4", algorithm="'kmeans'"))
    assert (forced.forced_k, forced.forced_algorithm) == (4, "kmeans")


def test_feature_matrix_from_a_relation_keeps_row_and_column_order():
    connection = duckdb.connect()
    relation = Table(
        connection.sql("select * from (values ('b', 4.5, 0.0), ('a', 0.1, 0.0)) t(customer_id, x, y)"),
        connection,
    )
    ids, matrix, names = feature_matrix(relation)
    assert ids.tolist() == ["b", "a"] and names == ["x", "y"]
    np.testing.assert_allclose(matrix, [[4.5, 0.0], [0.1, 0.0]])
    _, reordered, names = feature_matrix(relation, ["y", "x"])
    assert names == ["y", "x"]
    np.testing.assert_allclose(reordered, [[0.0, 4.5], [0.0, 0.1]])
    with pytest.raises(ValueError, match="z"):
        feature_matrix(relation, ["z"])


@pytest.fixture
def segments():
    connection = duckdb.connect()
    # Segment sizes 5, 50 and 500; ids as text, as in customer_segments.
    connection.execute(
        "create table segments as select cast(i as varchar) as customer_id, "
        "case when i < 5 then 3 when i < 55 then 2 else 1 end as segment_id from range(555) as t(i)"
    )
    yield Table(connection.table("segments"), connection)
    connection.close()


def sampled(relation, per_segment, seed) -> pd.DataFrame:
    return (
        stratified_sample(relation, per_segment, seed)
        .query("select * from $table order by customer_id")
        .pandas()
    )


def test_the_projection_sample_is_capped_per_segment_and_takes_small_segments_whole(segments):
    sample = sampled(segments, 40, 42)
    assert sample.groupby("segment_id").size().to_dict() == {1: 40, 2: 40, 3: 5}
    assert sample["customer_id"].is_unique
    everyone = segments.pandas()
    assert set(sample.loc[sample["segment_id"] == 3, "customer_id"]) == set(
        everyone.loc[everyone["segment_id"] == 3, "customer_id"]
    )
    # Each customer keeps its segment.
    merged = sample.merge(everyone, on="customer_id", suffixes=("", "_all"))
    assert (merged["segment_id"] == merged["segment_id_all"]).all()


def test_the_projection_sample_is_seeded(segments):
    pd.testing.assert_frame_equal(sampled(segments, 40, 42), sampled(segments, 40, 42))
    other = sampled(segments, 40, 7)
    assert set(other["customer_id"]) != set(sampled(segments, 40, 42)["customer_id"])
    # A larger cap adds customers: the first 40 of each segment stay in the sample.
    assert set(sampled(segments, 40, 42)["customer_id"]) <= set(sampled(segments, 60, 42)["customer_id"])
    with pytest.raises(ValueError, match="at least 1"):
        stratified_sample(segments, 0, 42)


def test_population_moments_are_numpys_with_missing_values_at_zero():
    connection = duckdb.connect()
    frame = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "x_z": [1.0, None, 3.0, -2.0]})
    frame["y_z"] = [0.5, 2.0, -1.0, 0.0]
    relation = Table(connection.from_df(frame), connection)
    means, covariance = population_moments(relation, ["x_z", "y_z"])
    values = frame[["x_z", "y_z"]].fillna(0).to_numpy()
    np.testing.assert_allclose(means, values.mean(axis=0))
    np.testing.assert_allclose(covariance, np.cov(values, rowvar=False, bias=True))
