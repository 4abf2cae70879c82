"""Inputs named as tables instead of files (vars `<input>_relation`): the same data loaded into DuckDB
tables builds the same warehouse as the files, and a wrong relation stops the build with a clear message."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from segwarehouse.demo_data import write_demo_customers
from segwarehouse.demo_transactions import SHOP_INPUTS, shop_dbt_vars, write_shop
from segwarehouse.publishing import input_relations_in
from tests.conftest import Warehouse, build_warehouse
from tests.test_bad_inputs import expect_failure, small_file

pytestmark = pytest.mark.e2e

QUICK_SELECTION = {"k_max": 6, "stability_resamples": 3}


def load_tables(warehouse_dir: Path, tables: dict[str, str], file: str = "segments.duckdb.work") -> None:
    """Create tables in schema raw of a warehouse's work file (SEGMENTS_DB.work, database `work` in dbt)
    or of its working database (file segments.duckdb.build): table name -> the SELECT that fills it."""
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse_dir / file)) as connection:
        connection.execute("create schema if not exists raw")
        for name, select in tables.items():
            connection.execute(f"create table raw.{name} as {select}")


def sql_text(value: Path | str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def rejected(warehouse: Warehouse) -> pd.DataFrame:
    return warehouse.query(
        "select input_name, source_row_number, customer_id, rejection_reason from rejected_rows"
        " order by input_name, source_row_number"
    )


@pytest.fixture(scope="module")
def demo_builds(tmp_path_factory):
    """The demo customer table built from its file and from a table holding it as text, numbered in the
    file's order through a column of line numbers (var customers_row_order). The table is in the working
    database itself (schema raw of SEGMENTS_DB.build), the one the build publishes."""
    data = tmp_path_factory.mktemp("demo_data")
    customers, _ = write_demo_customers(data, n_customers=4_000)
    from_file = build_warehouse(tmp_path_factory.mktemp("demo_file"), {"customers_path": str(customers)})
    table_dir = tmp_path_factory.mktemp("demo_table")
    load_tables(
        table_dir,
        {
            "customers": "select row_number() over () as line_number, *"
            f" from read_csv({sql_text(customers)}, header = true, all_varchar = true)"
        },
        file="segments.duckdb.build",
    )
    from_table = build_warehouse(
        table_dir, {"customers_relation": "raw.customers", "customers_row_order": ["line_number"]}
    )
    return from_file, from_table


def test_the_demo_from_a_table_builds_the_same_marts_as_from_its_file(demo_builds):
    from_file, from_table = demo_builds
    for mart, key in [("customer_features", "customer_id"), ("customer_segments", "customer_id")]:
        expected = from_file.query(f"select * from {mart} order by {key}")
        actual = from_table.query(f"select * from {mart} order by {key}")
        pd.testing.assert_frame_equal(actual, expected)
    # Every rejected row at the same position with the same reason: the line numbers order the table.
    assert len(rejected(from_file)) > 0
    pd.testing.assert_frame_equal(rejected(from_table), rejected(from_file))
    sources = from_table.query("select distinct source_file from rejected_rows")
    assert sources["source_file"].tolist() == ["raw.customers"]


def test_an_input_table_in_the_working_database_is_not_published(demo_builds):
    _, from_table = demo_builds
    tables = "select schema_name || '.' || table_name as name from duckdb_tables()"
    assert "raw.customers" in set(from_table.query(tables, published=False)["name"])
    published = set(from_table.query(tables)["name"])
    assert "main.customer_segments" in published and "raw.customers" not in published


def test_input_relations_are_found_in_the_working_database_by_their_names():
    names = ["raw.customers", "work.raw.lines", "Segments.raw.Events", "coupons"]
    assert input_relations_in("segments", names, "main") == {
        ("raw", "customers"),
        ("raw", "events"),
        ("main", "coupons"),
    }


@pytest.fixture(scope="module")
def shop_builds(tmp_path_factory):
    """A shop with all four inputs from its files and from tables DuckDB typed on loading (numbers and
    timestamps as such), numbered in the default order (every column)."""
    files = write_shop(tmp_path_factory.mktemp("shop_data"), n_customers=1_500, seed=11)
    file_vars = {**shop_dbt_vars(files), **QUICK_SELECTION}
    from_file = build_warehouse(tmp_path_factory.mktemp("shop_file"), file_vars)
    table_dir = tmp_path_factory.mktemp("shop_table")
    # Types detected from every row (the flawed values the generator writes are not in the first rows).
    typed = "select * from read_csv({}, sample_size = -1)"
    load_tables(table_dir, {name: typed.format(sql_text(files[name])) for name in SHOP_INPUTS})
    table_vars = {key: value for key, value in file_vars.items() if not key.endswith("_path")}
    table_vars.update({f"{name}_relation": f"work.raw.{name}" for name in SHOP_INPUTS})
    from_table = build_warehouse(table_dir, table_vars)
    return from_file, from_table, table_dir


def test_a_shop_from_typed_tables_builds_the_same_marts_as_from_its_files(shop_builds):
    from_file, from_table, table_dir = shop_builds
    with duckdb.connect(str(table_dir / "segments.duckdb.work"), read_only=True) as connection:
        types = connection.sql(
            "select column_name, data_type from information_schema.columns"
            " where table_name = 'transactions' and column_name in ('InvoiceDate', 'UnitPrice')"
        ).fetchall()
    # The loaded table is typed, not text: the staging casts whatever it finds to text and parses it.
    assert dict(types) == {"InvoiceDate": "TIMESTAMP", "UnitPrice": "DOUBLE"}
    expected = from_file.query("select * from customer_features order by customer_id")
    actual = from_table.query("select * from customer_features order by customer_id")
    pd.testing.assert_frame_equal(actual, expected)
    segments = (
        "select segment_id, segment_name, count(*) as customers from customer_segments"
        " group by all order by segment_id"
    )
    pd.testing.assert_frame_equal(from_table.query(segments), from_file.query(segments))
    reasons = (
        "select input_name, rejection_reason, count(*) as row_count from rejected_rows"
        " group by all order by all"
    )
    expected_reasons = from_file.query(reasons)
    assert set(expected_reasons["input_name"]) == set(SHOP_INPUTS)
    pd.testing.assert_frame_equal(from_table.query(reasons), expected_reasons)
    quality = "select input_name, outcome, row_count from input_quality order by all"
    pd.testing.assert_frame_equal(from_table.query(quality), from_file.query(quality))


# --- Relations that stop the build with one clear message ---------------------------------------------


def test_a_file_and_a_relation_for_the_same_input(tmp_path):
    path = small_file(tmp_path / "c.csv")
    expect_failure(
        tmp_path / "build",
        {"customers_path": str(path), "customers_relation": "raw.customers"},
        "the customers input is given twice: var customers_path (a file) and var customers_relation",
    )


def test_a_relation_that_does_not_exist(tmp_path):
    expect_failure(
        tmp_path,
        {"transactions_relation": "raw.no_such_lines"},
        "table or view not found: raw.no_such_lines (var transactions_relation)",
    )


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"customers_row_order": ["loaded_at"]},
            "var customers_row_order names 'loaded_at', which is not a column of work.raw.customers; it has: "
            "customer_id, total_purchases",
        ),
        ({"customers_encoding": "latin-1"}, "var customers_encoding applies to files"),
    ],
    ids=["row-order-column", "encoding"],
)
def test_vars_that_do_not_fit_a_relation(tmp_path, variables, message):
    path = small_file(tmp_path / "c.csv")
    load_tables(tmp_path / "build", {"customers": f"select * from read_csv({sql_text(path)})"})
    expect_failure(tmp_path / "build", {"customers_relation": "work.raw.customers", **variables}, message)


def test_a_relation_name_that_is_not_a_plain_dotted_name(tmp_path):
    expect_failure(
        tmp_path,
        {"customers_relation": "raw.customers; drop table x"},
        "var customers_relation must name a table or view as table, schema.table or database.schema.table",
    )


def test_a_row_order_for_a_file(tmp_path):
    path = small_file(tmp_path / "c.csv")
    expect_failure(
        tmp_path,
        {"customers_path": str(path), "customers_row_order": ["customer_id"]},
        "var customers_row_order applies to a table or view (var customers_relation)",
    )
