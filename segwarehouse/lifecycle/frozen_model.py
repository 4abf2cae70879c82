"""A trained segmentation model frozen into plain data, so the warehouse can store it and score new
customers exactly as the model was trained: the same transforms, fences and scaling, never refitted."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.mixture import GaussianMixture

from segwarehouse.clustering.candidates import FittedCandidate


@dataclass(frozen=True)
class FeaturePreprocessing:
    """Training-time preprocessing of one feature: transform, clip to fences, standardize."""

    transform: str
    lower_fence: float
    upper_fence: float
    center: float
    scale: float

    def apply(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
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
            "mixture_parameters": json.dumps(self.mixture) if self.mixture is not None else None,
            "extras": json.dumps(self.extras),
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
        )


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


def data_fingerprint(customer_ids: np.ndarray, matrix: np.ndarray) -> str:
    """SHA-256 of the training data (ids and values, rounded to 9 decimals), independent of row order."""
    order = np.argsort(np.asarray(customer_ids, dtype=str), kind="stable")
    digest = hashlib.sha256()
    digest.update("\n".join(np.asarray(customer_ids, dtype=str)[order]).encode())
    digest.update(np.round(np.asarray(matrix, dtype=np.float64)[order], 9).tobytes())
    return digest.hexdigest()
