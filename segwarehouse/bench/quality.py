"""Segmentation quality: the adjusted Rand index of a labelling against the generator's truth."""

from __future__ import annotations

from pathlib import Path

import duckdb
from sklearn.metrics import adjusted_rand_score


def _reader(path: Path | str) -> str:
    quoted = "'" + str(path).replace("'", "''") + "'"
    if str(path).endswith(".parquet"):
        return f"read_parquet({quoted})"
    return f"read_csv({quoted}, header = true, all_varchar = true)"


def adjusted_rand_index(labels_sql: str, truth_path: Path | str, database: Path | str | None = None) -> float:
    """ARI between `labels_sql` (a query giving customer_id, label) and the truth file (customer_id,
    persona), over the customers both have."""
    with duckdb.connect(str(database) if database else ":memory:", read_only=database is not None) as con:
        con.execute("set enable_progress_bar = false")
        pairs = con.sql(
            f"""
            select labels.label, truth.persona
            from ({labels_sql}) as labels
            inner join {_reader(truth_path)} as truth
                on labels.customer_id::varchar = truth.customer_id::varchar
            """
        ).fetchnumpy()
    return float(adjusted_rand_score(pairs["persona"], pairs["label"]))


def warehouse_ari(database: Path | str, truth_path: Path | str) -> tuple[float, int]:
    """(ARI, number of segments) of the published warehouse's customer_segments."""
    labels = "select customer_id, segment_id as label from customer_segments"
    with duckdb.connect(str(database), read_only=True) as con:
        k = con.sql("select count(distinct segment_id) from customer_segments").fetchone()[0]
    return adjusted_rand_index(labels, truth_path, database), int(k)


def recipe_ari(labels_path: Path | str, truth_path: Path | str) -> tuple[float, int]:
    """(ARI, k) of the labels the recipe script wrote."""
    labels = f"select customer_id, label from {_reader(labels_path)}"
    with duckdb.connect() as con:
        k = con.sql(f"select count(distinct label) from ({labels})").fetchone()[0]
    return adjusted_rand_index(labels, truth_path), int(k)
