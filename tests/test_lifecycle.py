import duckdb
import numpy as np
import pandas as pd
import pytest

from segwarehouse.clustering.assignment import assign_customers
from segwarehouse.clustering.candidates import fit_candidate
from segwarehouse.data_access import Table
from segwarehouse.dbt_bridge import trained_model
from segwarehouse.lifecycle.drift import bin_shares, population_stability_index, training_bin_edges
from segwarehouse.lifecycle.frozen_model import (
    FeaturePreprocessing,
    FrozenModel,
    frozen_model_from_rows,
    mixture_parameters,
    model_parameter_rows,
)
from segwarehouse.lifecycle.matching import centroids_in_new_space, match_segment_ids
from segwarehouse.lifecycle.scoring import feature_drift, score_customers
from segwarehouse.lifecycle.training import freeze_trained_model


def test_preprocessing_applies_transform_fences_and_scale():
    step = FeaturePreprocessing("log1p", lower_fence=0.0, upper_fence=np.log1p(99), center=1.0, scale=2.0)
    np.testing.assert_allclose(
        step.apply(np.array([0.0, np.e - 1, 1e9])), [-0.5, 0.0, (np.log1p(99) - 1) / 2]
    )
    np.testing.assert_allclose(step.invert(step.apply(np.array([np.e - 1]))), [1.0])
    constant = FeaturePreprocessing("identity", -1, 1, 0.5, 0.0)
    np.testing.assert_array_equal(constant.apply(np.array([0.2, 7.0])), [0.0, 0.0])


def test_preprocessing_fills_imputed_values_and_maps_back_to_feature_units():
    step = FeaturePreprocessing(
        "log1p", lower_fence=0.0, upper_fence=10.0, center=1.0, scale=2.0, fill_value=9.0
    )
    standardized = step.apply(np.array([3.0, 123.0]), is_imputed=np.array([False, True]))
    np.testing.assert_allclose(standardized, [(np.log1p(3.0) - 1) / 2, (np.log1p(9.0) - 1) / 2])
    np.testing.assert_allclose(step.to_feature_units(standardized), [3.0, 9.0])


def frozen(algorithm: str = "kmeans") -> tuple[FrozenModel, pd.DataFrame]:
    rng = np.random.default_rng(3)
    raw = pd.DataFrame(
        {
            "a": np.r_[rng.lognormal(1, 0.3, 300), rng.lognormal(3, 0.3, 300)],
            "b": np.r_[rng.normal(0, 1, 300), rng.normal(4, 1, 300)],
        }
    )
    steps = {
        "a": FeaturePreprocessing(
            "log1p", -10, 10, float(np.log1p(raw["a"]).mean()), float(np.log1p(raw["a"]).std())
        ),
        "b": FeaturePreprocessing("identity", -10, 10, float(raw["b"].mean()), float(raw["b"].std())),
    }
    matrix = np.column_stack([steps[f].apply(raw[f]) for f in ("a", "b")])
    candidate = fit_candidate(algorithm, 2, matrix, seed=0)
    model = FrozenModel(
        version=1,
        algorithm=algorithm,
        random_seed=0,
        features=["a", "b"],
        preprocessing=steps,
        centroids=candidate.centroids,
        segment_ids=[7, 9],
        trained_at="2026-01-01 00:00:00",
        training_fingerprint="0123456789abcdef",
        mixture=mixture_parameters(candidate.model) if algorithm == "gmm" else None,
    )
    return model, raw


def standardize(model: FrozenModel, raw: pd.DataFrame) -> np.ndarray:
    return np.column_stack([model.preprocessing[f].apply(raw[f].to_numpy()) for f in model.features])


@pytest.mark.parametrize("algorithm", ["kmeans", "gmm"])
def test_frozen_model_round_trips_through_parameter_rows_and_scores_like_the_trained_one(algorithm):
    model, raw = frozen(algorithm)
    model.training_customers, model.centroid_shifts = [300, 300], [None, None]
    rows = model_parameter_rows(model, {"silhouette": 0.5})
    # Plain rows: no list or JSON anywhere.
    assert set(rows.columns) >= {"model_version", "parameter", "segment_id", "feature", "value", "text_value"}
    assert rows["value"].map(lambda value: value is None or isinstance(value, float)).all()
    restored = frozen_model_from_rows(rows, model.preprocessing, model.features)
    original = assign_customers(model.candidate(), standardize(model, raw))
    again = assign_customers(restored.candidate(), standardize(restored, raw))
    pd.testing.assert_frame_equal(original, again)
    assert restored.segment_ids == [7, 9] and restored.k == 2


def test_matching_keeps_ids_of_close_clusters_and_numbers_new_ones():
    previous = np.array([[0.0, 0.0], [5.0, 5.0], [-5.0, 5.0]])
    new = np.array([[5.1, 4.9], [10.0, -10.0], [0.1, -0.1], [-4.8, 5.2]])
    ids, distances = match_segment_ids(previous, [1, 2, 3], new, np.array([50, 80, 30, 20]), max_distance=1.0)
    assert ids == [2, 4, 1, 3]
    assert np.isnan(distances[1]) and distances[0] == pytest.approx(np.hypot(0.1, 0.1))


def test_matching_without_previous_numbers_by_size():
    ids, _ = match_segment_ids(
        np.empty((0, 2)), [], np.zeros((3, 2)), np.array([5, 50, 20]), max_distance=1.0
    )
    assert ids == [3, 1, 2]


