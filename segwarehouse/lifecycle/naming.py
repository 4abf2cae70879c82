"""Names for the segments of a new model version, in one step.

A segment matched to the previous version keeps its name. The others are given catalogue personas by an
optimal one-to-one assignment: a persona fits a segment when every trait of its signature is present,
observed for most of the segment's customers (a segment absent from an input is no evidence about that
input's features: browsers who never bought are not "Dormant" buyers), and the segment's centroid z-score
is at least `min_z` in the trait's direction, and no bound of the signature is broken (a bound
names the opposite of a trait the persona cannot have: Loyal Customers are not lapsed, so a segment whose
recency meets "high" is not theirs, however often it bought); the match score is
the sum of those directed z-scores (each capped, so one extreme feature cannot carry a persona), so a
fuller signature that fits beats a shorter one it contains (Champions over Loyal Customers on the segment
that is also recent), and the assignment maximises the total score over all segments at once rather than
taking the best match of each segment in turn. A segment no persona fits is named after its two
strongest traits, e.g. "Many clicks · Few purchases".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

# A directed z-score counts at most this much towards a match score.
MATCH_Z_CAP = 3.0
# Signature levels: a trait the segment must show, and a bound it must not break (the trait it names the
# opposite of: "not_high" is broken where the segment is high).
TRAIT_LEVELS = ("high", "low")
BOUND_LEVELS = {"not_high": "high", "not_low": "low"}
NAME_COLUMNS = [
    "segment_id",
    "segment_name",
    "segment_description",
    "suggested_action",
    "persona_match_score",
    "is_catalogue_persona",
    "is_inherited",
]


@dataclass(frozen=True)
class Catalogue:
    """The persona catalogue: personas (persona_name, description, suggested_action), their signatures
    (persona_name, feature, level high/low) and the feature labels (feature, high_label, low_label)."""

    personas: pd.DataFrame
    signatures: pd.DataFrame
    labels: pd.DataFrame

    def trait_label(self, feature: str, z: float) -> str:
        row = self.labels[self.labels["feature"] == feature]
        column = "high_label" if z >= 0 else "low_label"
        if len(row) and isinstance(row[column].iloc[0], str) and row[column].iloc[0]:
            return row[column].iloc[0]
        return ("High " if z >= 0 else "Low ") + feature


def observed(profile: pd.DataFrame) -> pd.DataFrame:
    """The rows of features the segment's customers mostly have (all rows without an is_observed column)."""
    if "is_observed" not in profile:
        return profile
    return profile[profile["is_observed"].astype(bool)]


def match_scores(profile: pd.DataFrame, catalogue: Catalogue, min_z: float) -> pd.DataFrame:
    """Segment x persona match scores; NaN where the persona does not fit the segment.
    `profile`: segment_id, feature, centroid_z and optionally is_observed (int_segment_features_profiled)."""
    lift = observed(profile).pivot(index="segment_id", columns="feature", values="centroid_z")
    lift = lift.reindex(sorted(profile["segment_id"].unique()))
    scores = pd.DataFrame(np.nan, index=lift.index, columns=list(catalogue.personas["persona_name"]))
    for persona, signature in catalogue.signatures.groupby("persona_name", sort=False):
        if persona not in scores.columns:
            continue
        traits = signature[signature["level"].isin(TRAIT_LEVELS)]
        if not set(traits["feature"]) <= set(lift.columns):
            continue
        directed = _directed(lift, traits)
        fits = (directed >= min_z).all(axis=1)
        # A bound is broken where the opposite trait is met; a feature the segment lacks cannot break it.
        bounds = signature[signature["level"].isin(BOUND_LEVELS)]
        bounds = bounds[bounds["feature"].isin(lift.columns)]
        if len(bounds):
            breaks = _directed(lift, bounds.assign(level=bounds["level"].map(BOUND_LEVELS))) >= min_z
            fits &= ~breaks.any(axis=1)
        total = np.minimum(directed, MATCH_Z_CAP).sum(axis=1)
        scores[persona] = np.where(fits, total, np.nan)
    return scores


def _directed(lift: pd.DataFrame, signature: pd.DataFrame) -> np.ndarray:
    """Segment x signature-row centroid z-scores, signed so that the row's level reads positive."""
    direction = np.where(signature["level"].to_numpy() == "high", 1.0, -1.0)
    # NaN where the segment lacks the feature: it meets no trait and breaks no bound.
    return lift[list(signature["feature"])].to_numpy(dtype=np.float64) * direction


