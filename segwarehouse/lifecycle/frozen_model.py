"""A trained segmentation model frozen into plain data, so the warehouse can store it and score new
customers exactly as the model was trained: the same transforms, fences and scaling, never refitted."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.mixture import GaussianMixture

from segwarehouse.clustering.candidates import FittedCandidate


@dataclass(frozen=True)
class FeaturePreprocessing:
    """Training-time preprocessing of one feature: fill a missing value, transform, clip to fences,
    standardize. The warehouse applies it in SQL (int_customer_features_scored); this is the reference."""

    transform: str
    lower_fence: float
    upper_fence: float
    center: float
    scale: float
    fill_value: float = 0.0

    def apply(self, values: np.ndarray, is_imputed: np.ndarray | None = None) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
        if is_imputed is not None:
            values = np.where(np.asarray(is_imputed, dtype=bool), self.fill_value, values)
        if self.transform == "log1p":
            values = np.log1p(np.maximum(values, 0.0))
        elif self.transform != "identity":
            raise ValueError(f"unknown transform {self.transform!r}")
        clipped = np.clip(values, self.lower_fence, self.upper_fence)
        if self.scale > 0:
            return (clipped - self.center) / self.scale
        return np.zeros_like(clipped)

    def invert(self, standardized: np.ndarray) -> np.ndarray:
        """Standardized values back to the transformed (pre-scaling) scale."""
        return np.asarray(standardized, dtype=np.float64) * self.scale + self.center

    def to_feature_units(self, standardized: np.ndarray) -> np.ndarray:
        """Standardized values back to the feature's own units (undoing the transform too)."""
        transformed = self.invert(standardized)
        return np.expm1(transformed) if self.transform == "log1p" else transformed


@dataclass
class FrozenModel:
    version: int
    algorithm: str
    random_seed: int
    features: list[str]
    preprocessing: dict[str, FeaturePreprocessing]
    # Centroids in standardized units; row i belongs to segment_ids[i].
    centroids: np.ndarray
    segment_ids: list[int]
    trained_at: str
    training_fingerprint: str
    mixture: dict[str, list] | None = None
    extras: dict[str, float] = field(default_factory=dict)
    # Per segment (aligned with segment_ids): customers at training, and the distance its centroid moved
    # from the matched segment of the previous version (None: first version, or a new segment).
    training_customers: list[int] = field(default_factory=list)
    centroid_shifts: list[float | None] = field(default_factory=list)
    previous_version: int | None = None
    # Drift reference: per feature, the training deciles' interior edges and the training share per bin.
    drift_reference: dict[str, dict[str, list[float]]] = field(default_factory=dict)

    @property
    def k(self) -> int:
        return len(self.segment_ids)

    def standardize(self, raw: pd.DataFrame) -> np.ndarray:
        """Raw feature values (one column per feature) to the model's standardized matrix."""
        missing = [feature for feature in self.features if feature not in raw.columns]
        if missing:
            raise ValueError(
                f"the frozen model needs features that are not in the data: {', '.join(missing)}"
            )
        return np.column_stack([self.preprocessing[f].apply(raw[f].to_numpy()) for f in self.features])

    def candidate(self) -> FittedCandidate:
        """The model as a FittedCandidate whose label i means segment_ids[i]."""
        model = None
        if self.mixture is not None:
            model = _mixture_from_parameters(self.mixture)
        return FittedCandidate(self.algorithm, self.k, np.asarray(self.centroids), model)

    def to_record(self) -> dict:
        """One row of segment_models (JSON text for the structured parts)."""
        return {
            "model_version": self.version,
            "algorithm": self.algorithm,
            "k": self.k,
            "random_seed": self.random_seed,
            "features": json.dumps(self.features),
            "preprocessing": json.dumps({f: vars(p) for f, p in self.preprocessing.items()}),
            "centroids": json.dumps(np.asarray(self.centroids).tolist()),
            "segment_ids": json.dumps(self.segment_ids),
            "mixture_parameters": json.dumps(self.mixture),
            "extras": json.dumps(self.extras),
            "training_customers": json.dumps(self.training_customers),
            "centroid_shifts": json.dumps(self.centroid_shifts),
            "previous_version": self.previous_version,
            "drift_reference": json.dumps(self.drift_reference),
            "trained_at": self.trained_at,
            "training_fingerprint": self.training_fingerprint,
        }

    @classmethod
    def from_record(cls, record: dict) -> FrozenModel:
        preprocessing = {
            feature: FeaturePreprocessing(**parameters)
            for feature, parameters in json.loads(record["preprocessing"]).items()
        }
        mixture = record.get("mixture_parameters")
        return cls(
            version=int(record["model_version"]),
            algorithm=record["algorithm"],
            random_seed=int(record["random_seed"]),
            features=json.loads(record["features"]),
            preprocessing=preprocessing,
            centroids=np.asarray(json.loads(record["centroids"]), dtype=np.float64),
            segment_ids=[int(i) for i in json.loads(record["segment_ids"])],
            trained_at=str(record["trained_at"]),
            training_fingerprint=record["training_fingerprint"],
            mixture=json.loads(mixture) if mixture else None,
            extras=json.loads(record.get("extras") or "{}"),
            training_customers=json.loads(record.get("training_customers") or "[]"),
            centroid_shifts=json.loads(record.get("centroid_shifts") or "[]"),
            previous_version=_optional_int(record.get("previous_version")),
            drift_reference=json.loads(record.get("drift_reference") or "{}"),
        )


def _optional_int(value: object) -> int | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    return int(value)


def mixture_parameters(model: GaussianMixture) -> dict[str, list]:
    return {
        "weights": model.weights_.tolist(),
        "means": model.means_.tolist(),
        "covariances": model.covariances_.tolist(),
    }


def _mixture_from_parameters(parameters: dict[str, list]) -> GaussianMixture:
    weights = np.asarray(parameters["weights"], dtype=np.float64)
    covariances = np.asarray(parameters["covariances"], dtype=np.float64)
    model = GaussianMixture(n_components=len(weights), covariance_type="full")
    model.weights_ = weights
    model.means_ = np.asarray(parameters["means"], dtype=np.float64)
    model.covariances_ = covariances
    model.precisions_cholesky_ = np.stack(
        [np.linalg.cholesky(np.linalg.inv(covariance)) for covariance in covariances]
    )
    return model
