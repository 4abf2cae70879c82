"""The warehouse as the reports see it: a read-only DuckDB connection and what the marts hold.

Every report asks the catalog (information_schema) what exists before it queries, so that a section whose
input is absent (no transactions: no RFM section) is skipped instead of failing.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import duckdb
import pandas as pd

# jupysql's telemetry and version check would try the network on every magic; the reports never need it.
os.environ.setdefault("PLOOMBER_STATS_ENABLED", "false")
os.environ.setdefault("PLOOMBER_VERSION_CHECK_DISABLED", "true")

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_WAREHOUSE = "warehouse/segments.duckdb"
# Points drawn in a scatter are a sample; everything else is aggregated over all customers in DuckDB.
SAMPLE_SEED = "segment-reports"


def warehouse_path() -> Path:
    """The warehouse file: env SEGMENTS_DB (a relative path is taken from the repository root, where dbt
    runs), default warehouse/segments.duckdb."""
    path = Path(os.environ.get("SEGMENTS_DB") or DEFAULT_WAREHOUSE).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def connect(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only; the reports never write to it."""
    path = path or warehouse_path()
    if not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `make build` (or set SEGMENTS_DB) first")
    return duckdb.connect(str(path), read_only=True)


def quote(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: object) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def pretty(name: str) -> str:
    """A column name as a reader would write it: total_purchases -> Total purchases."""
    text = re.sub(r"_+", " ", name).strip()
    return text[:1].upper() + text[1:]


@dataclass
class Warehouse:
    """A read-only connection plus what the warehouse holds (schemas, tables, columns, features)."""

    conn: duckdb.DuckDBPyConnection
    path: Path = field(default_factory=warehouse_path)

    @classmethod
    def open(cls) -> Warehouse:
        path = warehouse_path()
        return cls(connect(path), path)

    # --- Queries ------------------------------------------------------------------------------------------

    def sql(self, query: str) -> pd.DataFrame:
        return self.conn.sql(query).df()

    def scalar(self, query: str) -> object:
        row = self.conn.sql(query).fetchone()
        return None if row is None else row[0]

    # --- Catalog ------------------------------------------------------------------------------------------

    @cached_property
    def catalog(self) -> pd.DataFrame:
        """One row per column of every table and view: schema, table, column, type, position."""
        return self.sql(
            """
            select table_schema, table_name, column_name, data_type, ordinal_position
            from information_schema.columns
            where table_catalog = current_database()
            order by table_schema, table_name, ordinal_position
            """
        )

    def has_table(self, table: str, schema: str = "main") -> bool:
        rows = self.catalog
        return bool(((rows["table_schema"] == schema) & (rows["table_name"] == table)).any())

    def columns(self, table: str, schema: str = "main") -> list[str]:
        rows = self.catalog
        chosen = rows[(rows["table_schema"] == schema) & (rows["table_name"] == table)]
        return chosen["column_name"].tolist()

    def tables(self, schema: str = "main") -> list[str]:
        rows = self.catalog
        return sorted(set(rows.loc[rows["table_schema"] == schema, "table_name"]))

    def row_count(self, table: str, schema: str = "main") -> int:
        if not self.has_table(table, schema):
            return 0
        return int(self.scalar(f"select count(*) from {quote(schema)}.{quote(table)}"))

    def find_customer_table(self, *columns: str, schemas: tuple[str, ...] = ("main",)) -> str | None:
        """The first table (schema-qualified) with one row per customer that has all `columns`, preferring
        customer_features, then the other marts in name order."""
        for schema in schemas:
            names = self.tables(schema)
            ordered = [name for name in ("customer_features", "customer_segments") if name in names]
            ordered += [name for name in names if name not in ordered]
            for name in ordered:
                present = set(self.columns(name, schema))
                if "customer_id" in present and all(column in present for column in columns):
                    return f"{quote(schema)}.{quote(name)}"
        return None

    def has_values(self, table: str, column: str) -> bool:
        """Whether a column of a (qualified) table holds any non-null value."""
        return bool(self.scalar(f"select count({quote(column)}) > 0 from {table}"))

    # --- Features -----------------------------------------------------------------------------------------

    @cached_property
    def feature_summary(self) -> pd.DataFrame:
        return self.sql("select * from feature_summary")

    @cached_property
    def model_features(self) -> list[str]:
        """The features the clustering saw, in the order of their standardized columns in
        customer_features (the configured order)."""
        summary = self.feature_summary
        chosen = summary
        if "is_model_feature" in summary:
            chosen = summary[summary["is_model_feature"].fillna(False).astype(bool)]
        wanted = set(chosen["feature"])
        return [feature for feature in self.standardized_features if feature in wanted]

    @cached_property
    def standardized_features(self) -> list[str]:
        """Every feature with a standardized (_z) column in customer_features, in column order."""
        columns = self.columns("customer_features")
        present = set(columns)
        return [column[:-2] for column in columns if column.endswith("_z") and column[:-2] in present]

    @cached_property
    def labels(self) -> dict[str, dict[str, str]]:
        """feature -> {label, high_label, low_label}, from feature_summary."""
        frame = self.feature_summary.rename(columns={"feature_label": "label"})
        return {
            row["feature"]: row
            for row in frame[["feature", "label", "high_label", "low_label"]].to_dict("records")
        }

    def label(self, feature: str) -> str:
        label = self.labels.get(feature, {}).get("label")
        return pretty(label) if isinstance(label, str) and label else pretty(feature)

    def transform(self, feature: str) -> str:
        summary = self.feature_summary.set_index("feature")
        if feature in summary.index and "transform" in summary:
            return str(summary.loc[feature, "transform"])
        return "identity"

    # --- Segments -----------------------------------------------------------------------------------------

    @cached_property
    def segments(self) -> pd.DataFrame:
        """One row per segment: id, name, customers, share (ordered by id)."""
        return self.sql(
            """
            select segment_id, segment_name, customers, customer_share
            from segment_profiles
            order by segment_id
            """
        )

    @cached_property
    def chosen_model(self) -> dict:
        frame = self.sql("select * from model_selection where is_selected limit 1")
        return frame.iloc[0].to_dict() if len(frame) else {}

    @cached_property
    def customers(self) -> int:
        return self.row_count("customer_segments")


