"""The customer maps the reports draw (segwarehouse.reporting.projection)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score, silhouette_samples

from segwarehouse.reporting.projection import (
    PROJECTION_COLUMNS,
    principal_axes,
    project_customers,
    ward_segments,
)


def blobs(sizes=(120, 80), separation=6.0, features=4, seed=0):
    """Customers of len(sizes) segments (ids 7, 3, ...), each a Gaussian blob; the blobs lie apart along
    the first feature."""
    generator = np.random.default_rng(seed)
    ids = [7, 3, 5, 9][: len(sizes)]
    rows, labels = [], []
    for position, (segment_id, size) in enumerate(zip(ids, sizes, strict=True)):
        centre = np.zeros(features)
        centre[0] = separation * position
        rows.append(generator.normal(centre, 1.0, size=(size, features)))
        labels.append(np.full(size, segment_id))
    return np.vstack(rows), np.concatenate(labels)


@pytest.fixture(scope="module")
def two_blobs():
    matrix, segment_ids = blobs()
    return matrix, segment_ids, project_customers(matrix, segment_ids, random_seed=42)


def test_pc1_separates_two_blobs(two_blobs):
    matrix, segment_ids, projection = two_blobs
    assert list(projection.columns) == PROJECTION_COLUMNS
    first, second = projection["pc1"][segment_ids == 7], projection["pc1"][segment_ids == 3]
    assert first.max() < second.min() or second.max() < first.min()
    # The blobs lie apart along the first feature: it carries most of the variance, on pc1.
    assert projection["pc1_variance_share"].iloc[0] > 0.7
    assert projection["pc1_variance_share"].iloc[0] >= projection["pc2_variance_share"].iloc[0]
    assert projection["pc1_variance_share"].nunique() == 1


def test_silhouette_is_sklearns_on_the_same_matrix(two_blobs):
    matrix, segment_ids, projection = two_blobs
    np.testing.assert_allclose(projection["silhouette"], silhouette_samples(matrix, segment_ids))


def test_ward_clusters_are_named_after_the_segments_they_overlap(two_blobs):
    matrix, segment_ids, projection = two_blobs
    np.testing.assert_array_equal(projection["ward_segment_id"], segment_ids)
    assert projection["ward_adjusted_rand_index"].iloc[0] == pytest.approx(1.0)
    # Three overlapping segments: the names are a one-to-one assignment, the index sklearn's.
    matrix, segment_ids = blobs(sizes=(60, 50, 40), separation=2.0, seed=3)
    ward = ward_segments(matrix, segment_ids)
    assert set(ward) == set(segment_ids)
    assert np.mean(ward == segment_ids) > 0.5
    projection = project_customers(matrix, segment_ids, random_seed=1)
    assert projection["ward_adjusted_rand_index"].iloc[0] == pytest.approx(
        adjusted_rand_score(segment_ids, ward)
    )


def test_same_seed_gives_the_same_projection(two_blobs):
    matrix, segment_ids, projection = two_blobs
    pd.testing.assert_frame_equal(project_customers(matrix, segment_ids, random_seed=42), projection)


def test_the_tsne_map_depends_on_the_sample_not_on_the_seed(two_blobs):
    matrix, segment_ids, projection = two_blobs
    # Initialised from the principal components, the map of a given sample is the same for every seed;
    # the seed changes the map through the sample it draws (test_the_projection_sample_is_seeded).
    other_seed = project_customers(matrix, segment_ids, random_seed=7)
    pd.testing.assert_frame_equal(other_seed, projection)
    other_sample = project_customers(matrix[1:], segment_ids[1:], random_seed=42)
    assert not np.allclose(other_sample[["tsne_1", "tsne_2"]], projection[["tsne_1", "tsne_2"]].iloc[1:])
    # Neighbours stay neighbours: each blob keeps to its own part of the map.
    centre = projection.groupby(segment_ids)[["tsne_1", "tsne_2"]].transform("mean")
    own = np.hypot(*(projection[["tsne_1", "tsne_2"]] - centre).to_numpy().T)
    apart = np.hypot(*np.subtract(*projection.groupby(segment_ids)[["tsne_1", "tsne_2"]].mean().to_numpy()))
    assert np.median(own) < apart / 2


def test_principal_axes_of_every_customer_are_used_when_given():
    matrix, segment_ids = blobs(sizes=(50, 50), separation=4.0)
    means = np.array([1.0, 0.0, 0.0, 0.0])
    covariance = np.diag([1.0, 4.0, 0.5, 0.25])  # every customer's spread is largest along feature 2
    projection = project_customers(matrix, segment_ids, 0, means, covariance)
    np.testing.assert_allclose(projection["pc1"], matrix[:, 1])
    np.testing.assert_allclose(projection["pc2"], matrix[:, 0] - 1.0)
    assert projection["pc1_variance_share"].iloc[0] == pytest.approx(4.0 / 5.75)
    assert projection["pc2_variance_share"].iloc[0] == pytest.approx(1.0 / 5.75)


def test_principal_axes_are_oriented_and_a_single_feature_has_no_second():
    axes = principal_axes(np.zeros(2), np.array([[2.0, -1.5], [-1.5, 2.0]]))
    # The largest loading of each axis is positive, so the picture does not flip between runs.
    for column in axes.axes.T:
        assert column[np.abs(column).argmax()] > 0
    assert axes.variance_shares.sum() == pytest.approx(1.0)
    single = principal_axes(np.array([0.5]), np.array([[3.0]]))
    np.testing.assert_allclose(single.project(np.array([[1.5], [0.5]])), [[1.0, 0.0], [0.0, 0.0]])
    np.testing.assert_allclose(single.variance_shares, [1.0, 0.0])


def test_a_sample_of_one_segment_is_refused():
    with pytest.raises(ValueError, match="at least two segments"):
        project_customers(np.zeros((5, 2)), np.ones(5), 0)


def test_a_model_of_a_single_feature_gets_a_map():
    matrix, segment_ids = blobs(features=1)
    projection = project_customers(matrix, segment_ids, random_seed=42)
    assert np.isfinite(projection[["pc1", "pc2", "tsne_1", "tsne_2"]].to_numpy()).all()
    # The map keeps the two segments apart along the one feature.
    tsne_1 = projection["tsne_1"].to_numpy()
    first, second = tsne_1[segment_ids == 7], tsne_1[segment_ids == 3]
    assert first.max() < second.min() or second.max() < first.min()
    np.testing.assert_array_equal(projection["pc2"], 0.0)
