"""The report marts (dbt_project/models/marts/reports) on built warehouses: histograms, box statistics,
correlations and the variance the segments explain equal numpy and pandas computations on the same
customers; the exploration marts equal pandas aggregations of the input files, and are empty without the
input they describe."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from segwarehouse.demo_transactions import ONLINE_RETAIL_COLUMNS, shop_dbt_vars, write_shop
from tests.conftest import Warehouse, build_warehouse

pytestmark = pytest.mark.e2e

HISTOGRAM_BINS = 30  # var report_histogram_bins
GRID_BINS = 20  # var report_grid_bins
EVENT_TYPES = {"view": "product views", "cart": "add-to-cart events", "purchase": "purchase events"}


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> tuple[Warehouse, dict]:
    """A warehouse of the demo shop's invoice lines and clickstream events, and the files it read."""
    files = write_shop(
        tmp_path_factory.mktemp("report_shop") / "data",
        n_customers=2_500,
        seed=7,
        inputs=("transactions", "events"),
    )
    variables = {**shop_dbt_vars(files), "k_max": 6, "stability_resamples": 3}
    return build_warehouse(tmp_path_factory.mktemp("report_marts_shop"), variables), files


@pytest.fixture(params=["customer table", "shop"])
def warehouse(request, demo_warehouse_factory) -> Warehouse:
    """Each kind of build: the demo customer table (six features) and the shop (counts, days, flags)."""
    if request.param == "customer table":
        return demo_warehouse_factory(3)[0]
    return request.getfixturevalue("shop")[0]


def customer_values(warehouse: Warehouse) -> tuple[pd.DataFrame, pd.DataFrame]:
    """customer_features with each customer's segment, and feature_summary indexed by feature."""
    features = warehouse.query(
        "select * from customer_features inner join customer_segments using (customer_id)"
    )
    summary = warehouse.query("select * from feature_summary").set_index("feature")
    return features, summary


def on_model_scale(values: pd.Series, transform: str) -> np.ndarray:
    values = values.to_numpy(dtype=float)
    return np.log1p(np.maximum(values, 0)) if transform == "log1p" else values


def populations(features: pd.DataFrame):
    """(segment_id or None for all customers, that population's rows)."""
    yield None, features
    for segment_id, rows in features.groupby("segment_id"):
        yield int(segment_id), rows


def population_rows(mart: pd.DataFrame, feature: str, segment_id: int | None) -> pd.DataFrame:
    rows = mart[mart["feature"] == feature]
    if segment_id is None:
        return rows[rows["is_all_customers"]]
    return rows[rows["segment_id"] == segment_id]


def test_histograms_count_like_numpy_on_the_same_bins(warehouse):
    features, summary = customer_values(warehouse)
    bins = warehouse.query("select * from report_feature_histograms order by feature, segment_id, bin")
    standardized = [column[:-2] for column in features.columns if column.endswith("_z")]
    assert sorted(bins["feature"].unique()) == sorted(standardized)
    names = features.groupby("segment_id")["segment_name"].first()
    for feature in standardized:
        transform = summary.loc[feature, "transform"]
        edges = None
        for segment_id, rows in populations(features):
            part = population_rows(bins, feature, segment_id).sort_values("bin")
            # All populations share the feature's bins: the edges of all customers, each bin once.
            current = np.append(part["bin_low"].to_numpy(), part["bin_high"].iloc[-1])
            edges = current if edges is None else edges
            np.testing.assert_array_equal(current, edges)
            np.testing.assert_allclose(part["bin_low"].iloc[1:], part["bin_high"].iloc[:-1])
            values = on_model_scale(rows[feature].dropna(), transform)
            # The end bins hold the values beyond the range.
            expected, _ = np.histogram(np.clip(values, edges[0], edges[-1]), bins=edges)
            assert part["customers"].tolist() == expected.tolist(), (feature, segment_id)
            assert (part["population_customers"] == len(values)).all()
            np.testing.assert_allclose(part["share"], expected / len(values))
            smoothed = pd.Series(expected / len(values)).rolling(5, center=True, min_periods=1).mean()
            np.testing.assert_allclose(part["smoothed_share"], smoothed)
            assert part["share"].sum() == pytest.approx(1)
            name = part["segment_name"].unique().tolist()
            assert name == ([None] if segment_id is None else [names[segment_id]])
            in_units = part[["bin_low_value", "bin_high_value"]].to_numpy()
            on_scale = part[["bin_low", "bin_high"]].to_numpy()
            np.testing.assert_allclose(in_units, np.expm1(on_scale) if transform == "log1p" else on_scale)
        # The range: the middle 99.8% of all customers' values, within the fences of the version in use.
        values = on_model_scale(features[feature].dropna(), transform)
        low, high = np.quantile(values, [0.001, 0.999])
        assert edges[0] == pytest.approx(max(low, summary.loc[feature, "lower_fence"]))
        if high > low:
            assert edges[-1] == pytest.approx(min(high, summary.loc[feature, "upper_fence"]))