def sample_sql(source: str, columns: str, size: int, key: str = "customer_id") -> str:
    """A deterministic sample of `size` rows: the rows with the smallest hash of their key. DuckDB finds
    them with one streaming top-n pass, so it stays cheap at ten million rows."""
    return f"select {columns} from {source} order by hash({key} || {literal(SAMPLE_SEED)}) limit {int(size)}"


def stratified_sample_sql(source: str, columns: str, per_segment: int, pool: int = 60_000) -> str:
    """Up to `per_segment` rows of each segment, drawn from a deterministic pool of `pool` rows, so that
    small segments still show in a scatter. `source` must carry customer_id and segment_id."""
    return f"""
        with pool as (
            select *, hash(customer_id || {literal(SAMPLE_SEED)}) as sample_key
            from {source}
            order by sample_key
            limit {int(pool)}
        )
        select {columns}
        from pool
        qualify row_number() over (partition by segment_id order by sample_key) <= {int(per_segment)}
        order by segment_id, sample_key
    """


def setup_sql_magic(conn: duckdb.DuckDBPyConnection, alias: str = "warehouse") -> None:
    """Load jupysql in the running notebook and point %sql / %%sql / %sqlplot at `conn`: results come
    back as pandas frames, without connection banners. jupysql greets with configuration tips on load;
    those are swallowed, anything it writes to stderr is passed on."""
    import sys

    from IPython import get_ipython
    from IPython.utils.capture import capture_output

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("setup_sql_magic runs inside a notebook (IPython) only")
    with capture_output() as loading:
        shell.run_line_magic("load_ext", "sql")
    sys.stderr.write(loading.stderr)
    for setting in ("SqlMagic.displaycon = False", "SqlMagic.feedback = 0", "SqlMagic.autopandas = True"):
        shell.run_line_magic("config", setting)
    shell.run_line_magic("config", "InlineBackend.figure_formats = ['retina']")
    shell.user_ns["_warehouse_connection"] = conn
    shell.run_line_magic("sql", f"_warehouse_connection --alias {alias}")
