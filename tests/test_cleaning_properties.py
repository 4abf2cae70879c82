"""Property-based tests of the cleaning layer: random messy CSVs through the project's own compiled SQL
(stg_customers and int_customer_rows_validated); every row read is accepted or rejected with a reason."""

from __future__ import annotations

import csv
import io
import math
import unicodedata

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Warehouse

pytestmark = pytest.mark.e2e

FEATURES = ["total_purchases", "avg_cart_value", "total_time_spent", "product_click", "discount_count"]
HEADER = ["customer_id", *FEATURES]


@pytest.fixture(scope="module")
def cleaning_sql(tmp_path_factory):
    """The compiled staging and validation SQL for a customers file at a fixed path (rewritten per
    example: DuckDB reads the file when the SQL runs)."""
    workdir = tmp_path_factory.mktemp("cleaning")
    path = workdir / "customers.csv"
    path.write_text(",".join(HEADER) + "\nC1,1,2,3,4,0\n", encoding="utf-8")
    warehouse = Warehouse(workdir=workdir, vars={"customers_path": str(path)})
    warehouse.dbt("compile", "--select", "stg_customers", "int_customer_rows_validated")
    compiled = warehouse.target / "compiled" / "segments" / "dbt_project" / "models"
    staging = (compiled / "staging" / "stg_customers.sql").read_text()
    validation = (compiled / "intermediate" / "inputs" / "int_customer_rows_validated.sql").read_text()
    assert str(path) in staging and '"work"."staging"."stg_customers"' in validation
    return path, staging, validation


def run_cleaning(staging: str, validation: str):
    connection = duckdb.connect()
    connection.execute("attach ':memory:' as work; use work; create schema staging")
    connection.execute(f"create table work.staging.stg_customers as {staging}")
    staged = connection.sql("select count(*) from work.staging.stg_customers").fetchone()[0]
    rows = connection.sql(
        f"select customer_id, is_accepted, rejection_reason, {', '.join(FEATURES)} from ({validation})"
    ).fetchall()
    connection.close()
    return staged, rows


messy_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"),
    max_size=12,
)
customer_ids = st.one_of(
    st.sampled_from(["A1", "A1 ", "17850", "17850.0", "Ünïcødé-客户", 'say "hi", ok', "x;y", "", "  "]),
    messy_text,
)
numeric_text = st.one_of(
    st.sampled_from(
        ["", " ", "abc", "-1", "0", "1e300", "1e400", "-1e300", "nan", "inf", "-inf", "1,5", " 7 "]
    ),
    st.integers(min_value=-1000, max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    messy_text,
)
rows_strategy = st.lists(st.tuples(customer_ids, *([numeric_text] * len(FEATURES))), min_size=1, max_size=25)


def render_csv(rows, delimiter: str, newline: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_ALL)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=rows_strategy,
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
)
def test_every_row_in_is_accepted_or_rejected_with_a_reason(cleaning_sql, rows, delimiter, newline, bom):
    path, staging, validation = cleaning_sql
    encoding = "utf-8-sig" if bom else "utf-8"
    path.write_text(render_csv(rows, delimiter, newline), encoding=encoding, newline="")
    staged, verdicts = run_cleaning(staging, validation)

    assert staged == len(rows)
    assert len(verdicts) == len(rows)
    accepted = [row for row in verdicts if row[1]]
    rejected = [row for row in verdicts if not row[1]]
    assert len(accepted) + len(rejected) == len(rows)
    assert all(row[2] for row in rejected), "a rejected row without a reason"
    assert all(row[2] is None for row in accepted)
    accepted_ids = [row[0] for row in accepted]
    assert None not in accepted_ids and len(set(accepted_ids)) == len(accepted_ids)
    for row in accepted:
        assert all(value is None or (math.isfinite(value) and value >= 0) for value in row[3:]), row
    # A row without an id is never accepted.
    # Blank as SQL's trim sees it: nothing but space separators (Unicode Zs, e.g. a no-break space).
    blank_ids = sum(1 for row in rows if all(unicodedata.category(c) == "Zs" for c in row[0]))
    assert sum(1 for row in rejected if row[2] == "missing customer id") == blank_ids
