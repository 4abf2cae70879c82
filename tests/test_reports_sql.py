"""The reports' SQL builders and helpers on small in-memory tables: histograms, box statistics,
correlations, the variance the segments explain, the tick and label helpers, and the lifecycle report's
reading of drift."""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reports"))

from reportlib import figures, lifecycle, sqlgen  # noqa: E402
from reportlib.html import fmt_num  # noqa: E402
from reportlib.warehouse import sample_sql, stratified_sample_sql  # noqa: E402


@pytest.fixture()
def conn():
    connection = duckdb.connect()
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "customer_id": [str(i) for i in range(2_000)],
            "segment_id": np.repeat([1, 2], 1_000),
            "purchases": np.concatenate([rng.poisson(2, 1_000), rng.poisson(40, 1_000)]).astype(float),
            "ratio": rng.uniform(0, 1, 2_000),
        }
    )
    frame["purchases_z"] = (frame["purchases"] - frame["purchases"].mean()) / frame["purchases"].std(ddof=0)
    frame["ratio_z"] = (frame["ratio"] - frame["ratio"].mean()) / frame["ratio"].std(ddof=0)
    connection.register("frame_view", frame)
    connection.execute("create table customers as select * from frame_view")
    yield connection
    connection.close()


def test_histogram_counts_every_row_once_and_merges_empty_count_bins(conn):
    query = sqlgen.histogram_sql("customers", ["purchases", "ratio"], {"purchases": "log1p"},
                                 {"purchases": (None, None), "ratio": (None, None)}, bins=40)  # fmt: skip
    bins = conn.sql(query).df()
    assert (bins.groupby("feature")["customers"].sum() == 2_000).all()
    assert bins.groupby("feature")["share"].sum().round(9).eq(1).all()
    counts = bins[bins["feature"] == "purchases"]
    # A whole-number feature on a log axis: every kept bin can hold a whole number (no comb of empty bins).
    for low, high in zip(counts["low"], counts["high"], strict=True):
        assert math.ceil(math.expm1(low) - 1e-9) < math.expm1(high) - 1e-9 or low == counts["low"].min()
    assert len(bins[bins["feature"] == "ratio"]) == 40


def test_histogram_by_segment_shares_add_up_per_segment(conn):
    query = sqlgen.histogram_sql(
        "customers", ["ratio"], {}, {"ratio": (None, None)}, bins=10, by_segment=True
    )
    bins = conn.sql(query).df()
    assert bins.groupby("segment_id")["share"].sum().round(9).eq(1).all()
    assert bins["customers"].sum() == 2_000


def test_box_statistics_match_numpy(conn):
    stats = conn.sql(sqlgen.box_stats_sql("customers", ["ratio"], {}, by_segment=True)).df()
    for segment_id, row in stats.set_index("segment_id").iterrows():
        values = conn.sql(f"select ratio from customers where segment_id = {segment_id}").df()["ratio"]
        q1, median, q3 = np.quantile(values, [0.25, 0.5, 0.75])
        assert row["q1"] == pytest.approx(q1)
        assert row["median"] == pytest.approx(median)
        assert row["q3"] == pytest.approx(q3)
        inside = values[(values >= q1 - 1.5 * (q3 - q1)) & (values <= q3 + 1.5 * (q3 - q1))]
        assert row["lower_whisker"] == pytest.approx(inside.min())
        assert row["upper_whisker"] == pytest.approx(inside.max())
        assert row["outliers"] == len(values) - len(inside)


def test_correlations_and_covariances_match_pandas(conn):
    frame = conn.sql("select purchases, ratio from customers").df()
    pairs = conn.sql(sqlgen.correlation_sql("customers", ["purchases", "ratio"])).df()
    assert pairs["r"].item() == pytest.approx(frame["purchases"].corr(frame["ratio"]))
    moments = conn.sql(sqlgen.covariance_sql("customers", ["purchases", "ratio"])).df().iloc[0]
    assert moments["cov_0_1"] == pytest.approx(frame.cov(ddof=0).loc["purchases", "ratio"])
    assert moments["mean_0"] == pytest.approx(frame["purchases"].mean())


def test_variance_explained_by_segments(conn):
    conn.execute(
        """
        create table segment_centroids as
        select segment_id, 'purchases' as feature, count(*) as customers, avg(purchases_z) as centroid_z
        from customers group by all
        union all
        select segment_id, 'ratio' as feature, count(*) as customers, avg(ratio_z) as centroid_z
        from customers group by all
        """
    )
    conn.execute("create table customer_features as select * from customers")
    explained = conn.sql(sqlgen.variance_explained_sql(["purchases", "ratio"])).df().set_index("feature")
    frame = conn.sql("select * from customers").df()
    for feature in ("purchases", "ratio"):
        z = frame[feature + "_z"]
        between = frame.groupby("segment_id")[feature + "_z"].agg(["mean", "size"])
        expected = (between["size"] * (between["mean"] - z.mean()) ** 2).sum() / (len(z) * z.var(ddof=0))
        assert explained.loc[feature, "variance_explained"] == pytest.approx(expected)
    assert (
        explained.loc["purchases", "variance_explained"] > 0.8 > explained.loc["ratio", "variance_explained"]
    )


def test_samples_are_deterministic_and_stratified(conn):
    first = conn.sql(sample_sql("customers", "customer_id", 100)).df()
    assert len(first) == 100
    assert first.equals(conn.sql(sample_sql("customers", "customer_id", 100)).df())
    strata = conn.sql(stratified_sample_sql("customers", "customer_id, segment_id", 30)).df()
    assert strata.groupby("segment_id").size().eq(30).all()


