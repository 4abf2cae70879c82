import duckdb
import numpy as np
import pytest

from segwarehouse.clustering.assignment import assign_customers, segment_ids_by_size
from segwarehouse.clustering.candidates import FittedCandidate, fit_candidate
from segwarehouse.dbt_bridge import feature_matrix, settings_from_config

CENTROIDS = np.array([[0.0, 0.0], [4.0, 0.0]])


def test_assignment_diagnostics_follow_their_definitions():
    candidate = FittedCandidate("kmeans", 2, CENTROIDS)
    points = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [5.0, 0.0]])
    assigned = assign_customers(candidate, points, batch_size=3)
    assert assigned["cluster"].tolist() == [0, 0, 0, 1]
    np.testing.assert_allclose(assigned["distance_to_centroid"], [0, 1, 2, 1])
    # Simplified silhouette (b - a) / max(a, b): at the midpoint it is 0, on a centroid 1.
    np.testing.assert_allclose(assigned["silhouette"], [1.0, 2 / 3, 0.0, 0.8])
    assert assigned["confidence"].iloc[2] == pytest.approx(0.5)
    assert (assigned["confidence"].iloc[[0, 1, 3]] > 0.5).all()


def test_mixture_confidence_is_its_posterior():
    rng = np.random.default_rng(0)
    matrix = np.vstack([rng.normal(0, 1, (200, 2)), rng.normal(6, 1, (200, 2))])
    candidate = fit_candidate("gmm", 2, matrix, seed=0)
    assigned = assign_customers(candidate, matrix)
    np.testing.assert_allclose(assigned["confidence"], candidate.model.predict_proba(matrix).max(axis=1))


def test_segment_ids_number_segments_by_size():
    clusters = np.array([1, 1, 1, 0, 2, 2])
    assert segment_ids_by_size(clusters, np.zeros((3, 2))) == {1: 1, 2: 2, 0: 3}


def test_settings_from_config_reads_rendered_vars():
    config = {
        "random_seed": "7",
        "n_segments": "None",
        "algorithm": "",
        "k_min": "2",
        "k_max": "6",
        "min_segment_share": "0.05",
        "stability_floor": "0.8",
        "silhouette_tolerance": "0.1",
        "stability_resamples": "3",
    }
    settings = settings_from_config(config)
    assert (settings.random_seed, settings.forced_k, settings.forced_algorithm, settings.k_max) == (
        7,
        None,
        None,
        6,
    )
    forced = settings_from_config({**config, "n_segments": "4", "algorithm": "KMeans"})
    assert (forced.forced_k, forced.forced_algorithm) == (4, "kmeans")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"n_segments": "four"}, "var n_segments must be a whole number"),
        ({"k_max": "ten"}, "var k_max must be a number"),
        ({"algorithm": "spectral"}, "unknown algorithm 'spectral'"),
        ({"k_min": "5", "k_max": "3"}, "k range must satisfy"),
    ],
)
def test_settings_from_config_rejects_bad_vars(change, message):
    config = {
        "random_seed": "7",
        "n_segments": "None",
        "algorithm": "None",
        "k_min": "2",
        "k_max": "6",
        "min_segment_share": "0.05",
        "stability_floor": "0.8",
        "silhouette_tolerance": "0.1",
        "stability_resamples": "3",
    }
    with pytest.raises(ValueError, match=message):
        settings_from_config({**config, **change})


def test_feature_matrix_from_a_relation_keeps_row_and_column_order():
    connection = duckdb.connect()
    relation = connection.sql("select * from (values ('b', 4.5, 0.0), ('a', 0.1, 0.0)) t(customer_id, x, y)")
    ids, matrix, names = feature_matrix(relation)
    assert ids.tolist() == ["b", "a"] and names == ["x", "y"]
    np.testing.assert_allclose(matrix, [[4.5, 0.0], [0.1, 0.0]])
    _, reordered, names = feature_matrix(relation, ["y", "x"])
    assert names == ["y", "x"]
    np.testing.assert_allclose(reordered, [[0.0, 4.5], [0.0, 0.1]])
    with pytest.raises(ValueError, match="z"):
        feature_matrix(relation, ["z"])