def assign_personas(scores: pd.DataFrame) -> dict[int, tuple[str, float]]:
    """segment_id -> (persona, score): the one-to-one assignment with the largest total score among the
    fitting pairs."""
    if scores.empty or scores.notna().sum().sum() == 0:
        return {}
    values = scores.to_numpy(dtype=np.float64)
    # Unfit pairs are never worth taking; a fitting one always is (scores of fits are >= 0).
    cost = np.where(np.isnan(values), -1e6, values)
    rows, columns = linear_sum_assignment(cost, maximize=True)
    return {
        int(scores.index[row]): (str(scores.columns[column]), float(values[row, column]))
        for row, column in zip(rows, columns, strict=True)
        if not np.isnan(values[row, column])
    }


def key_traits(profile: pd.DataFrame, segment_id: int, catalogue: Catalogue) -> tuple[str, str]:
    """(descriptive name from the two strongest traits, the three strongest traits with their z-scores)."""
    rows = observed(profile)[lambda frame: frame["segment_id"] == segment_id].assign(
        strength=lambda frame: frame["centroid_z"].abs()
    )
    rows = rows.sort_values(["strength", "feature"], ascending=[False, True])
    traits = [
        (catalogue.trait_label(row.feature, row.centroid_z), row.centroid_z) for row in rows.itertuples()
    ]
    name = " · ".join(label for label, _ in traits[:2])
    described = ", ".join(f"{label} (z {z:+.2f})" for label, z in traits[:3])
    return name, described


def name_segments(
    segment_ids: list[int],
    profile: pd.DataFrame,
    catalogue: Catalogue,
    min_z: float,
    inherited: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per segment (NAME_COLUMNS). `profile`: segment_id, feature, centroid_z of the new version's
    segments (a segment without customers has no rows); `inherited`: the previous version's name rows of
    the segments that kept their id."""
    inherited = inherited if inherited is not None else pd.DataFrame(columns=NAME_COLUMNS)
    kept = {int(row.segment_id): row for row in inherited.itertuples()}
    fresh = [segment_id for segment_id in segment_ids if segment_id not in kept]
    scores = match_scores(profile[profile["segment_id"].isin(fresh)], catalogue, min_z)
    personas = catalogue.personas.set_index("persona_name")
    assigned = assign_personas(scores)
    rows = []
    for segment_id in segment_ids:
        if segment_id in kept:
            row = kept[segment_id]
            rows.append(
                {
                    "segment_id": segment_id,
                    "segment_name": row.segment_name,
                    "segment_description": row.segment_description,
                    "suggested_action": row.suggested_action,
                    "persona_match_score": row.persona_match_score,
                    "is_catalogue_persona": bool(row.is_catalogue_persona),
                    "is_inherited": True,
                }
            )
        elif segment_id in assigned:
            persona, score = assigned[segment_id]
            rows.append(
                {
                    "segment_id": segment_id,
                    "segment_name": persona,
                    "segment_description": personas.loc[persona, "description"],
                    "suggested_action": personas.loc[persona, "suggested_action"],
                    "persona_match_score": score,
                    "is_catalogue_persona": True,
                    "is_inherited": False,
                }
            )
        elif (profile["segment_id"] == segment_id).any():
            name, traits = key_traits(profile, segment_id, catalogue)
            rows.append(
                {
                    "segment_id": segment_id,
                    "segment_name": name,
                    "segment_description": f"No catalogue persona matches; strongest traits: {traits}.",
                    "suggested_action": (
                        f"Profile further before targeting; start from its strongest traits ({name}) and "
                        "test a small campaign against a control group."
                    ),
                    "persona_match_score": None,
                    "is_catalogue_persona": False,
                    "is_inherited": False,
                }
            )
        else:
            rows.append(
                {
                    "segment_id": segment_id,
                    "segment_name": f"Segment {segment_id}",
                    "segment_description": "No customer yet.",
                    "suggested_action": "Wait for customers.",
                    "persona_match_score": None,
                    "is_catalogue_persona": False,
                    "is_inherited": False,
                }
            )
    names = pd.DataFrame(rows, columns=NAME_COLUMNS)
    # A new segment whose name another segment already carries is numbered: "Bargain Hunters (6)".
    repeated = names.duplicated("segment_name", keep=False) & ~names["is_inherited"]
    names.loc[repeated, "segment_name"] = [
        f"{name} ({segment_id})"
        for name, segment_id in names.loc[repeated, ["segment_name", "segment_id"]].to_numpy()
    ]
    names["persona_match_score"] = names["persona_match_score"].astype("float64")
    return names