def test_whole_number_features_merge_bins_that_hold_no_whole_number(warehouse):
    features, _ = customer_values(warehouse)
    bins = warehouse.query(
        "select * from report_feature_histograms where is_all_customers order by feature, bin"
    )
    merged = 0
    for feature, part in bins.groupby("feature"):
        values = features[feature].dropna()
        if not (values == np.floor(values)).all():
            assert len(part) in (HISTOGRAM_BINS, 1)  # every bin, or one for a constant
            continue
        merged += HISTOGRAM_BINS - len(part)
        # Every inner bin can hold a whole number, so a log axis shows no comb of empty bins; the end
        # bins are kept, as they hold the values beyond the range.
        for low, high in part[["bin_low_value", "bin_high_value"]].iloc[1:-1].itertuples(index=False):
            assert math.ceil(low - 1e-9) < high - 1e-9, (feature, low, high)
    assert merged > 0


def test_box_statistics_match_numpy(warehouse):
    features, summary = customer_values(warehouse)
    boxes = warehouse.query("select * from report_feature_boxes")
    standardized = [column[:-2] for column in features.columns if column.endswith("_z")]
    assert len(boxes) == len(standardized) * (1 + features["segment_id"].nunique())
    for feature in standardized:
        transform = summary.loc[feature, "transform"]
        for segment_id, rows in populations(features):
            (box,) = population_rows(boxes, feature, segment_id).to_dict("records")
            assert box["is_model_feature"] == summary.loc[feature, "is_model_feature"]
            raw = rows[feature].dropna()
            for prefix, values in (
                ("", on_model_scale(raw, transform)),
                ("z_", rows[feature + "_z"].to_numpy()),
            ):
                q1, median, q3 = np.quantile(values, [0.25, 0.5, 0.75])
                inside = values[(values >= q1 - 1.5 * (q3 - q1)) & (values <= q3 + 1.5 * (q3 - q1))]
                expected = {"q1": q1, "median": median, "q3": q3, "mean": values.mean(),
                            "lower_whisker": inside.min(), "upper_whisker": inside.max()}  # fmt: skip
                for name, value in expected.items():
                    assert box[prefix + name] == pytest.approx(value, rel=1e-9, abs=1e-12), (
                        feature,
                        prefix + name,
                    )
                assert box[prefix + "outliers"] == len(values) - len(inside)
            assert box["customers"] == len(raw)
            undo = np.expm1 if transform == "log1p" else (lambda value: value)
            for name in ("q1", "median", "q3", "lower_whisker", "upper_whisker"):
                assert box[name + "_value"] == pytest.approx(undo(box[name]), rel=1e-9, abs=1e-12)
            assert box["mean_value"] == pytest.approx(raw.mean(), rel=1e-9)


