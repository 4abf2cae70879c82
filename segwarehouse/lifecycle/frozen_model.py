"""A trained segmentation model frozen into plain rows, so the warehouse can store it in a table and score
new customers exactly as the model was trained: the same transforms, fences and scaling, never refitted.

The model is stored as one row per parameter (model_parameter_rows): version facts, per segment facts and
names, centroids (segment x feature), the mixture's precision factors (segment x feature x feature) and the
drift reference (feature x bin). SQL reads the rows to score and describe customers; FrozenModel reads
them back for training the next version and for tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sklearn.mixture import GaussianMixture

    from segwarehouse.clustering.candidates import FittedCandidate

# The columns of a model parameter row (int_segment_models_trained).
PARAMETER_COLUMNS = [
    "model_version",
    "parameter",
    "segment_id",
    "feature",
    "other_feature",
    "bin",
    "value",
    "text_value",
]


@dataclass(frozen=True)
class FeaturePreprocessing:
    """Training-time preprocessing of one feature: fill a missing value, transform, clip to fences,
    standardize. The warehouse applies it in SQL (macros/preprocessing.sql); this is the reference, and
    what translates a previous version's centroids into a new version's space."""

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


@dataclass(frozen=True)
class SegmentName:
    """The name a model version gives one of its segments, with what explains it."""

    name: str
    description: str
    suggested_action: str
    key_traits: str
    persona_match_score: float | None = None
    is_catalogue_persona: bool = False
    is_inherited: bool = False


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
    # The Gaussian mixture's weights and precision Cholesky factors (k x d x d), aligned with segment_ids.
    mixture: dict[str, np.ndarray] | None = None
    extras: dict[str, float] = field(default_factory=dict)
    # Per segment (aligned with segment_ids): customers of the training sample, and the distance its
    # centroid moved from the matched segment of the previous version (None: first version, or new).
    training_customers: list[int] = field(default_factory=list)
    centroid_shifts: list[float | None] = field(default_factory=list)
    previous_version: int | None = None
    # Drift reference: per feature, the training deciles' interior edges and the training share per bin.
    drift_reference: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    # Per segment (aligned with segment_ids): its name under this version.
    names: list[SegmentName] = field(default_factory=list)

    @property
    def k(self) -> int:
        return len(self.segment_ids)

    def candidate(self) -> FittedCandidate:
        """The model as a FittedCandidate whose label i means segment_ids[i]."""
        from segwarehouse.clustering.candidates import FittedCandidate

        model = None
        if self.mixture is not None:
            model = _mixture_from_parameters(self.mixture, np.asarray(self.centroids))
        return FittedCandidate(self.algorithm, self.k, np.asarray(self.centroids), model)


def mixture_parameters(model: GaussianMixture) -> dict[str, np.ndarray]:
    return {
        "weights": np.asarray(model.weights_, dtype=np.float64),
        "precisions_cholesky": np.asarray(model.precisions_cholesky_, dtype=np.float64),
    }


def _mixture_from_parameters(parameters: dict[str, np.ndarray], means: np.ndarray) -> GaussianMixture:
    from sklearn.mixture import GaussianMixture

    weights = np.asarray(parameters["weights"], dtype=np.float64)
    factors = np.asarray(parameters["precisions_cholesky"], dtype=np.float64)
    model = GaussianMixture(n_components=len(weights), covariance_type="full")
    model.weights_ = weights
    model.means_ = np.asarray(means, dtype=np.float64)
    model.precisions_cholesky_ = factors
    model.covariances_ = np.stack([np.linalg.inv(factor @ factor.T) for factor in factors])
    return model


def model_parameter_rows(frozen: FrozenModel, facts: dict[str, float | str | None]) -> pd.DataFrame:
    """One row per parameter of the frozen model (PARAMETER_COLUMNS), what int_segment_models_trained
    stores. `facts` adds version-level numbers and texts (e.g. the selection's silhouette)."""
    rows: list[dict] = []

    def add(parameter: str, value=None, text=None, segment_id=None, feature=None, other=None, bin_=None):
        rows.append(
            {
                "model_version": frozen.version,
                "parameter": parameter,
                "segment_id": segment_id,
                "feature": feature,
                "other_feature": other,
                "bin": bin_,
                "value": None if value is None else float(value),
                "text_value": text,
            }
        )

    add("algorithm", text=frozen.algorithm)
    add("k", frozen.k)
    add("random_seed", frozen.random_seed)
    add("previous_model_version", frozen.previous_version)
    add("trained_at", text=frozen.trained_at)
    add("training_fingerprint", text=frozen.training_fingerprint)
    add("training_customers", sum(frozen.training_customers))
    for name, value in {**frozen.extras, **facts}.items():
        if isinstance(value, str):
            add(name, text=value)
        else:
            add(name, value)
    total = max(sum(frozen.training_customers), 1)
    for position, segment_id in enumerate(frozen.segment_ids):
        add("segment_position", position, segment_id=segment_id)
        add("training_customers", frozen.training_customers[position], segment_id=segment_id)
        add("training_share", frozen.training_customers[position] / total, segment_id=segment_id)
        add("centroid_shift", frozen.centroid_shifts[position], segment_id=segment_id)
        if frozen.names:
            naming = frozen.names[position]
            add("segment_name", text=naming.name, segment_id=segment_id)
            add("segment_description", text=naming.description, segment_id=segment_id)
            add("suggested_action", text=naming.suggested_action, segment_id=segment_id)
            add("key_traits", text=naming.key_traits, segment_id=segment_id)
            add("persona_match_score", naming.persona_match_score, segment_id=segment_id)
            add("is_catalogue_persona", int(naming.is_catalogue_persona), segment_id=segment_id)
            add("is_inherited", int(naming.is_inherited), segment_id=segment_id)
        for column, feature in enumerate(frozen.features):
            add("centroid", frozen.centroids[position, column], segment_id=segment_id, feature=feature)
        if frozen.mixture is not None:
            add("mixture_weight", frozen.mixture["weights"][position], segment_id=segment_id)
            factor = frozen.mixture["precisions_cholesky"][position]
            for row, feature in enumerate(frozen.features):
                for column, other in enumerate(frozen.features):
                    if factor[row, column] != 0.0:
                        add(
                            "precision_cholesky",
                            factor[row, column],
                            segment_id=segment_id,
                            feature=feature,
                            other=other,
                        )
    for feature, reference in frozen.drift_reference.items():
        for position, edge in enumerate(reference["edges"], start=1):
            add("bin_upper_edge", edge, feature=feature, bin_=position)
        for position, share in enumerate(reference["shares"], start=1):
            add("bin_training_share", share, feature=feature, bin_=position)
    frame = pd.DataFrame(rows, columns=PARAMETER_COLUMNS)
    for column in ("segment_id", "bin"):
        frame[column] = frame[column].astype("Int64")
    frame["model_version"] = frame["model_version"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    return frame


def frozen_model_from_rows(
    rows: pd.DataFrame, preprocessing: dict[str, FeaturePreprocessing], features: list[str]
) -> FrozenModel:
    """The FrozenModel of one version's parameter rows (model_parameter_rows) and its preprocessing
    (features in model order)."""
    version_rows = rows[rows["segment_id"].isna() & rows["feature"].isna()].set_index("parameter")

    def number(name: str) -> float | None:
        if name not in version_rows.index:
            return None
        value = version_rows.loc[name, "value"]
        return None if pd.isna(value) else float(value)

    def text(name: str) -> str:
        return str(version_rows.loc[name, "text_value"])

    segment_rows = rows[rows["segment_id"].notna() & rows["feature"].isna()]
    positions = segment_rows[segment_rows["parameter"] == "segment_position"].sort_values("value")
    segment_ids = [int(segment_id) for segment_id in positions["segment_id"]]

    def per_segment(name: str) -> list:
        values = segment_rows[segment_rows["parameter"] == name].set_index("segment_id")
        return [values["value"].get(segment_id) for segment_id in segment_ids]

    centroid_rows = rows[rows["parameter"] == "centroid"]
    centroids = (
        centroid_rows.pivot(index="segment_id", columns="feature", values="value")
        .loc[segment_ids, features]
        .to_numpy(dtype=np.float64)
    )
    mixture = None
    if text("algorithm") == "gmm":
        factors = np.zeros((len(segment_ids), len(features), len(features)))
        cholesky = rows[rows["parameter"] == "precision_cholesky"]
        for row in cholesky.itertuples():
            factors[
                segment_ids.index(int(row.segment_id)),
                features.index(row.feature),
                features.index(row.other_feature),
            ] = row.value
        mixture = {"weights": np.asarray(per_segment("mixture_weight"), dtype=np.float64)}
        mixture["precisions_cholesky"] = factors
    bins = rows[rows["bin"].notna()]
    drift_reference = {}
    for feature in features:
        of_feature = bins[bins["feature"] == feature].sort_values("bin")
        drift_reference[feature] = {
            "edges": of_feature.loc[of_feature["parameter"] == "bin_upper_edge", "value"].tolist(),
            "shares": of_feature.loc[of_feature["parameter"] == "bin_training_share", "value"].tolist(),
        }
    previous = number("previous_model_version")
    return FrozenModel(
        version=int(rows["model_version"].iloc[0]),
        algorithm=text("algorithm"),
        random_seed=int(number("random_seed")),
        features=list(features),
        preprocessing={feature: preprocessing[feature] for feature in features},
        centroids=centroids,
        segment_ids=segment_ids,
        trained_at=text("trained_at"),
        training_fingerprint=text("training_fingerprint"),
        mixture=mixture,
        extras={"far_distance": number("far_distance") or 0.0},
        training_customers=[int(value) for value in per_segment("training_customers")],
        centroid_shifts=[None if pd.isna(value) else float(value) for value in per_segment("centroid_shift")],
        previous_version=None if previous is None else int(previous),
        drift_reference=drift_reference,
    )
