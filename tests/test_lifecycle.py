import numpy as np
import pandas as pd
import pytest

from segwarehouse.clustering.assignment import assign_customers
from segwarehouse.clustering.candidates import fit_candidate
from segwarehouse.lifecycle.drift import bin_shares, population_stability_index, training_bin_edges
from segwarehouse.lifecycle.frozen_model import (
    FeaturePreprocessing,
    FrozenModel,
    data_fingerprint,
    mixture_parameters,
)
from segwarehouse.lifecycle.matching import match_segment_ids


def test_preprocessing_applies_transform_fences_and_scale():
    step = FeaturePreprocessing("log1p", lower_fence=0.0, upper_fence=np.log1p(99), center=1.0, scale=2.0)
    np.testing.assert_allclose(
        step.apply(np.array([0.0, np.e - 1, 1e9])), [-0.5, 0.0, (np.log1p(99) - 1) / 2]
    )
    np.testing.assert_allclose(step.invert(step.apply(np.array([np.e - 1]))), [1.0])
    constant = FeaturePreprocessing("identity", -1, 1, 0.5, 0.0)
    np.testing.assert_array_equal(constant.apply(np.array([0.2, 7.0])), [0.0, 0.0])


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
        training_fingerprint=data_fingerprint(np.arange(600).astype(str), matrix),
        mixture=mixture_parameters(candidate.model) if algorithm == "gmm" else None,
    )
    return model, raw


@pytest.mark.parametrize("algorithm", ["kmeans", "gmm"])
def test_frozen_model_round_trips_and_scores_like_the_trained_one(algorithm):
    model, raw = frozen(algorithm)
    restored = FrozenModel.from_record(model.to_record())
    original = assign_customers(model.candidate(), model.standardize(raw))
    again = assign_customers(restored.candidate(), restored.standardize(raw))
    pd.testing.assert_frame_equal(original, again)
    assert restored.segment_ids == [7, 9] and restored.k == 2


def test_frozen_model_names_missing_features():
    model, raw = frozen()
    with pytest.raises(ValueError, match="not in the data: b"):
        model.standardize(raw[["a"]])


def test_fingerprint_ignores_row_order_and_sees_changes():
    ids = np.array(["x", "y", "z"])
    matrix = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert data_fingerprint(ids, matrix) == data_fingerprint(ids[::-1], matrix[::-1])
    changed = matrix.copy()
    changed[1, 1] = 4.5
    assert data_fingerprint(ids, matrix) != data_fingerprint(ids, changed)


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
