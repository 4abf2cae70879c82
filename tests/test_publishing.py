"""Safe publishing and BI access: what analysts read changes only by a complete, tested build."""

import hashlib
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest
import sqlalchemy

from tests.conftest import build_warehouse

pytestmark = pytest.mark.e2e

PUBLISHED_MARTS = ("customer_segments", "segment_profiles", "model_selection")


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory):
    from segwarehouse.demo_data import write_demo_customers

    workdir = tmp_path_factory.mktemp("publishing")
    customers, _ = write_demo_customers(workdir / "data", n_customers=3_000, n_personas=3, seed=9)
    return build_warehouse(workdir, {"customers_path": str(customers), "stability_resamples": 2})


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def marts(warehouse) -> dict[str, pd.DataFrame]:
    return {
        mart: warehouse.query(f"select * exclude (model_version) from {mart} order by all")
        if mart == "model_selection"
        else warehouse.query(f"select * from {mart} order by all")
        for mart in PUBLISHED_MARTS
    }


def test_build_publishes_a_separate_complete_file(small_warehouse):
    working = small_warehouse.path.with_name(small_warehouse.path.name + ".build")
    assert small_warehouse.path.exists() and working.exists()
    # What BI should read, and only that: the marts (the lifecycle's among them), not the layers below, the
    # lifecycle's working state, scratch tables or the publication log.
    published = small_warehouse.query("select table_schema, table_name from information_schema.tables")
    assert set(published["table_schema"]) == {"main"}
    assert not published["table_name"].str.contains("__dbt_tmp").any()
    assert {"customer_segments", "segment_models", "segment_model_centroids", "segment_history"} <= set(
        published["table_name"]
    )
    assert "warehouse_publication" not in set(published["table_name"])
    work_schemas = small_warehouse.query_work("select distinct table_schema from information_schema.tables")
    assert {"staging", "intermediate", "reference"} <= set(work_schemas["table_schema"])
    # The lifecycle's state stays in the file builds work in, for the next build.
    state = small_warehouse.query(
        "select table_name from information_schema.tables where table_schema = 'lifecycle'", published=False
    )
    assert {"int_feature_parameters_frozen", "int_segment_models_trained"} <= set(state["table_name"])


def test_failed_build_leaves_the_published_file_exactly_as_it_was(small_warehouse):
    before_digest, before_marts = digest(small_warehouse.path), marts(small_warehouse)
    exports = sorted(small_warehouse.exports.glob("*.*"))
    assert {path.suffix for path in exports} == {".csv", ".parquet"}
    before_exports = {path: digest(path) for path in exports}
    # An impossible minimum segment share makes the segment-size test fail after the marts are rebuilt.
    result = small_warehouse.dbt("build", extra_vars={"min_segment_share": 0.9}, check=False)
    assert result.returncode != 0
    assert "warehouse_publication" in result.stdout and "SKIP" in result.stdout
    assert digest(small_warehouse.path) == before_digest
    for mart, frame in marts(small_warehouse).items():
        pd.testing.assert_frame_equal(frame, before_marts[mart])
    # The CRM files too: the failed build's files wait beside them and never replace them.
    assert {path: digest(path) for path in exports} == before_exports
    assert len(list(small_warehouse.exports.glob("*.pending"))) == len(exports)


def test_a_reader_holding_the_file_open_does_not_break_the_build(small_warehouse):
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            connection = duckdb.connect({str(small_warehouse.path)!r}, read_only=True)
            print(connection.sql("select count(*) from customer_segments").fetchone()[0], flush=True)
            sys.stdin.readline()
            print(connection.sql("select count(*) from customer_segments").fetchone()[0], flush=True)
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first = reader.stdout.readline().strip()
        time.sleep(0.5)
        small_warehouse.dbt("build", "--select", "int_segment_candidates_evaluated+")
        second, _ = reader.communicate("\n", timeout=60)
    finally:
        reader.kill()
    assert first == second.strip() == "3000"
    assert small_warehouse.query("select count(*) as n from customer_segments")["n"].item() == 3000


def test_same_input_and_seed_give_identical_marts(small_warehouse):
    before = marts(small_warehouse)
    # A retrain runs model selection and training again, from the same data and seed.
    small_warehouse.dbt("build", extra_vars={"retrain": True})
    for mart, frame in marts(small_warehouse).items():
        pd.testing.assert_frame_equal(frame, before[mart], obj=mart)


def test_bi_tools_read_the_marts_through_sqlalchemy_read_only(small_warehouse):
    engine = sqlalchemy.create_engine(f"duckdb:///{small_warehouse.path}", connect_args={"read_only": True})
    with engine.connect() as connection:
        tables = set(sqlalchemy.inspect(connection).get_table_names(schema="main"))
        assert set(PUBLISHED_MARTS) | {"segment_centroids", "feature_summary", "rejected_rows"} <= tables
        segments = pd.read_sql(
            "select segment_name, count(*) as customers from customer_segments group by 1", connection
        )
        assert segments["customers"].sum() == 3000
        with pytest.raises(sqlalchemy.exc.DBAPIError, match="read-only"):
            connection.execute(sqlalchemy.text("create table scratch as select 1"))


def test_export_formats_choose_the_crm_files(small_warehouse, tmp_path):
    parquet_only = tmp_path / "parquet_only"
    small_warehouse.dbt(
        "build",
        "--select",
        "crm_exports+",
        extra_vars={"export_dir": str(parquet_only), "export_formats": "parquet"},
    )
    assert sorted(path.name for path in parquet_only.iterdir()) == [
        "customer_features.parquet",
        "customer_segments.parquet",
    ]
    manifest = small_warehouse.query("select file_format, row_count from crm_exports", published=False)
    assert set(manifest["file_format"]) == {"parquet"} and set(manifest["row_count"]) == {3000}
    # No format: no file, an empty manifest, and the warehouse still published.
    no_files = tmp_path / "no_files"
    small_warehouse.dbt(
        "build", "--select", "crm_exports+", extra_vars={"export_dir": str(no_files), "export_formats": []}
    )
    assert not no_files.exists()
    assert small_warehouse.query("select count(*) as n from crm_exports", published=False)["n"].item() == 0
    log = small_warehouse.query("select count(*) as n from warehouse_publication", published=False)
    assert log["n"].item() > 0
    # An unknown format fails the export, naming the var, and publishes nothing.
    result = small_warehouse.dbt(
        "build", "--select", "crm_exports+", extra_vars={"export_formats": "xlsx"}, check=False
    )
    assert result.returncode != 0 and "var export_formats" in result.stdout