def test_correlations_match_pandas(warehouse):
    features, summary = customer_values(warehouse)
    pairs = warehouse.query("select * from report_feature_correlations")
    standardized = [column[:-2] for column in features.columns if column.endswith("_z")]
    assert len(pairs) == len(standardized) * (len(standardized) - 1) // 2
    matrix = features[[feature + "_z" for feature in standardized]].corr()
    order = {feature: position for position, feature in enumerate(standardized)}
    for pair in pairs.itertuples(index=False):
        assert order[pair.feature_a] < order[pair.feature_b]
        expected = matrix.loc[pair.feature_a + "_z", pair.feature_b + "_z"]
        if pd.isna(expected):  # a constant feature
            assert pd.isna(pair.pearson_r)
        else:
            assert pair.pearson_r == pytest.approx(expected, abs=1e-9)
        assert pair.is_feature_a_model_feature == summary.loc[pair.feature_a, "is_model_feature"]
        assert pair.is_feature_b_model_feature == summary.loc[pair.feature_b, "is_model_feature"]


def test_variance_explained_by_the_segments_matches_pandas(warehouse):
    features, summary = customer_values(warehouse)
    separation = warehouse.query("select * from report_feature_separation order by separation_rank")
    model_features = summary.index[summary["is_model_feature"]]
    assert sorted(separation["feature"]) == sorted(model_features)
    for row in separation.itertuples(index=False):
        z = features[row.feature + "_z"]
        groups = features.groupby("segment_id")[row.feature + "_z"].agg(["mean", "size"])
        between = (groups["size"] * (groups["mean"] - z.mean()) ** 2).sum() / len(z)
        assert row.variance_explained == pytest.approx(between / z.var(ddof=0), abs=1e-9)
    assert separation["separation_rank"].tolist() == list(range(1, len(separation) + 1))
    assert separation["variance_explained"].is_monotonic_decreasing
    assert separation["variance_explained"].iloc[0] > 0.5


def valid_purchase_lines(path) -> pd.DataFrame:
    """The documented valid purchase lines, straight from the file: exact duplicates (over the mapped
    columns) dropped; a customer id, quantity > 0, unit_price > 0, and not a cancellation."""
    columns = ONLINE_RETAIL_COLUMNS
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)[list(columns.values())].drop_duplicates()
    lines = raw.rename(columns={file: canonical for canonical, file in columns.items()})
    lines["customer_id"] = lines["customer_id"].str.strip().str.replace(r"^([0-9]+)\.0+$", r"\1", regex=True)
    lines["quantity"] = pd.to_numeric(lines["quantity"], errors="coerce")
    lines["unit_price"] = pd.to_numeric(lines["unit_price"], errors="coerce")
    valid = (
        (lines["customer_id"] != "")
        & (lines["quantity"] > 0)
        & (lines["unit_price"] > 0)
        & ~lines["order_id"].str.upper().str.startswith("C")
        & pd.to_datetime(lines["order_ts"], errors="coerce").notna()
    )
    return lines[valid].assign(value=lambda frame: frame["quantity"] * frame["unit_price"])


def test_customers_by_country_match_the_invoice_lines(shop):
    warehouse, files = shop
    lines = valid_purchase_lines(files["transactions"])
    # Main country: most valid purchase lines, then the higher value, then the name.
    per_country = lines.groupby(["customer_id", "country"], as_index=False).agg(
        purchase_lines=("value", "size"), purchase_value=("value", "sum")
    )
    main = per_country.sort_values(
        ["customer_id", "purchase_lines", "purchase_value", "country"], ascending=[True, False, False, True]
    ).drop_duplicates("customer_id")
    spend = lines.groupby("customer_id")["value"].sum()
    expected = (
        main.assign(monetary=main["customer_id"].map(spend))
        .groupby("country")
        .agg(customers=("customer_id", "size"), monetary=("monetary", "sum"))
    )
    countries = warehouse.query("select * from report_customers_by_country").set_index("country")
    assert sorted(countries.index) == sorted(expected.index)
    assert countries["customers"].to_dict() == expected["customers"].to_dict()
    np.testing.assert_allclose(countries["monetary"], expected.loc[countries.index, "monetary"], rtol=1e-9)
    np.testing.assert_allclose(countries["customer_share"], countries["customers"] / len(main))
    assert countries.sort_values("country_rank")["customers"].is_monotonic_decreasing


