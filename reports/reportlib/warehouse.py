"""The warehouse as the reports see it: a read-only connection to the published file, the facts every
report starts from (segments and their colours, features and their labels, the chosen model), and
jupysql's %sql / %%sql pointed at it. The reports read marts only (the exposure in
dbt_project/models/marts/_exposures.yml lists them)."""

from __future__ import annotations

import os
import re
import sys
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


def warehouse_path() -> Path:
    """The warehouse file: env SEGMENTS_DB (a relative path is taken from the repository root, where dbt
    runs), default warehouse/segments.duckdb."""
    path = Path(os.environ.get("SEGMENTS_DB") or DEFAULT_WAREHOUSE).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def pretty(name: str) -> str:
    """A label as a reader would write it: total_purchases -> Total purchases."""
    text = re.sub(r"_+", " ", name).strip()
    return text[:1].upper() + text[1:]


@dataclass
class Warehouse:
    """A read-only connection plus what every report needs to know first."""

    conn: duckdb.DuckDBPyConnection
    path: Path = field(default_factory=warehouse_path)

    @classmethod
    def open(cls) -> Warehouse:
        path = warehouse_path()
        if not path.exists():
            raise FileNotFoundError(f"no warehouse at {path}: run `make build` (or set SEGMENTS_DB) first")
        return cls(duckdb.connect(str(path), read_only=True), path)

    def sql(self, query: str) -> pd.DataFrame:
        return self.conn.sql(query).df()

    def scalar(self, query: str) -> object:
        row = self.conn.sql(query).fetchone()
        return None if row is None else row[0]

    def has_table(self, table: str) -> bool:
        tables = "select table_name from information_schema.tables where table_schema = 'main'"
        return table in set(self.sql(tables)["table_name"])

    @cached_property
    def features(self) -> pd.DataFrame:
        """One row per feature with a standardized value: feature, label, transform, is_model_feature; the
        model's features first, in the model's order."""
        frame = self.sql(
            """
            select summary.feature, summary.feature_label as label, summary.transform,
                   summary.is_model_feature
            from feature_summary as summary
            left join segment_model_features as model
                on summary.feature = model.feature and summary.model_version = model.model_version
            order by summary.is_model_feature desc, model.feature_position, summary.feature
            """
        )
        return frame.assign(
            label=[pretty(label or feature) for feature, label in frame[["feature", "label"]].values]
        )

    @cached_property
    def model_features(self) -> list[str]:
        return list(self.features.loc[self.features["is_model_feature"], "feature"])

    def label(self, feature: str) -> str:
        labels = dict(zip(self.features["feature"], self.features["label"], strict=True))
        return labels.get(feature, pretty(feature))

    @cached_property
    def segments(self) -> pd.DataFrame:
        """One row per segment: id, name, customers, share, ordered by id."""
        columns = "segment_id, segment_name, customers, customer_share"
        return self.sql(f"select {columns} from segment_profiles order by segment_id")

    @cached_property
    def chosen_model(self) -> dict:
        frame = self.sql("select * from model_selection where is_selected limit 1")
        return frame.iloc[0].to_dict() if len(frame) else {}

    @cached_property
    def customers(self) -> int:
        return int(self.scalar("select count(*) from customer_segments"))


def setup_sql_magic(conn: duckdb.DuckDBPyConnection, alias: str = "warehouse") -> None:
    """Load jupysql in the running notebook and point %sql / %%sql / %sqlplot at `conn`: results come
    back as pandas frames, without connection banners. jupysql greets with configuration tips on load;
    those are swallowed, anything it writes to stderr is passed on."""
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
    shell.user_ns["_warehouse_connection"] = conn
    shell.run_line_magic("sql", f"_warehouse_connection --alias {alias}")