def test_psi_is_zero_for_the_same_distribution_and_large_for_a_shift():
    rng = np.random.default_rng(0)
    training = rng.normal(0, 1, 20_000)
    edges = training_bin_edges(training)
    expected = bin_shares(training, edges)
    assert len(edges) == 9 and np.allclose(expected, 0.1, atol=0.01)
    assert population_stability_index(expected, bin_shares(rng.normal(0, 1, 20_000), edges)) < 0.01
    assert population_stability_index(expected, bin_shares(rng.normal(1, 1, 20_000), edges)) > 0.25


def test_centroids_translate_between_versions_through_feature_units():
    old = {
        "a": FeaturePreprocessing("log1p", -10, 10, center=1.0, scale=2.0),
        "b": FeaturePreprocessing("identity", -10, 10, center=0.0, scale=1.0),
    }
    new = {
        "a": FeaturePreprocessing("identity", -100, 100, center=5.0, scale=4.0),
        "c": FeaturePreprocessing("identity", -10, 10, center=0.0, scale=1.0),
    }
    # Old centroid a = 0 standardized -> log1p value 1 -> e - 1 in units -> (e - 1 - 5) / 4 in the new space.
    translated, columns = centroids_in_new_space(np.array([[0.0, 3.0]]), ["a", "b"], old, ["c", "a"], new)
    assert columns == [1]
    np.testing.assert_allclose(translated, [[(np.e - 1 - 5) / 4]])


def blobs(seed: int, n: int = 400) -> np.ndarray:
    rng = np.random.default_rng(seed)
    sizes = [n, n // 2, n // 4]
    centres = [(0.0, 0.0), (6.0, 0.0), (0.0, 6.0)]
    return np.vstack(
        [rng.normal(centre, 1.0, (size, 2)) for centre, size in zip(centres, sizes, strict=True)]
    )


IDENTITY = {name: FeaturePreprocessing("identity", -1e9, 1e9, 0.0, 1.0) for name in ("x", "y")}


def train(
    matrix: np.ndarray, seed: int, previous: FrozenModel | None = None, version: int = 1
) -> FrozenModel:
    return freeze_trained_model(
        fit_candidate("kmeans", 3, matrix, seed=seed),
        matrix,
        ["x", "y"],
        IDENTITY,
        version=version,
        random_seed=seed,
        trained_at="2026-01-01 00:00:00",
        training_fingerprint="f",
        previous=previous,
        max_match_distance=1.0,
    )


def test_first_version_numbers_segments_by_size_and_keeps_training_facts():
    matrix = blobs(0)
    model = train(matrix, seed=1)
    assert sorted(model.training_customers, reverse=True) == [
        model.training_customers[model.segment_ids.index(i)] for i in (1, 2, 3)
    ]
    assert sum(model.training_customers) == len(matrix) and model.centroid_shifts == [None] * 3
    scored = score_customers(model, np.arange(len(matrix)), matrix)
    # About 1% of the training customers are beyond the far distance, by construction.
    assert scored["is_far_from_centroids"].mean() == pytest.approx(0.01, abs=0.005)
    assert scored["segment_id"].value_counts().sort_index().tolist() == sorted(model.training_customers)[::-1]
    assert set(model.drift_reference) == {"x", "y"} and len(model.drift_reference["x"]["shares"]) == 10


def test_retrain_with_another_seed_keeps_every_id_and_new_clusters_get_new_ids():
    matrix = blobs(0)
    first = train(matrix, seed=1)
    again = train(matrix[::-1], seed=99, previous=first, version=2)
    assert again.previous_version == 1
    for centroid, segment_id in zip(again.centroids, again.segment_ids, strict=True):
        np.testing.assert_allclose(centroid, first.centroids[first.segment_ids.index(segment_id)], atol=0.05)
    assert all(shift is not None and shift < 0.05 for shift in again.centroid_shifts)
    # A cluster that appears far from every previous segment is new: it gets the next id.
    moved = np.vstack([matrix[matrix[:, 1] < 3], np.random.default_rng(5).normal((-8, -8), 1, (150, 2))])
    changed = train(moved, seed=1, previous=first, version=3)
    assert max(changed.segment_ids) == 4 and None in changed.centroid_shifts


def test_scoring_is_identical_after_a_round_trip_through_the_parameter_table():
    matrix = blobs(2)
    model = train(matrix, seed=3)
    connection = duckdb.connect()
    connection.register("rows", model_parameter_rows(model, {"silhouette": 0.5, "prediction_strength": 0.9}))
    connection.execute("create table trained as select * from rows")
    connection.execute(
        "create table frozen as select 1 as model_version, feature, 'identity' as transform, "
        "-1e9 as lower_fence, 1e9 as upper_fence, 0.0 as scaling_center, 1.0 as scaling_scale, "
        "0.0 as fill_value, position as feature_position, true as is_model_feature, "
        "'2026-01-01 00:00:00'::timestamp as trained_at, 'f' as training_fingerprint "
        "from (values ('x', 1), ('y', 2)) as features (feature, position)"
    )
    restored = trained_model(
        Table(connection.table("trained"), connection), Table(connection.table("frozen"), connection)
    )
    pd.testing.assert_frame_equal(
        score_customers(model, np.arange(len(matrix)), matrix),
        score_customers(restored, np.arange(len(matrix)), matrix),
    )
    assert restored.drift_reference == model.drift_reference
    assert restored.training_customers == model.training_customers


def test_feature_drift_sees_a_shifted_feature_only():
    matrix = blobs(4)
    model = train(matrix, seed=3)
    shifted = matrix.copy()
    shifted[:, 1] += 2.0
    drift = feature_drift(model, shifted).set_index("feature")["psi"]
    assert drift["x"] < 0.05 and drift["y"] > 0.25
    assert feature_drift(model, matrix)["psi"].max() == pytest.approx(0.0, abs=1e-12)
