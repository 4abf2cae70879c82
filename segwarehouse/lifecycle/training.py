"""Freeze the model a training run chose: segment ids (by size for the first version, matched to the
previous version's segments after a retrain) and the training statistics that drift is measured against."""

from __future__ import annotations

import numpy as np

from segwarehouse.clustering.assignment import segment_ids_by_size
from segwarehouse.clustering.candidates import FittedCandidate, centroid_distances, single_threaded_numerics
from segwarehouse.lifecycle.drift import bin_shares, training_bin_edges
from segwarehouse.lifecycle.frozen_model import FeaturePreprocessing, FrozenModel, mixture_parameters
from segwarehouse.lifecycle.matching import centroids_in_new_space, match_segment_ids

# A customer is "far from every centroid" when the distance to the nearest centroid exceeds this quantile
# of the training customers' distances: about 1% of the training population by construction.
FAR_DISTANCE_QUANTILE = 0.99
# Rows per batch when labelling the training population (keeps memory flat for millions of customers).
BATCH_ROWS = 500_000


def labels_and_nearest_distance(
    candidate: FittedCandidate, matrix: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The model's label for every row and the distance to the nearest centroid, in batches."""
    labels, nearest = [], []
    with single_threaded_numerics():
        for start in range(0, len(matrix), BATCH_ROWS):
            batch = np.asarray(matrix[start : start + BATCH_ROWS], dtype=np.float64)
            labels.append(candidate.predict(batch))
            nearest.append(centroid_distances(batch, candidate.centroids).min(axis=1))
    if not labels:
        return np.empty(0, dtype=np.int64), np.empty(0)
    return np.concatenate(labels).astype(np.int64), np.concatenate(nearest)


def freeze_trained_model(
    candidate: FittedCandidate,
    matrix: np.ndarray,
    features: list[str],
    preprocessing: dict[str, FeaturePreprocessing],
    *,
    version: int,
    random_seed: int,
    trained_at: str,
    training_fingerprint: str,
    previous: FrozenModel | None,
    max_match_distance: float,
) -> FrozenModel:
    """A FrozenModel of `candidate` (fitted on `matrix`, whose columns are `features`).

    First version: segment 1 is the largest. After a retrain, a cluster whose centroid lies within
    `max_match_distance` (standardized units of the new version) of a previous segment's centroid keeps
    that segment's id (Hungarian matching); the others get new ids.
    """
    frozen = FrozenModel(
        version=version,
        algorithm=candidate.algorithm,
        random_seed=random_seed,
        features=list(features),
        preprocessing={feature: preprocessing[feature] for feature in features},
        centroids=np.asarray(candidate.centroids, dtype=np.float64),
        segment_ids=list(range(candidate.k)),
        trained_at=trained_at,
        training_fingerprint=training_fingerprint,
        mixture=mixture_parameters(candidate.model) if candidate.algorithm == "gmm" else None,
        previous_version=previous.version if previous is not None else None,
    )
    # Label with the frozen model itself, exactly as every later run will score.
    labels, nearest = labels_and_nearest_distance(frozen.candidate(), matrix)
    sizes = np.bincount(labels, minlength=frozen.k)
    shifts: list[float | None] = [None] * frozen.k
    if previous is None:
        by_size = segment_ids_by_size(labels, frozen.centroids)
        frozen.segment_ids = [by_size[label] for label in range(frozen.k)]
    else:
        translated, columns = centroids_in_new_space(
            previous.centroids,
            previous.features,
            previous.preprocessing,
            frozen.features,
            frozen.preprocessing,
        )
        # Without a feature in common nothing is comparable: every cluster is new.
        limit = max_match_distance if columns else -1.0
        ids, distances = match_segment_ids(
            translated, previous.segment_ids, frozen.centroids[:, columns], sizes, limit
        )
        frozen.segment_ids = ids
        shifts = [None if np.isnan(distance) else float(distance) for distance in distances]
    frozen.training_customers = [int(size) for size in sizes]
    frozen.centroid_shifts = shifts
    frozen.extras = {
        "far_distance": float(np.quantile(nearest, FAR_DISTANCE_QUANTILE)) if len(nearest) else 0.0,
        "max_match_distance": float(max_match_distance),
    }
    frozen.drift_reference = drift_reference(matrix, features)
    return frozen


def drift_reference(matrix: np.ndarray, features: list[str]) -> dict[str, dict[str, list[float]]]:
    """Per feature: the interior decile edges of the training values and the training share per bin."""
    reference = {}
    for column, feature in enumerate(features):
        values = np.asarray(matrix[:, column], dtype=np.float64)
        edges = training_bin_edges(values)
        reference[feature] = {"edges": edges, "shares": bin_shares(values, edges).tolist()}
    return reference
