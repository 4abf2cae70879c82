"""The segment lifecycle end to end: a frozen model scores new customers, ids and names stay put across
reseeds and retrains, history and migrations record who moved, drift warns on a shifted input."""

from __future__ import annotations

import json
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from segwarehouse.dbt_bridge import CANDIDATE_COLUMNS_ADDED_LATER
from segwarehouse.demo_data import generate_customers
from tests.conftest import Warehouse, build_warehouse

N_PERSONAS = 4
BATCH = 5_000
# k up to 6 is plenty for four personas and keeps the five training builds quick.
CLUSTERING_VARS = {"k_max": 6}
DRIFT_TESTS = {
    "feature_psi_below_drift_threshold",
    "segment_far_share_below_drift_threshold",
    "centroid_shift_below_drift_threshold",
}


def customer_batch(seed: int, id_offset: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generated customers (raw rows with their flaws) and truth, ids moved up by id_offset."""
    data = generate_customers(n_customers=BATCH, n_personas=N_PERSONAS, seed=seed)
    raw, truth = data.customers.copy(), data.truth.copy()
    for frame in (raw, truth):
        frame["customer_id"] = (frame["customer_id"].astype(int) + id_offset).astype(str)
    return raw, truth


def write(raw: pd.DataFrame, path) -> None:
    raw.to_csv(path, index=False, float_format="%.10g")


def segments(warehouse: Warehouse) -> pd.DataFrame:
    return warehouse.query(
        "select customer_id, segment_id, segment_name from customer_segments order by customer_id"
    ).set_index("customer_id")


def warned_tests(warehouse: Warehouse) -> set[str]:
    results = json.loads((warehouse.target / "run_results.json").read_text())["results"]
    return {result["unique_id"].split(".")[2] for result in results if result["status"] == "warn"}


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory):
    """One warehouse taken through its life: first build, reseeded retrain, appended customers, a shifted
    batch, a retrain on the changed data. Each step's marts are kept for the tests."""
    workdir = tmp_path_factory.mktemp("lifecycle")
    data_dir = workdir / "data"
    data_dir.mkdir()
    customers_path = data_dir / "customers.csv"
    first_raw, first_truth = customer_batch(seed=11, id_offset=0)
    write(first_raw, customers_path)
    steps: dict[str, dict] = {}

    def snapshot(name: str, warehouse: Warehouse) -> None:
        steps[name] = {
            "segments": segments(warehouse),
            "models": warehouse.query("select * from segment_models order by model_version"),
            "runs": warehouse.query("select * from segment_runs order by run_started_at"),
            "migrations": warehouse.query("select * from segment_migrations"),
            "model_centroids": warehouse.query("select * from segment_model_centroids"),
            "model_features": warehouse.query("select * from segment_model_features"),
            "feature_drift": warehouse.query("select * from feature_drift"),
            "segment_drift": warehouse.query("select * from segment_drift order by segment_id"),
            "verdict": warehouse.query("select * from segment_model_verdict"),
            "scored": warehouse.query_work("select * from intermediate.int_customer_features_standardized"),
            "assignments": warehouse.query_work("select * from intermediate.int_customers_segmented"),
            "warned": warned_tests(warehouse),
        }

    warehouse = build_warehouse(workdir, {"customers_path": str(customers_path), **CLUSTERING_VARS})
    snapshot("first", warehouse)

    warehouse.dbt("build", extra_vars={"retrain": True, "random_seed": 7})
    snapshot("reseeded_retrain", warehouse)

    second_raw, second_truth = customer_batch(seed=12, id_offset=1_000_000)
    write(pd.concat([first_raw, second_raw]), customers_path)
    warehouse.dbt("build")
    snapshot("appended", warehouse)

    shifted_raw, _ = customer_batch(seed=13, id_offset=2_000_000)
    shifted_raw["avg_cart_value"] *= 6.0
    write(pd.concat([first_raw, second_raw, shifted_raw]), customers_path)
    warehouse.dbt("build")
    snapshot("shifted", warehouse)
    # The published file at this step, for the lifecycle report (a later build replaces it).
    shifted_file = workdir / "shifted.duckdb"
    shutil.copyfile(warehouse.path, shifted_file)

    # k forced to the personas': with a sixfold cart value, the shifted third can carry a segment of its own,
    # and the tests of this step are about matching ids and the verdict of a retrain with the same k.
    warehouse.dbt("build", extra_vars={"retrain": True, "n_segments": N_PERSONAS})
    snapshot("retrained", warehouse)

    history = warehouse.query("select * from segment_history")
    # The observed values (after cleaning; NULL where missing) beside the frozen preprocessing, to check the
    # SQL scoring against the package's reference implementation.
    raw_values = warehouse.query_work("select * from intermediate.int_customer_features_joined")
    # The lifecycle's state is in the working file (not published).
    frozen_rows = warehouse.query("select * from lifecycle.int_feature_parameters_frozen", published=False)
    return {
        "warehouse": warehouse,
        "steps": steps,
        "truth": pd.concat([first_truth, second_truth]).set_index("customer_id")["persona"],
        "first_ids": set(first_truth["customer_id"]),
        "second_ids": set(second_truth["customer_id"]),
        "history": history,
        "raw_values": raw_values,
        "frozen_rows": frozen_rows,
        "workdir": workdir,
        "customers_path": customers_path,
        "first_raw": first_raw,
        "shifted_file": shifted_file,
    }


def test_a_fresh_build_with_another_seed_gives_the_same_ids_and_names(lifecycle, tmp_path):
    write(lifecycle["first_raw"], tmp_path / "customers.csv")
    reseeded = build_warehouse(
        tmp_path / "reseeded",
        {"customers_path": str(tmp_path / "customers.csv"), "random_seed": 7, **CLUSTERING_VARS},
    )
    pd.testing.assert_frame_equal(segments(reseeded), lifecycle["steps"]["first"]["segments"])


def test_a_reseeded_retrain_matches_every_segment_and_keeps_ids_and_names(lifecycle):
    first, retrained = lifecycle["steps"]["first"], lifecycle["steps"]["reseeded_retrain"]
    models = retrained["models"]
    assert models["model_version"].tolist() == [1, 2]
    assert models["random_seed"].tolist() == [42, 7]
    version_two = models.iloc[1]
    assert version_two["previous_model_version"] == 1 and version_two["new_segments"] == 0
    assert version_two["matched_segments"] == version_two["k"] == N_PERSONAS
    pd.testing.assert_frame_equal(retrained["segments"], first["segments"])
    # Nobody moved: the migrations between the two runs are the four segments staying put.
    migrations = retrained["migrations"]
    assert not migrations["is_move"].any() and migrations["customers"].sum() == len(first["segments"])
    assert set(migrations["to_model_version"]) == {2} and set(migrations["from_model_version"]) == {1}


def test_the_first_model_finds_the_personas(lifecycle):
    first = lifecycle["steps"]["first"]["segments"]
    truth = lifecycle["truth"].reindex(first.index)
    assert adjusted_rand_score(truth, first["segment_id"]) >= 0.85


def test_appended_customers_are_scored_without_refitting_and_old_customers_keep_their_segment(lifecycle):
    before, after = lifecycle["steps"]["reseeded_retrain"], lifecycle["steps"]["appended"]
    # No new version: the frozen preprocessing scored the new customers.
    assert after["models"]["model_version"].tolist() == [1, 2]
    old_ids = sorted(lifecycle["first_ids"] & set(before["segments"].index))
    pd.testing.assert_frame_equal(after["segments"].loc[old_ids], before["segments"].loc[old_ids])
    # Exactly the same standardized values for the old customers: nothing was refitted on the new data.
    scored_before = before["scored"].set_index("customer_id").loc[old_ids]
    scored_after = after["scored"].set_index("customer_id").loc[old_ids]
    pd.testing.assert_frame_equal(scored_after, scored_before)
    run = after["runs"].iloc[-1]
    new_ids = sorted(lifecycle["second_ids"] & set(after["segments"].index))
    assert (
        run["new_customers"] == len(new_ids)
        and run["customers_moved"] == 0
        and not run["is_new_model_version"]
    )


def test_appended_customers_land_in_their_personas_segment(lifecycle):
    after = lifecycle["steps"]["appended"]["segments"]
    truth = lifecycle["truth"]
    old = after.loc[sorted(lifecycle["first_ids"] & set(after.index))]
    # Each segment stands for the persona most of its old customers have.
    persona_of_segment = (
        old.assign(persona=truth.reindex(old.index))
        .groupby("segment_id")["persona"]
        .agg(lambda p: p.mode()[0])
    )
    new = after.loc[sorted(lifecycle["second_ids"] & set(after.index))]
    expected = truth.reindex(new.index)
    assert (new["segment_id"].map(persona_of_segment) == expected).mean() >= 0.9
    assert adjusted_rand_score(expected, new["segment_id"]) >= 0.8


def test_migrations_record_the_new_customers(lifecycle):
    migrations = lifecycle["steps"]["appended"]["migrations"]
    arrivals = migrations[migrations["from_segment_id"].isna()]
    assert arrivals["customers"].sum() == len(
        lifecycle["second_ids"] & set(lifecycle["steps"]["appended"]["segments"].index)
    )
    assert arrivals["to_segment_name"].notna().all()
    stayed = migrations[~migrations["is_move"]]
    assert stayed["customers"].sum() == len(lifecycle["steps"]["reseeded_retrain"]["segments"])


def test_drift_warns_on_a_shifted_input_and_not_before(lifecycle):
    steps = lifecycle["steps"]
    assert not (steps["first"]["warned"] | steps["appended"]["warned"]) & DRIFT_TESTS
    assert "feature_psi_below_drift_threshold" in steps["shifted"]["warned"]
    drift = steps["shifted"]["feature_drift"].set_index("feature")
    assert drift.loc["avg_cart_value", "is_drifted"] and drift.loc["avg_cart_value", "psi"] > 0.25
    assert drift.drop(index="avg_cart_value")["psi"].max() < 0.1
    assert steps["appended"]["feature_drift"]["psi"].max() < 0.1
    # The reading beside the index: large is drifted (beyond the threshold), below 0.1 stable.
    assert drift.loc["avg_cart_value", "psi_reading"] == "large"
    assert set(drift.drop(index="avg_cart_value")["psi_reading"]) == {"stable"}
    for step in steps.values():
        readings = step["feature_drift"]
        assert ((readings["psi_reading"] == "large") == readings["is_drifted"]).all()


def test_a_retrain_on_changed_data_matches_ids_and_history_records_every_period(lifecycle):
    steps = lifecycle["steps"]
    models = steps["retrained"]["models"]
    assert models["model_version"].tolist() == [1, 2, 3]
    latest = models.iloc[-1]
    assert latest["previous_model_version"] == 2 and latest["training_customers"] == len(
        steps["retrained"]["segments"]
    )
    # The personas are still there: every earlier segment is matched and keeps its name.
    assert latest["matched_segments"] == N_PERSONAS
    names_before = steps["shifted"]["segments"].groupby("segment_id")["segment_name"].first()
    names_after = steps["retrained"]["segments"].groupby("segment_id")["segment_name"].first()
    assert names_after.reindex(names_before.index).tolist() == names_before.tolist()
    history = lifecycle["history"]
    current = history[history["is_current"]]
    assert current["customer_id"].is_unique and len(current) == len(steps["retrained"]["segments"])
    assert set(current["model_version"]) == {3}
    # Every run's state can be read back from the history.
    runs = steps["retrained"]["runs"]
    assert len(runs) == 5 and runs["is_new_model_version"].tolist() == [True, True, False, False, True]
    ordered = history.sort_values(["customer_id", "valid_from"])
    next_start = ordered.groupby("customer_id")["valid_from"].shift(-1)
    closed = ordered["valid_to"].notna()
    # Periods chain without gaps or overlaps: a closed row ends where the customer's next row starts.
    assert (ordered.loc[closed, "valid_to"] == next_start[closed]).all()
    assert next_start[~closed].isna().all()


def test_sql_scoring_applies_the_frozen_preprocessing_exactly_as_the_package_defines_it(lifecycle):
    from segwarehouse.lifecycle.frozen_model import FeaturePreprocessing

    steps = lifecycle["steps"]
    frozen_rows = lifecycle["frozen_rows"]
    latest_version = frozen_rows["model_version"].max()
    latest = frozen_rows[frozen_rows["model_version"] == latest_version].set_index("feature")
    preprocessing = {
        feature: FeaturePreprocessing(
            transform=row["transform"],
            lower_fence=row["lower_fence"],
            upper_fence=row["upper_fence"],
            center=row["scaling_center"],
            scale=row["scaling_scale"],
            fill_value=row["fill_value"],
        )
        for feature, row in latest.iterrows()
    }
    raw = lifecycle["raw_values"].set_index("customer_id")
    scored = steps["retrained"]["scored"].set_index("customer_id")
    raw = raw.loc[scored.index]

    def filled(feature):
        return raw[feature].fillna(preprocessing[feature].fill_value).to_numpy()

    model_features = [column for column in scored.columns]
    assert model_features == list(latest[latest["is_model_feature"]].sort_values("feature_position").index)
    for feature in model_features:
        if feature == "discount_share":
            # A derived ratio is computed from its filled parts (0 without purchases).
            purchases = filled("total_purchases")
            values = np.divide(
                filled("discount_count"), purchases, out=np.zeros(len(raw)), where=purchases != 0
            )
            expected = preprocessing[feature].apply(values)
        else:
            expected = preprocessing[feature].apply(raw[feature].to_numpy(), raw[feature].isna().to_numpy())
        np.testing.assert_allclose(
            scored[feature].to_numpy(), expected, rtol=1e-9, atol=1e-9, err_msg=feature
        )


def test_sql_scoring_assigns_as_the_package_reference_does(lifecycle):
    """int_customers_segmented (SQL) against segwarehouse's reference scoring of the same frozen model."""
    import duckdb

    from segwarehouse.data_access import Table
    from segwarehouse.dbt_bridge import trained_model
    from segwarehouse.lifecycle.scoring import score_customers

    warehouse, steps = lifecycle["warehouse"], lifecycle["steps"]
    with duckdb.connect(str(warehouse.working_path), read_only=True) as connection:
        model = trained_model(
            Table(connection.table("lifecycle.int_segment_models_trained"), connection),
            Table(connection.table("lifecycle.int_feature_parameters_frozen"), connection),
        )
    scored = steps["retrained"]["scored"].set_index("customer_id")
    sql = steps["retrained"]["assignments"].set_index("customer_id").loc[scored.index]
    reference = score_customers(model, scored.index.to_numpy(), scored[model.features].to_numpy())
    reference = reference.set_index("customer_id")
    assert (sql["segment_id"] == reference["segment_id"]).mean() > 0.999
    same = sql["segment_id"] == reference["segment_id"]
    for column in ("distance_to_centroid", "nearest_centroid_distance", "confidence"):
        np.testing.assert_allclose(
            sql.loc[same, column], reference.loc[same, column], atol=1e-6, err_msg=column
        )
    assert (sql["is_far_from_centroids"] == reference["is_far_from_centroids"]).mean() > 0.999


def test_previous_centres_are_put_into_the_current_version_by_its_preprocessing(lifecycle):
    """segment_model_centroids.centroid_z_in_current_version: an earlier version's centre (feature units)
    through the version in use's frozen preprocessing, as FeaturePreprocessing defines it."""
    from segwarehouse.lifecycle.frozen_model import FeaturePreprocessing

    step = lifecycle["steps"]["retrained"]
    features = step["model_features"]
    current = features[features["model_version"] == features["model_version"].max()].set_index("feature")
    centroids = step["model_centroids"]
    earlier = centroids[(centroids["model_version"] == 1) & centroids["feature"].isin(current.index)]
    assert len(earlier) > 0
    for row in earlier.itertuples():
        parameters = current.loc[row.feature]
        preprocessing = FeaturePreprocessing(
            parameters["transform"],
            parameters["lower_fence"],
            parameters["upper_fence"],
            parameters["scaling_center"],
            parameters["scaling_scale"],
        )
        expected = preprocessing.apply(np.array([row.centroid_value]))[0]
        assert row.centroid_z_in_current_version == pytest.approx(expected, abs=1e-9), row.feature
    # The version in use's own centres are where they are.
    own = centroids[centroids["is_current_version"]]
    np.testing.assert_allclose(own["centroid_z_in_current_version"], own["centroid_z"], atol=1e-9)
    # Their rows hold the previous version's coordinate of the same segment in today's units, and the move.
    previous = centroids[centroids["model_version"] == 2].set_index(["segment_id", "feature"])
    paired = own.set_index(["segment_id", "feature"]).join(previous, rsuffix="_previous", how="inner")
    assert len(paired) == len(own) > 0
    np.testing.assert_allclose(paired["previous_centroid_value"], paired["centroid_value_previous"])
    np.testing.assert_allclose(
        paired["previous_centroid_z_in_current_version"], paired["centroid_z_in_current_version_previous"]
    )
    np.testing.assert_allclose(
        paired["centroid_z_change"], paired["centroid_z"] - paired["centroid_z_in_current_version_previous"]
    )
    assert centroids.loc[~centroids["is_current_version"], "centroid_z_change"].isna().all()


def test_a_warehouse_missing_a_lifecycle_table_retrains_instead_of_failing(lifecycle, tmp_path):
    """An earlier layout named the selection's state table otherwise: the next build finds it missing and
    trains a new version (matched to the previous one) rather than scoring without it."""
    original = lifecycle["warehouse"]
    copy = tmp_path / "upgraded"
    shutil.copytree(original.workdir, copy, ignore=shutil.ignore_patterns("target", "data"))
    warehouse = Warehouse(workdir=copy, vars=original.vars)
    with duckdb.connect(str(warehouse.working_path)) as connection:
        connection.execute(
            "alter table lifecycle.int_segment_candidates_evaluated rename to int_segment_candidates"
        )
    # The k of the retrain it repeats.
    result = warehouse.dbt("build", extra_vars={"n_segments": N_PERSONAS})
    assert (
        "This build trains model version 4: the lifecycle state has no int_segment_candidates_evaluated"
        in result.stdout
    )
    models = warehouse.query("select * from segment_models order by model_version")
    assert models["model_version"].tolist() == [1, 2, 3, 4]
    assert (
        models.iloc[-1]["matched_segments"] == models.iloc[-1]["k"] and models.iloc[-1]["new_segments"] == 0
    )
    selected = warehouse.query("select model_version from model_selection where is_selected")
    assert selected["model_version"].tolist() == [4]
    pd.testing.assert_frame_equal(segments(warehouse), lifecycle["steps"]["retrained"]["segments"])


def test_a_selection_table_from_before_a_column_was_recorded_gains_it_without_retraining(lifecycle, tmp_path):
    """A warehouse built by an earlier release has no chosen_by or reproducible_k_floor in its selection
    state: the next (scoring) build adds them, NULL for the version trained before, and model_selection
    reads them instead of failing."""
    original = lifecycle["warehouse"]
    copy = tmp_path / "older_release"
    shutil.copytree(original.workdir, copy, ignore=shutil.ignore_patterns("target", "data"))
    warehouse = Warehouse(workdir=copy, vars=original.vars)
    with duckdb.connect(str(warehouse.working_path)) as connection:
        for column in CANDIDATE_COLUMNS_ADDED_LATER:
            connection.execute(f"alter table lifecycle.int_segment_candidates_evaluated drop column {column}")
    result = warehouse.dbt("build")
    assert "This build trains" not in result.stdout
    selection = warehouse.query("select * from model_selection")
    assert selection["model_version"].unique().tolist() == [3]
    assert selection["chosen_by"].isna().all() and selection["reproducible_k_floor"].isna().all()
    assert selection["is_selected"].sum() == 1
    with duckdb.connect(str(warehouse.working_path), read_only=True) as connection:
        state = connection.sql("describe lifecycle.int_segment_candidates_evaluated").df()
    assert set(CANDIDATE_COLUMNS_ADDED_LATER) <= set(state["column_name"])
    pd.testing.assert_frame_equal(segments(warehouse), lifecycle["steps"]["retrained"]["segments"])


def verdict_of(step: dict) -> pd.Series:
    (row,) = step["verdict"].to_dict("records")
    return pd.Series(row)


def test_the_verdict_mart_reads_each_step_of_the_lifecycle(lifecycle):
    """segment_model_verdict on the lifecycle's builds: nothing to do before the shift, a retrain naming the
    drifted feature after it, and the latest run's and the last two runs' counts."""
    steps = lifecycle["steps"]
    first = verdict_of(steps["first"])
    assert first["verdict_level"] == "ok" and first["verdict"] == "No drift: keep scoring with version 1."
    assert first["reason"].startswith("Largest PSI 0.00 (threshold 0.25); at most ")
    assert first["is_first_run"] and first["runs"] == 1 and pd.isna(first["previous_run_at"])
    assert first["customers_arrived"] == first["new_customers"] == len(steps["first"]["segments"])
    assert first["previous_run_customers"] == first["customers_stayed"] == 0

    # A reseeded retrain on the same data: every segment matched, the same centres, nobody moved.
    reseeded = verdict_of(steps["reseeded_retrain"])
    assert reseeded["verdict_level"] == "ok" and reseeded["model_version"] == 2
    assert reseeded["previous_model_version"] == 1 and reseeded["new_segment_count"] == 0
    assert reseeded["is_new_model_version"] and reseeded["previous_run_model_version"] == 1
    first_customers = len(steps["first"]["segments"])
    assert reseeded["customers_stayed"] == reseeded["previous_run_customers"] == first_customers

    # New customers like the old ones: still nothing to do; they arrived and nobody moved.
    appended = verdict_of(steps["appended"])
    assert appended["verdict_level"] == "ok" and appended["drifted_feature_count"] == 0
    assert appended["verdict"] == "No drift: keep scoring with version 2."
    assert not appended["is_new_model_version"] and appended["customers_moved"] == 0
    new_ids = lifecycle["second_ids"] & set(steps["appended"]["segments"].index)
    assert appended["new_customers"] == appended["customers_arrived"] == len(new_ids)

    # A batch with six times the cart value: retrain, naming the feature with its PSI.
    shifted = verdict_of(steps["shifted"])
    drift = steps["shifted"]["feature_drift"].set_index("feature")
    assert shifted["verdict_level"] == "retrain" and shifted["verdict"] == "Drift: a retrain is recommended."
    assert shifted["reason"].startswith("1 feature drifted beyond the PSI threshold")
    assert shifted["drifted_feature_count"] == 1
    assert shifted["drifted_features"] == f"avg_cart_value ({drift.loc['avg_cart_value', 'psi']:.2f})"
    assert shifted["largest_psi"] == pytest.approx(drift["psi"].max())


def test_a_retrain_that_moved_a_centre_beyond_the_threshold_is_to_watch(lifecycle, tmp_path):
    """The retrain on the shifted data leaves no drift (the version was trained on today's customers) and
    moved every centre less than 0.5: ok. With a shift threshold below its largest moves, the same retrain
    is one to review: watch, naming the centres that moved more, largest first."""
    step = lifecycle["steps"]["retrained"]
    before = verdict_of(step)
    assert before["verdict_level"] == "ok" and before["model_version"] == 3
    assert (
        before["drifted_feature_count"] == before["moved_segment_count"] == before["new_segment_count"] == 0
    )
    assert before["is_new_model_version"] and before["previous_run_model_version"] == 2
    # A threshold between the second and third largest moves: two centres moved more.
    shifts = step["segment_drift"].set_index("segment_name")["centroid_shift"].sort_values(ascending=False)
    threshold = round(float(shifts.iloc[1] + shifts.iloc[2]) / 2, 3)
    moved = shifts[shifts > threshold]
    assert len(moved) == 2

    original = lifecycle["warehouse"]
    copy = tmp_path / "lower_threshold"
    shutil.copytree(original.workdir, copy, ignore=shutil.ignore_patterns("target", "data"))
    warehouse = Warehouse(workdir=copy, vars=original.vars)
    warehouse.dbt(
        "build",
        "--select",
        "segment_drift segment_model_verdict",
        extra_vars={"drift_centroid_shift_threshold": threshold},
    )
    (verdict,) = warehouse.query("select * from segment_model_verdict", published=False).to_dict("records")
    assert verdict["verdict_level"] == "watch" and verdict["centroid_shift_threshold"] == threshold
    assert verdict["verdict"] == "No drift, but review the last retrain to version 3."
    centres = f"{len(moved)} centre{'' if len(moved) == 1 else 's'}"
    assert verdict["reason"] == f"{centres} moved more than {threshold:g}."
    assert verdict["moved_segment_count"] == len(moved)
    assert verdict["moved_segments"] == "; ".join(f"{name} ({shift:.2f})" for name, shift in moved.items())


def test_a_retrain_left_to_choose_k_gives_the_shifted_customers_a_segment_to_review(lifecycle, tmp_path):
    """Without the forced k, a retrain on the data with a shifted third finds a fifth segment: the shifted
    customers' (the reproducible-k step). It is new, so the retrain is one to review: watch, naming it."""
    original = lifecycle["warehouse"]
    copy = tmp_path / "free_k"
    shutil.copytree(original.workdir, copy, ignore=shutil.ignore_patterns("target", "data"))
    warehouse = Warehouse(workdir=copy, vars=original.vars)
    warehouse.dbt("build", extra_vars={"retrain": True})
    models = warehouse.query("select * from segment_models order by model_version")
    latest = models.iloc[-1]
    assert (latest["model_version"], latest["k"], latest["new_segments"]) == (4, N_PERSONAS + 1, 1)
    chosen = warehouse.query("select chosen_by from model_selection where is_selected")["chosen_by"].item()
    assert chosen == "reproducible_past_silhouette_tolerance"
    (verdict,) = warehouse.query("select * from segment_model_verdict", published=False).to_dict("records")
    assert verdict["verdict_level"] == "watch" and verdict["new_segment_count"] == 1
    assigned = segments(warehouse)
    new_segment = assigned["segment_id"].max()
    assert (
        verdict["new_segments"] == assigned.loc[assigned["segment_id"] == new_segment, "segment_name"].iloc[0]
    )
    # Most of the new segment are the shifted batch's customers (ids from 2,000,000).
    members = assigned.index[assigned["segment_id"] == new_segment].astype(int)
    assert (members >= 2_000_000).mean() > 0.9


def test_the_verdict_level_follows_the_drift_numbers(lifecycle):
    """On every step of the lifecycle, the mart's level is what the drift marts' numbers and the build's
    thresholds say: retrain when a feature's PSI or a segment's far share exceeds its threshold; watch when
    the last retrain moved a centre beyond its threshold or added a segment; ok otherwise."""
    for name, step in lifecycle["steps"].items():
        verdict = verdict_of(step)
        feature_drift, segment_drift = step["feature_drift"], step["segment_drift"]
        current = step["models"].iloc[-1]
        retrain = (feature_drift["psi"] > verdict["psi_threshold"]).any() or (
            segment_drift["far_from_centroids_share"] > verdict["far_share_threshold"]
        ).any()
        watch = pd.notna(current["previous_model_version"]) and (
            (segment_drift["centroid_shift"].fillna(0) > verdict["centroid_shift_threshold"]).any()
            or current["new_segments"] > 0
        )
        expected = "retrain" if retrain else "watch" if watch else "ok"
        assert verdict["verdict_level"] == expected, name
        assert verdict["drifted_feature_count"] == feature_drift["is_drifted"].sum(), name
        assert verdict["largest_psi"] == pytest.approx(feature_drift["psi"].max()), name
        moderate = feature_drift[feature_drift["psi_reading"] == "moderate"]
        assert verdict["moderate_feature_count"] == len(moderate), name
        # The migrations between the last two runs add up to the previous run's customers.
        migrations = step["migrations"]
        before = migrations[migrations["from_segment_id"].notna()]
        assert verdict["previous_run_customers"] == before["customers"].sum(), name
        assert (
            verdict["customers_moved"]
            == before.loc[before["is_move"] & before["to_segment_id"].notna(), "customers"].sum()
        ), name


def test_the_lifecycle_report_names_the_drifted_feature_by_its_label(lifecycle, tmp_path):
    """Report 07 on the published file of the shifted step: What to do lists the drifted feature by its
    label with its PSI, as feature_drift has them."""
    import html
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    shifted_file = lifecycle["shifted_file"]
    with duckdb.connect(str(shifted_file), read_only=True) as connection:
        drift = connection.sql(
            "select feature, feature_label as label, psi, psi_reading, is_drifted "
            "from feature_drift join feature_summary using (feature)"
        ).df()
    command = [sys.executable, str(REPO / "reports" / "render.py"), "html", "07_lifecycle"]
    command += ["--out", str(tmp_path / "html"), "--executed", str(tmp_path / "executed")]
    env = {**os.environ, "SEGMENTS_DB": str(shifted_file)}
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
    page = (tmp_path / "html" / "07_lifecycle.html").read_text(encoding="utf-8")

    # The report capitalises labels (reportlib's pretty()); compare without case.
    page = page.lower()
    drifted = drift[drift["is_drifted"]]
    assert list(drifted["feature"]) == ["avg_cart_value"]
    listed = html.escape(f"{drifted['label'].iloc[0]} ({drifted['psi'].iloc[0]:.2f})").lower()
    assert f"1 feature drifted</b> beyond psi 0.25: {listed}. consider" in page
    for row in drift[drift["psi_reading"] == "moderate"].itertuples():
        assert html.escape(f"{row.label} ({row.psi:.2f})").lower() in page
