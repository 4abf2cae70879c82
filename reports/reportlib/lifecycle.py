"""The segment lifecycle as the reports read it: drift thresholds, the reading of a population stability
index, and what to do, worked out from the lifecycle marts (segment_models, segment_runs, feature_drift,
segment_drift)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from reportlib.html import esc, fmt_int, fmt_pct
from reportlib.warehouse import Warehouse

LIFECYCLE_TABLES = (
    "segment_models",
    "segment_model_centroids",
    "segment_runs",
    "segment_migrations",
    "segment_drift",
    "feature_drift",
)
# The project's defaults (dbt_project.yml vars), used when the warehouse holds no threshold.
DEFAULT_THRESHOLDS = {
    "drift_psi_threshold": 0.25,
    "drift_far_share_threshold": 0.05,
    "drift_centroid_shift_threshold": 0.5,
}
# The usual reading of a population stability index.
PSI_STABLE, PSI_LARGE = 0.1, 0.25
RETRAIN_COMMAND = "dbt build --vars '{retrain: true}'"


def missing_tables(wh: Warehouse) -> list[str]:
    """The lifecycle marts the warehouse lacks (all of them on a warehouse built before the lifecycle)."""
    return [table for table in LIFECYCLE_TABLES if not wh.has_table(table)]


def require_lifecycle(wh: Warehouse) -> None:
    missing = missing_tables(wh)
    if missing:
        raise RuntimeError(
            f"the warehouse at {wh.path} has no {', '.join(missing)}: it was built before the segment "
            "lifecycle; run `dbt build` once to add them"
        )


def drift_thresholds(wh: Warehouse) -> dict[str, float]:
    """The drift thresholds the build that wrote the warehouse used (its vars, stored beside the measures
    in feature_drift and segment_drift); the documented defaults for a table without rows."""
    thresholds = dict(DEFAULT_THRESHOLDS)
    stored = {
        "drift_psi_threshold": "select max(psi_threshold) from feature_drift",
        "drift_far_share_threshold": "select max(far_share_threshold) from segment_drift",
        "drift_centroid_shift_threshold": "select max(centroid_shift_threshold) from segment_drift",
    }
    for name, query in stored.items():
        value = wh.conn.sql(query).fetchone()[0]
        if value is not None:
            thresholds[name] = float(value)
    return thresholds


def psi_reading(psi: float) -> str:
    """stable (< 0.1), moderate (0.1 to 0.25) or large (> 0.25)."""
    if psi is None or (isinstance(psi, float) and math.isnan(psi)):
        return "unknown"
    if psi < PSI_STABLE:
        return "stable"
    if psi <= PSI_LARGE:
        return "moderate"
    return "large"


def segment_label(segment_id: object, name: object) -> str:
    if segment_id is None or pd.isna(segment_id):
        return "–"
    return str(name) if isinstance(name, str) and name else f"Segment {int(segment_id)}"


def unique_labels(ids: list[int], names: dict[int, str]) -> dict[int, str]:
    """A label per segment id: its name, with the id added where two ids share a name."""
    plain = {i: segment_label(i, names.get(i)) for i in ids}
    counts = pd.Series(list(plain.values())).value_counts()
    return {i: (f"{label} (#{i})" if counts[label] > 1 else label) for i, label in plain.items()}


def previous_in_current_space(centroids: pd.DataFrame, version: int, previous: int) -> pd.DataFrame:
    """Per matched segment and feature: the centre under `previous` and under `version` in the features'
    own units, and both in the standardized units of `version` (segment_model_centroids computes the
    previous centre's place in the version in use: centroid_z_in_current_version), with the difference
    `delta_z`."""
    now = centroids[centroids["model_version"] == version]
    before = centroids[centroids["model_version"] == previous]
    pairs = now.merge(
        before[["segment_id", "feature", "centroid_value", "centroid_z_in_current_version"]],
        on=["segment_id", "feature"],
        suffixes=("", "_previous"),
    )
    return pd.DataFrame(
        {
            "segment_id": pairs["segment_id"].astype(int),
            "segment_name": pairs["segment_name"],
            "feature": pairs["feature"],
            "value_previous": pairs["centroid_value_previous"].astype(float),
            "value": pairs["centroid_value"].astype(float),
            "centroid_z_previous": pairs["centroid_z_in_current_version_previous"].astype(float),
            "centroid_z": pairs["centroid_z"].astype(float),
            "delta_z": (pairs["centroid_z"] - pairs["centroid_z_in_current_version_previous"]).astype(float),
        }
    )


# --- What to do -------------------------------------------------------------------------------------------


@dataclass
class Assessment:
    """What the lifecycle marts say: a level (ok, watch, retrain), a one-line verdict with its reason, and
    the actions and observations behind it (HTML), each worked out from the numbers."""

    level: str
    verdict: str
    reason: str
    actions: list[str] = field(default_factory=list)
    observations: list[str] = field(default_factory=list)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def assess(
    models: pd.DataFrame,
    runs: pd.DataFrame,
    feature_drift: pd.DataFrame,
    segment_drift: pd.DataFrame,
    thresholds: dict[str, float],
    labels: dict[str, str] | None = None,
) -> Assessment:
    """The verdict and the actions: a retrain when features drifted beyond the PSI threshold or a segment
    holds too many customers far from every centroid; a look at segments whose centre moved far, or that
    are new, at the last retrain; otherwise keep scoring with the version in use."""
    labels = labels or {}
    current = models.sort_values("model_version").iloc[-1]
    version = int(current["model_version"])
    psi_threshold = thresholds["drift_psi_threshold"]
    far_threshold = thresholds["drift_far_share_threshold"]
    shift_threshold = thresholds["drift_centroid_shift_threshold"]
    actions: list[str] = []
    observations: list[str] = []
    retrain_reasons: list[str] = []
    review_reasons: list[str] = []

    def listed(frame: pd.DataFrame) -> str:
        pairs = zip(frame["feature"], frame["psi"], strict=True)
        return ", ".join(f"{esc(labels.get(f, f))} ({psi:.2f})" for f, psi in pairs)

    psi = feature_drift["psi"]
    drifted = feature_drift[psi > psi_threshold].sort_values("psi", ascending=False)
    moderate = feature_drift[(psi >= PSI_STABLE) & (psi <= psi_threshold)].sort_values("psi", ascending=False)
    far_share = segment_drift["far_from_centroids_share"]
    far = segment_drift[far_share > far_threshold].sort_values("far_from_centroids_share", ascending=False)

    if len(drifted):
        retrain_reasons.append(f"{_count(len(drifted), 'feature')} drifted beyond the PSI threshold")
        actions.append(
            f"<b>{_count(len(drifted), 'feature')} drifted beyond the threshold</b> (PSI &gt; "
            f"{psi_threshold:g}): {listed(drifted)}. Today's customers no longer look like the ones version "
            f"{version} was trained on: consider <code>{esc(RETRAIN_COMMAND)}</code>."
        )
    if len(far):
        retrain_reasons.append(
            f"{_count(len(far), 'segment')} with more than {fmt_pct(far_threshold, 0)} of "
            f"{'its' if len(far) == 1 else 'their'} customers far from every centroid"
        )
        segments = ", ".join(
            f"{esc(segment_label(s, n))} ({fmt_pct(v)})"
            for s, n, v in zip(
                far["segment_id"], far["segment_name"], far["far_from_centroids_share"], strict=True
            )
        )
        actions.append(
            f"<b>Customers far from every centroid</b> above {fmt_pct(far_threshold, 0)} of the segment in "
            f"{segments} (about 1% are that far at training): the segments describe these customers poorly"
            + (
                "."
                if len(drifted)
                else f"; a retrain (<code>{esc(RETRAIN_COMMAND)}</code>) would cover them."
            )
        )
    if len(moderate):
        observations.append(
            f"Moderate shift (PSI 0.1 to {psi_threshold:g}) in {listed(moderate)}: watch it over the next "
            "runs."
        )

    previous = current.get("previous_model_version")
    if previous is not None and not pd.isna(previous):
        moved_far = segment_drift[segment_drift["centroid_shift"].fillna(0) > shift_threshold]
        if len(moved_far):
            review_reasons.append(f"{_count(len(moved_far), 'centre')} moved more than {shift_threshold:g}")
            names = ", ".join(
                f"{esc(segment_label(s, n))} ({v:.2f})"
                for s, n, v in zip(
                    moved_far["segment_id"],
                    moved_far["segment_name"],
                    moved_far["centroid_shift"],
                    strict=True,
                )
            )
            actions.append(
                f"<b>Centres that moved more than {shift_threshold:g}</b> at the retrain to version "
                f"{version}: {names}. They kept their id and name but describe different customers now: "
                "review their profile and persona (reports 5 and 6) before reusing campaigns built for them."
            )
        new_segments = int(current.get("new_segments") or 0)
        if new_segments:
            review_reasons.append(f"{_count(new_segments, 'new segment')}")
            actions.append(
                f"<b>{_count(new_segments, 'new segment')}</b> at the retrain to version {version} (no match "
                f"in version {int(previous)}): give {'them' if new_segments > 1 else 'it'} a persona and an "
                "action (report 6)."
            )

    if len(runs) > 1:
        latest = runs.sort_values("run_started_at").iloc[-1]
        scored = max(int(latest["customers_scored"]), 1)
        moved, new, gone = (int(latest[c]) for c in ("customers_moved", "new_customers", "customers_gone"))
        cause = (
            f"the run trained version {version}"
            if bool(latest["is_new_model_version"])
            else f"scored by the frozen version {version}, so only customers whose data changed can move"
        )
        observations.append(
            f"At the last run {fmt_int(moved)} customers ({fmt_pct(moved / scored)}) changed segment "
            f"({cause}), {fmt_int(new)} were new and {fmt_int(gone)} gone: segment lists exported before "
            "that run are out of date for them."
            if moved or new or gone
            else "Nobody moved, arrived or left at the last run."
        )

    largest_psi = f"{psi.max():.2f}" if len(psi) else "–"
    largest_far = fmt_pct(far_share.max()) if len(far_share) else "–"
    if retrain_reasons:
        level, verdict = "retrain", "Drift: a retrain is recommended."
        reason = "; ".join(retrain_reasons) + "."
    elif review_reasons:
        level, verdict = "watch", f"No drift, but review the last retrain to version {version}."
        reason = "; ".join(review_reasons) + "."
    else:
        level, verdict = "ok", f"No drift: keep scoring with version {version}."
        reason = (
            f"Largest PSI {largest_psi} (threshold {psi_threshold:g}); at most {largest_far} of a segment's "
            f"customers far from every centroid (threshold {fmt_pct(far_threshold, 0)})."
        )
    if not actions:
        actions.append(
            f"<b>No drift.</b> Every feature's PSI is at most {psi_threshold:g} (largest {largest_psi}) and "
            f"no segment has more than {fmt_pct(far_threshold, 0)} of its customers far from every centroid "
            f"(largest {largest_far}). Keep scoring with version {version}; no retrain is needed."
        )
    return Assessment(level, verdict, reason, actions, observations)


# --- The printed summary ----------------------------------------------------------------------------------


def load(wh: Warehouse) -> dict[str, pd.DataFrame]:
    """The lifecycle marts the assessment reads: model versions, runs, feature and segment drift."""
    return {
        "models": wh.sql("select * from segment_models order by model_version"),
        "runs": wh.sql("select * from segment_runs order by run_started_at"),
        "feature_drift": wh.sql("select * from feature_drift order by psi desc, feature"),
        "segment_drift": wh.sql("select * from segment_drift order by segment_id"),
    }


def summary_paragraph(wh: Warehouse, algorithm_names: dict[str, str] | None = None) -> tuple[str, str]:
    """Two lines for the printed summary on the model version in use and its drift, and the note kind to
    show them with (warn when a retrain is recommended)."""
    frames = load(wh)
    models, runs = frames["models"], frames["runs"]
    labels = {f: wh.label(f) for f in frames["feature_drift"]["feature"]}
    result = assess(
        models, runs, frames["feature_drift"], frames["segment_drift"], drift_thresholds(wh), labels
    )
    current = models.iloc[-1]
    latest = runs.iloc[-1]
    algorithm = (algorithm_names or {}).get(current["algorithm"], current["algorithm"])
    runs_text = (
        f"{len(runs)} runs, the last moved {fmt_int(latest['customers_moved'])} customers"
        if len(runs) > 1
        else "first run"
    )
    text = (
        f"<b>Model and drift.</b> Version {int(current['model_version'])} ({esc(algorithm)}, k = "
        f"{int(current['k'])}, trained {current['trained_at']:%Y-%m-%d} on "
        f"{fmt_int(current['training_customers'])} customers); {runs_text}. <b>{esc(result.verdict)}</b>"
        + (f" {result.reason}" if result.level != "ok" else "")
        + " Details: report 7."
    )
    return text, "warn" if result.level == "retrain" else "info"
