"""CRM export: write relations to CSV and Parquet files for tools that do not read DuckDB."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

EXPORT_FORMATS = ("csv", "parquet")


def export_relations(relations: dict[str, Any], directory: str | Path) -> pd.DataFrame:
    """Write each DuckDB relation as `<name>.csv` and `<name>.parquet` under `directory` (created when
    missing). Returns one row per written file: name, format, path, rows, exported_at."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    exported_at = datetime.now(UTC).replace(tzinfo=None)
    written = []
    for name, relation in relations.items():
        rows = relation.aggregate("count(*)").fetchone()[0]
        for file_format in EXPORT_FORMATS:
            path = directory / f"{name}.{file_format}"
            if file_format == "csv":
                relation.write_csv(str(path))
            else:
                relation.write_parquet(str(path))
            written.append(
                {
                    "export_name": name,
                    "file_format": file_format,
                    "file_path": str(path.resolve()),
                    "row_count": int(rows),
                    "exported_at": exported_at,
                }
            )
    return pd.DataFrame(written)