def test_event_funnel_matches_the_event_file(shop):
    warehouse, files = shop
    events = pd.read_csv(files["events"], dtype=str, keep_default_na=False).drop_duplicates()
    as_of = warehouse.query_work("select as_of_date from intermediate.int_as_of_date")["as_of_date"].item()
    accepted = events[
        (events["user_id"].str.strip() != "")
        & (pd.to_datetime(events["event_time"], errors="coerce") < pd.Timestamp(as_of))
    ]
    funnel = warehouse.query("select * from report_event_funnel order by stage_position")
    assert funnel["event_type"].tolist() == list(EVENT_TYPES)
    assert funnel["stage"].tolist() == list(EVENT_TYPES.values())
    customers = warehouse.query("select count(*) as n from customer_segments")["n"].item()
    for stage in funnel.itertuples(index=False):
        of_type = accepted[accepted["event_type"] == stage.event_type]
        assert stage.events == len(of_type)
        assert stage.customers == of_type["user_id"].nunique()
        assert stage.customer_share == pytest.approx(stage.customers / customers)
    assert pd.isna(funnel["ratio_to_previous_stage"].iloc[0])
    np.testing.assert_allclose(
        funnel["ratio_to_previous_stage"].iloc[1:],
        funnel["customers"].iloc[1:].to_numpy() / funnel["customers"].iloc[:-1].to_numpy(),
    )


def test_recency_by_spend_grid_counts_like_numpy(shop):
    warehouse, _ = shop
    purchasers = warehouse.query("select recency_days, monetary from customer_rfm")
    grid = warehouse.query("select * from report_recency_monetary order by recency_bin, monetary_bin")
    assert len(grid) == GRID_BINS * GRID_BINS
    recency = purchasers["recency_days"].to_numpy(dtype=float)
    spend = np.log1p(purchasers["monetary"].to_numpy(dtype=float))
    recency_edges = np.linspace(*np.quantile(recency, [0.001, 0.999]), GRID_BINS + 1)
    spend_edges = np.linspace(*np.quantile(spend, [0.001, 0.999]), GRID_BINS + 1)
    expected, _, _ = np.histogram2d(
        np.clip(recency, recency_edges[0], recency_edges[-1]),
        np.clip(spend, spend_edges[0], spend_edges[-1]),
        bins=[recency_edges, spend_edges],
    )
    counts = grid.pivot(index="recency_bin", columns="monetary_bin", values="customers").to_numpy()
    np.testing.assert_array_equal(counts, expected)
    cells = grid.set_index(["recency_bin", "monetary_bin"])
    np.testing.assert_allclose(cells.xs(0, level="monetary_bin")["recency_low_days"], recency_edges[:-1])
    np.testing.assert_allclose(cells.xs(0, level="recency_bin")["monetary_low_log1p"], spend_edges[:-1])
    np.testing.assert_allclose(
        cells.xs(0, level="recency_bin")["monetary_high_value"], np.expm1(spend_edges[1:])
    )
    assert grid["customer_share"].sum() == pytest.approx(1)


def test_exploration_marts_are_empty_without_their_input(demo_warehouse_factory, shop):
    customer_table, _ = demo_warehouse_factory(3)
    shop_warehouse, _ = shop
    for mart in ("report_customers_by_country", "report_recency_monetary", "report_event_funnel"):
        empty = customer_table.query(f"select * from {mart}")
        assert len(empty) == 0, mart
        # The same columns as when the input is there, so that readers need no special case.
        assert list(empty.columns) == list(shop_warehouse.query(f"select * from {mart} limit 0").columns)
        assert len(shop_warehouse.query(f"select * from {mart}")) > 0, mart
