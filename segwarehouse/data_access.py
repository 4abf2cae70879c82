"""How the dbt Python models read the warehouse, on DuckDB or on Spark.

A dbt Python model gets its refs as DuckDB relations on dbt-duckdb and as pyspark DataFrames on dbt-spark,
and a session that is a DuckDB connection or a SparkSession. `Table` wraps either: a query is SQL over the
table registered under a name (a temporary view on both engines), and results come back as rows, pandas or
Arrow batches. What the two engines spell differently is here and nowhere else in the Python code:
identifier quotes, timestamps as text, fetching, and what a model returns for "no new rows".

Everything that reaches Python is bounded by the caller: training reads a seeded sample (`seeded_order`),
the reports a sample per segment; scoring every customer is SQL (int_customers_segmented)."""

from __future__ import annotations

import itertools
import string
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pyarrow as pa

DUCKDB = "duckdb"
SPARK = "spark"

_view_numbers = itertools.count(1)


def seeded_order(seed_label: str) -> str:
    """ORDER BY terms that rank customers by a hash of their id and a seed, the id breaking ties: the first
    n rows are a seeded sample. md5 gives the same hex text in DuckDB and Spark, so both engines sample the
    same customers."""
    return f"md5(customer_id || '#{seed_label}'), customer_id"


def engine_of(relation: Any) -> str:
    """SPARK for a pyspark DataFrame, DUCKDB for a DuckDB relation."""
    module = type(relation).__module__
    if module.startswith("pyspark."):
        return SPARK
    if module.startswith("duckdb") or module.startswith("_duckdb"):
        return DUCKDB
    raise TypeError(f"not a DuckDB relation or a Spark DataFrame: {type(relation).__name__}")


class Table:
    """A relation of either engine (a dbt ref, this model's table, or a query's result).

    `session`: the model's session (a DuckDB connection or a SparkSession; Spark's DataFrames know theirs).
    On DuckDB a query registers the relation on the session as a temporary view: a relation's own
    `query()` would leave a persistent view in the database (here: the published warehouse)."""

    def __init__(self, relation: Any, session: Any = None) -> None:
        self.relation = relation
        self.engine = engine_of(relation)
        self.session = relation.sparkSession if self.engine == SPARK else session

    @classmethod
    def of(cls, relation: Any, session: Any = None) -> Table:
        """`relation` as a Table (a Table is returned as it is)."""
        return relation if isinstance(relation, Table) else cls(relation, session)

    @classmethod
    def this(cls, dbt: Any, session: Any) -> Table:
        """The model's own table as it stands (for an incremental model: before this build adds to it)."""
        return cls(session.sql(f"select * from {dbt.this}"), session)

    @property
    def columns(self) -> list[str]:
        return list(self.relation.columns)

    def quote(self, name: str) -> str:
        """`name` as an identifier: "name" in DuckDB; in Spark a double-quoted name is a string literal."""
        if self.engine == SPARK:
            return "`" + name.replace("`", "``") + "`"
        return '"' + name.replace('"', '""') + '"'

    def timestamp_text(self, column: str) -> str:
        """SQL for a timestamp column as text with microseconds, 'YYYY-MM-DD HH:MM:SS.ffffff'."""
        if self.engine == SPARK:
            return f"date_format({column}, 'yyyy-MM-dd HH:mm:ss.SSSSSS')"
        return f"strftime({column}, '%Y-%m-%d %H:%M:%S.%f')"

    def _register(self) -> str:
        name = f"segwarehouse_view_{next(_view_numbers)}"
        if self.engine == SPARK:
            self.relation.createOrReplaceTempView(name)
        else:
            if self.session is None:
                raise ValueError(
                    "a DuckDB table needs its session (Table(relation, connection)) to be queried"
                )
            self.session.register(name, self.relation)
        return name

    def query(self, sql: str, **others: Table) -> Table:
        """The result of `sql`, where `$table` names this table and `$<key>` each of `others` (tables of
        the same engine and session). `$`, not braces: dbt refuses a Python model whose source has `{{`, as
        an f-string would need. Lazy on both engines: nothing runs until the result is read."""
        if any(other.engine != self.engine for other in others.values()):
            raise ValueError("tables of different engines cannot be queried together")
        names = {"table": self._register(), **{key: other._register() for key, other in others.items()}}
        return Table(self.session.sql(string.Template(sql).substitute(names)), self.session)

    def rows(self) -> list[tuple]:
        if self.engine == SPARK:
            return [tuple(row) for row in self.relation.collect()]
        return self.relation.fetchall()

    def first(self) -> dict[str, Any] | None:
        """The first row as a dict (None when there is none)."""
        rows = self.query("select * from $table limit 1").rows()
        return dict(zip(self.columns, rows[0], strict=True)) if rows else None

    def scalar(self, sql: str) -> Any:
        """The single value of a query over this table, e.g. "select max(x) from $table"."""
        return self.query(sql).rows()[0][0]

    def count(self) -> int:
        return int(self.scalar("select count(*) from $table"))

    def pandas(self) -> pd.DataFrame:
        if self.engine == SPARK:
            return self.relation.toPandas()
        return self.relation.df()

    def arrow_batches(self, batch_rows: int) -> Iterator[pa.RecordBatch]:
        """The rows as Arrow record batches: streamed from DuckDB; on Spark collected to the driver first
        (only ever a bounded sample)."""
        if self.engine == SPARK:
            yield from self.relation.toArrow().to_batches(max_chunksize=batch_rows)
        else:
            yield from self.relation.fetch_arrow_reader(batch_size=batch_rows)

    def no_rows(self, columns_added_later: dict[str, str] | None = None) -> Any:
        """This table's columns and no rows, as a dbt Python model returns it: an Arrow table on DuckDB (it
        keeps the types, which an empty pandas frame loses), a Spark DataFrame on Spark.

        `columns_added_later` (name -> SQL type): columns a later release added to the model. Those the table
        lacks come as typed NULL columns, so that on_schema_change='append_new_columns' adds them to an
        existing warehouse's table on a build that appends nothing, and the models reading them work."""
        missing = {
            name: sql_type
            for name, sql_type in (columns_added_later or {}).items()
            if name not in self.columns
        }
        table = self
        if missing:
            added = ", ".join(
                f"cast(null as {sql_type}) as {self.quote(name)}" for name, sql_type in missing.items()
            )
            table = self.query(f"select *, {added} from $table")
        if self.engine == SPARK:
            return table.relation.limit(0)
        return table.relation.limit(0).fetch_arrow_table()