def test_log1p_ticks_are_round_and_spread():
    positions, texts = figures.log1p_ticks(0.0, math.log1p(5_000))
    assert texts[0] == "0" and "1,000" in texts
    assert all(b - a >= math.log1p(5_000) / 7 - 1e-9 for a, b in zip(positions, positions[1:], strict=False))


def test_number_and_label_formatting():
    assert fmt_num(12_345) == "12.3k"
    assert fmt_num(10_000) == "10k"
    assert fmt_num(2_500_000) == "2.5M"
    assert fmt_num(0.256) == "0.26"
    assert figures.wrap("Discount share of purchases") == "Discount share<br>of purchases"
    assert figures.wrap("Purchases") == "Purchases"


def lifecycle_frames(psi, far, shifts=(None, None), previous=None, new_segments=0):
    """The frames lifecycle.assess reads, for two features and two segments."""
    version = 1 if previous is None else 2
    models = pd.DataFrame(
        {
            "model_version": [version],
            "algorithm": ["kmeans"],
            "k": [2],
            "previous_model_version": [previous],
            "matched_segments": [0 if previous is None else 2 - new_segments],
            "new_segments": [2 if previous is None else new_segments],
            "training_customers": [1_000],
            "trained_at": [pd.Timestamp("2024-05-01 10:00")],
        }
    )
    runs = pd.DataFrame(
        {
            "run_started_at": pd.to_datetime(["2024-05-01 10:00", "2024-05-02 10:00"]),
            "model_version": [1, version],
            "is_new_model_version": [True, previous is not None],
            "customers_scored": [1_000, 1_100],
            "new_customers": [1_000, 100],
            "customers_moved": [0, 30],
            "customers_gone": [0, 0],
            "far_from_centroids_share": [0.01, 0.02],
        }
    )
    feature_drift = pd.DataFrame({"feature": ["purchases", "ratio"], "psi": psi, "psi_threshold": 0.25})
    segment_drift = pd.DataFrame(
        {
            "segment_id": [1, 2],
            "segment_name": ["Savers", "Spenders"],
            "far_from_centroids_share": far,
            "centroid_shift": list(shifts),
        }
    )
    return models, runs, feature_drift, segment_drift


def test_psi_reading_and_drift_thresholds():
    assert [lifecycle.psi_reading(v) for v in (0.0, 0.099, 0.1, 0.25, 0.26)] == [
        "stable",
        "stable",
        "moderate",
        "moderate",
        "large",
    ]
    # The thresholds come from the build (stored beside the measures), else the documented defaults.
    connection = duckdb.connect()
    connection.execute("create table feature_drift as select 0.3 as psi_threshold")
    connection.execute(
        "create table segment_drift as select 0.07 as far_share_threshold, 0.9 as centroid_shift_threshold"
    )
    warehouse = lifecycle.Warehouse(connection, Path("in-memory"))
    assert lifecycle.drift_thresholds(warehouse) == {
        "drift_psi_threshold": 0.3,
        "drift_far_share_threshold": 0.07,
        "drift_centroid_shift_threshold": 0.9,
    }
    connection.execute("delete from feature_drift")
    connection.execute("delete from segment_drift")
    assert lifecycle.drift_thresholds(warehouse) == lifecycle.DEFAULT_THRESHOLDS


def test_the_drift_assessment_follows_the_numbers():
    thresholds = lifecycle.DEFAULT_THRESHOLDS
    calm = lifecycle.assess(*lifecycle_frames([0.02, 0.05], [0.01, 0.02]), thresholds)
    assert calm.level == "ok" and calm.verdict == "No drift: keep scoring with version 1."
    assert "no retrain is needed" in calm.actions[0]

    drifted = lifecycle.assess(
        *lifecycle_frames([0.4, 0.15], [0.01, 0.02]), thresholds, {"purchases": "Buys"}
    )
    assert drifted.level == "retrain" and "1 feature drifted" in drifted.reason
    assert "Buys (0.40)" in drifted.actions[0] and "retrain: true" in drifted.actions[0]
    assert any("Moderate shift" in text and "ratio (0.15)" in text for text in drifted.observations)

    far = lifecycle.assess(*lifecycle_frames([0.02, 0.05], [0.01, 0.09]), thresholds)
    assert far.level == "retrain" and "Spenders (9.0%)" in far.actions[0]

    retrained = lifecycle.assess(
        *lifecycle_frames([0.0, 0.0], [0.01, 0.01], shifts=(0.1, 0.8), previous=1), thresholds
    )
    assert retrained.level == "watch" and "Spenders (0.80)" in retrained.actions[0]
    assert any("30 customers" in text and "trained version 2" in text for text in retrained.observations)


REPO = Path(__file__).resolve().parents[1]


def report_code() -> str:
    """The code the reports run: the notebooks' code cells and the reportlib package."""
    code = []
    for notebook in sorted((REPO / "reports").glob("*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        code += ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    code += [module.read_text() for module in sorted((REPO / "reports" / "reportlib").glob("*.py"))]
    return "\n".join(code)


def test_the_reports_exposure_lists_exactly_the_marts_the_reports_read():
    marts = {model.stem for model in (REPO / "dbt_project" / "models" / "marts").rglob("*.sql")}
    code = report_code()
    read = {mart for mart in marts if re.search(rf"\b{mart}\b", code)}
    exposures = yaml.safe_load((REPO / "dbt_project" / "models" / "marts" / "_exposures.yml").read_text())
    (reports,) = [
        exposure for exposure in exposures["exposures"] if exposure["name"] == "segmentation_reports"
    ]
    listed = {re.fullmatch(r"ref\('(\w+)'\)", dependency).group(1) for dependency in reports["depends_on"]}
    assert {"customer_segments", "segment_runs"} <= read
    assert sorted(read) == sorted(listed)
