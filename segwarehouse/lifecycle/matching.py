"""Stable segment ids across retrains: match the new model's clusters to the previous version's."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment


def match_segment_ids(
    previous_centroids: np.ndarray,
    previous_ids: list[int],
    new_centroids: np.ndarray,
    new_sizes: np.ndarray,
    max_distance: float,
) -> tuple[list[int], np.ndarray]:
    """Give each new cluster a segment id.

    Clusters are matched to the previous version's segments by the Hungarian algorithm on the Euclidean
    distance between centroids (both in the same standardized space). A matched pair closer than
    `max_distance` keeps the previous id; every other new cluster is genuinely new and gets the next
    unused id, largest cluster first. Returns (ids in the order of new_centroids, matched distances with
    NaN for new clusters).
    """
    new_centroids = np.asarray(new_centroids, dtype=np.float64)
    ids: list[int | None] = [None] * len(new_centroids)
    distances = np.full(len(new_centroids), np.nan)
    if len(previous_ids):
        cost = np.linalg.norm(new_centroids[:, None, :] - np.asarray(previous_centroids)[None, :, :], axis=2)
        for new_index, previous_index in zip(*linear_sum_assignment(cost), strict=True):
            if cost[new_index, previous_index] <= max_distance:
                ids[new_index] = int(previous_ids[previous_index])
                distances[new_index] = cost[new_index, previous_index]
    next_id = max(previous_ids, default=0) + 1
    for new_index in sorted(range(len(new_centroids)), key=lambda index: -new_sizes[index]):
        if ids[new_index] is None:
            ids[new_index] = next_id
            next_id += 1
    return [int(i) for i in ids], distances


def centroids_in_new_space(
    previous_centroids: np.ndarray,
    previous_features: list[str],
    previous_preprocessing: dict,
    new_features: list[str],
    new_preprocessing: dict,
) -> tuple[np.ndarray, list[int]]:
    """The previous version's centroids expressed in the new version's standardized space.

    A retrain refits the transforms and scaling, so the same segment has different coordinates in the two
    versions. Each centroid is taken back to feature units with the previous preprocessing and
    standardized again with the new one. Only features both versions use are comparable: returns the
    translated centroids over those features and their column positions in the new feature list.
    """
    common = [feature for feature in new_features if feature in previous_features]
    previous_centroids = np.asarray(previous_centroids, dtype=np.float64)
    columns = []
    for feature in common:
        in_units = previous_preprocessing[feature].to_feature_units(
            previous_centroids[:, previous_features.index(feature)]
        )
        columns.append(new_preprocessing[feature].apply(in_units))
    translated = np.column_stack(columns) if columns else np.empty((len(previous_centroids), 0))
    return translated, [new_features.index(feature) for feature in common]
